// Shared by the codec tests: building codecs through the registry,
// realistic test data, a round trip through every decode route, and checks
// of the errors codecs throw.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "zarrnative/codec/codec.h"
#include "zarrnative/codec/registry.h"
#include "zarrnative/common/error.h"

namespace zn_test {

using zarrnative::ByteBuffer;
using zarrnative::ByteView;
using zarrnative::DType;
using zarrnative::Error;
using zarrnative::ErrorCode;
using zarrnative::codec::BytesToBytesCodec;
using zarrnative::codec::ChunkSpec;
using zarrnative::codec::CodecOptions;
using zarrnative::codec::CodecRegistry;
using zarrnative::codec::EncodedSize;
using json = nlohmann::json;
using Bytes = std::vector<uint8_t>;

// A chunk of `n` uint16 elements (the input spec bytes->bytes codecs see).
inline ChunkSpec u16_spec(int64_t n = 1024) { return ChunkSpec{DType::from_typestr("<u2"), {n}, {}}; }

inline std::shared_ptr<const BytesToBytesCodec> make(std::string_view name, const json& config = json::object(),
                                                     const ChunkSpec& spec = u16_spec()) {
  return CodecRegistry::builtin().make_bytes_to_bytes(name, config, spec);
}

// Little-endian uint16 samples of a smooth 3-D field plus a little noise,
// cut to `nbytes` bytes: what scientific chunks look like.
inline Bytes smooth_field(size_t nbytes, uint32_t seed = 1) {
  Bytes out(nbytes);
  uint32_t state = seed * 2654435761u + 1;
  for (size_t i = 0; i < nbytes / 2 + 1; ++i) {
    const double x = static_cast<double>(i % 64), y = static_cast<double>(i / 64 % 64), z = static_cast<double>(i / 4096);
    state = state * 1664525u + 1013904223u;
    const double v = 20000 + 300 * std::sin(x / 20) * std::cos(y / 25) + 200 * std::sin(z / 15) + (state >> 30);
    const auto u = static_cast<uint16_t>(v);
    if (2 * i < nbytes) out[2 * i] = static_cast<uint8_t>(u);
    if (2 * i + 1 < nbytes) out[2 * i + 1] = static_cast<uint8_t>(u >> 8);
  }
  return out;
}

// The input of the known-answer vectors, rebuilt the way the Python script
// that made them did: bytes(((i // 8) ^ (i % 3)) & 0xFF for i in range(n)).
inline Bytes kat_input(size_t n) {
  Bytes out(n);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(((i / 8) ^ (i % 3)) & 0xFF);
  return out;
}

// (np.arange(n) // 3).astype("<u2").tobytes(): the blosc vectors' input.
inline Bytes kat_ramp_u16(size_t n) {
  Bytes out(2 * n);
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = static_cast<uint8_t>(i / 3);
    out[2 * i + 1] = static_cast<uint8_t>(i / 3 >> 8);
  }
  return out;
}

inline Bytes to_bytes(ByteView v) { return Bytes(v.begin(), v.end()); }
inline ByteView view(const Bytes& b) { return ByteView(b.data(), b.size()); }

// The sizes every codec is round-tripped at: empty, one byte, odd, one
// block, several blocks, a megabyte.
inline const std::vector<size_t>& round_trip_sizes() {
  static const std::vector<size_t> sizes = {0, 1, 7, 1000, 65536 * 2 + 3, size_t{1} << 20};
  return sizes;
}

// Runs `f`, expecting an Error of `code` whose message starts with
// "<codec>:" and, when given, contains `fragment`.
inline void expect_error(const std::function<void()>& f, ErrorCode code, std::string_view codec,
                         std::string_view fragment = {}) {
  try {
    f();
    ADD_FAILURE() << "expected an error from " << codec;
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_EQ(e.code(), code) << msg;
    EXPECT_EQ(msg.rfind(std::string(codec) + ":", 0), 0u) << msg;
    if (!fragment.empty()) EXPECT_NE(msg.find(fragment), std::string::npos) << msg;
  }
}

inline void expect_corrupt(const BytesToBytesCodec& codec, const Bytes& encoded, std::optional<uint64_t> expected,
                           std::string_view fragment = {}, const CodecOptions& options = {}) {
  expect_error(
      [&] {
        ByteBuffer out;
        codec.decode(view(encoded), out, expected, options);
      },
      ErrorCode::kCorruptChunk, codec.name(), fragment);
}

inline void expect_config_error(std::string_view name, const json& config, std::string_view fragment = {}) {
  expect_error([&] { make(name, config); }, ErrorCode::kCodecConfig, name, fragment);
}

// Decodes `encoded` by every route (known size, unknown size, into caller
// memory, as a view where offered) and checks each against `expected`.
inline void expect_decodes_to(const BytesToBytesCodec& codec, const Bytes& encoded, const Bytes& expected,
                              const CodecOptions& options = {}) {
  ByteBuffer known;
  codec.decode(view(encoded), known, expected.size(), options);
  EXPECT_EQ(to_bytes(known.view()), expected) << codec.name() << ": decode with the expected size";
  ByteBuffer unknown;
  codec.decode(view(encoded), unknown, std::nullopt, options);
  EXPECT_EQ(to_bytes(unknown.view()), expected) << codec.name() << ": decode of unknown size";
  Bytes into(expected.size(), 0xAB);
  codec.decode_into(view(encoded), zarrnative::MutableByteView(into.data(), into.size()), options);
  EXPECT_EQ(into, expected) << codec.name() << ": decode_into";
  if (auto v = codec.decode_view(view(encoded), options)) {
    EXPECT_EQ(to_bytes(*v), expected) << codec.name() << ": decode_view";
  }
}

inline Bytes encode(const BytesToBytesCodec& codec, const Bytes& data) {
  ByteBuffer out;
  codec.encode(view(data), out, CodecOptions{});
  return to_bytes(out.view());
}

// Encodes `data`, checks the size against encoded_size(), decodes it back
// by every route, and checks that a wrong expected size is refused.
inline Bytes round_trip(const BytesToBytesCodec& codec, const Bytes& data) {
  Bytes enc = encode(codec, data);
  EncodedSize bound = codec.encoded_size(EncodedSize::fixed(data.size()));
  EXPECT_TRUE(bound.is_known());
  if (bound.is_fixed()) {
    EXPECT_EQ(enc.size(), bound.bytes) << codec.name();
  } else {
    EXPECT_LE(enc.size(), bound.bytes) << codec.name();
  }
  EXPECT_FALSE(codec.encoded_size(EncodedSize::unknown()).is_known());
  expect_decodes_to(codec, enc, data);
  expect_corrupt(codec, enc, data.size() + 1);
  if (!data.empty()) expect_corrupt(codec, enc, data.size() - 1);
  return enc;
}

inline void round_trip_all_sizes(const BytesToBytesCodec& codec) {
  for (size_t n : round_trip_sizes()) {
    SCOPED_TRACE(std::string(codec.name()) + " at " + std::to_string(n) + " bytes");
    round_trip(codec, smooth_field(n, static_cast<uint32_t>(n)));
  }
}

// Encodes and decodes from several threads at once (codecs are shared).
inline void round_trip_concurrently(const BytesToBytesCodec& codec, int threads = 4) {
  const Bytes data = smooth_field(200000, 7);
  const Bytes reference = encode(codec, data);
  std::vector<int> ok(threads, 0);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      int good = 0;
      for (int i = 0; i < 8; ++i) {
        ByteBuffer enc, dec;
        codec.encode(view(data), enc, CodecOptions{});
        codec.decode(enc.view(), dec, data.size(), CodecOptions{});
        good += to_bytes(enc.view()) == reference && to_bytes(dec.view()) == data;
      }
      ok[t] = good;
    });
  }
  for (auto& th : pool) th.join();
  for (int t = 0; t < threads; ++t) EXPECT_EQ(ok[t], 8) << "thread " << t;
}

// Every prefix-truncation of `encoded` must be refused (or, for formats
// whose tail is optional, decode to the right bytes): never crash.
inline void expect_truncations_refused(const BytesToBytesCodec& codec, const Bytes& encoded, size_t decoded_size) {
  for (size_t keep : {size_t{0}, size_t{1}, encoded.size() / 2, encoded.size() - 1}) {
    if (keep >= encoded.size()) continue;
    SCOPED_TRACE("kept " + std::to_string(keep) + " of " + std::to_string(encoded.size()) + " bytes");
    Bytes cut(encoded.begin(), encoded.begin() + static_cast<std::ptrdiff_t>(keep));
    expect_corrupt(codec, cut, decoded_size);
    expect_corrupt(codec, cut, std::nullopt);
  }
}

// Flips single bits across `encoded` (every `stride`-th bit). Each result
// must be refused with kCorruptChunk or decode; with `checksummed`, what
// decodes must be `data` (the flip hit a bit the format ignores). Never a
// crash, never another error code. Returns how many decodes were refused.
inline int flip_bits(const BytesToBytesCodec& codec, const Bytes& encoded, const Bytes& data, size_t stride = 7,
                     bool checksummed = false) {
  int refused = 0;
  for (size_t i = 0; i < encoded.size() * 8; i += stride) {
    Bytes bad = encoded;
    bad[i / 8] ^= static_cast<uint8_t>(1u << (i % 8));
    for (bool known : {true, false}) {
      ByteBuffer out;
      try {
        codec.decode(view(bad), out, known ? std::optional<uint64_t>(data.size()) : std::nullopt, CodecOptions{});
        if (checksummed) EXPECT_EQ(to_bytes(out.view()), data) << "bit " << i << " flipped, yet it decoded";
      } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kCorruptChunk) << e.what();
        ++refused;
      }
    }
  }
  return refused;
}

}  // namespace zn_test
