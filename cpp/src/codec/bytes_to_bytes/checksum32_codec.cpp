#include "codec/bytes_to_bytes/checksum32_codec.h"

#include <isa-l/crc.h>
#include <libdeflate.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include "codec/bytes_to_bytes/bounded_output.h"
#include "codec/config_util.h"
#include "zarrnative/codec/registry.h"

namespace zarrnative::codec {
namespace {

constexpr size_t kChecksumBytes = 4;

std::string hex32(uint32_t v) {
  char s[11];
  std::snprintf(s, sizeof s, "0x%08X", v);
  return s;
}

enum class Location { kStart, kEnd };

using ChecksumFn = uint32_t (*)(ByteView bytes, uint32_t seed);

class Checksum32Codec final : public BytesToBytesCodec {
 public:
  Checksum32Codec(std::string_view name, ChecksumFn fn, uint32_t seed, Location location, json as_json)
      : name_(name), fn_(fn), seed_(seed), location_(location), json_(std::move(as_json)) {}

  std::string_view name() const override { return name_; }
  json to_json() const override { return json_; }

  EncodedSize encoded_size(EncodedSize decoded) const override {
    if (!decoded.is_known()) return EncodedSize::unknown();
    return {decoded.kind, decoded.bytes + kChecksumBytes};
  }

  void encode(ByteView in, ByteBuffer& out, const CodecOptions&) const override {
    out.resize(in.size() + kChecksumBytes);
    uint8_t* data = out.data() + (location_ == Location::kStart ? kChecksumBytes : 0);
    uint8_t* sum = out.data() + (location_ == Location::kStart ? 0 : in.size());
    if (!in.empty()) std::memcpy(data, in.data(), in.size());
    detail::store_le32(sum, fn_(in, seed_));
  }

  std::optional<ByteView> decode_view(ByteView in, const CodecOptions& options) const override {
    if (in.size() < kChecksumBytes) {
      corrupt_error(name_, "input of " + std::to_string(in.size()) + " bytes is shorter than the 4-byte checksum");
    }
    const bool start = location_ == Location::kStart;
    ByteView data = start ? in.subspan(kChecksumBytes) : in.first(in.size() - kChecksumBytes);
    if (options.validate_checksums) {
      const uint32_t stored = detail::load_le32(start ? in.data() : in.data() + data.size());
      const uint32_t actual = fn_(data, seed_);
      if (stored != actual) {
        corrupt_error(name_, "checksum mismatch: stored " + hex32(stored) + ", computed " + hex32(actual));
      }
    }
    return data;
  }

  void decode(ByteView in, ByteBuffer& out, std::optional<uint64_t> expected_size,
              const CodecOptions& options) const override {
    out.assign(checked(in, expected_size, options));
  }

  void decode_into(ByteView in, MutableByteView out, const CodecOptions& options) const override {
    ByteView data = checked(in, out.size(), options);
    if (!data.empty()) std::memcpy(out.data(), data.data(), data.size());
  }

 private:
  ByteView checked(ByteView in, std::optional<uint64_t> expected_size, const CodecOptions& options) const {
    ByteView data = *decode_view(in, options);
    if (expected_size && data.size() != *expected_size) {
      corrupt_error(name_, "holds " + std::to_string(data.size()) + " bytes besides its checksum, expected " +
                               std::to_string(*expected_size));
    }
    return data;
  }

  std::string_view name_;
  ChecksumFn fn_;
  uint32_t seed_;
  Location location_;
  json json_;
};

// numcodecs' "location" field: where the checksum goes.
Location get_location(std::string_view name, const json& config, Location fallback) {
  const std::string s = get_string(name, config, "location", fallback == Location::kStart ? "start" : "end");
  if (s != "start" && s != "end") config_error(name, "'location' must be \"start\" or \"end\", got \"" + s + "\"");
  return s == "start" ? Location::kStart : Location::kEnd;
}

// The numcodecs checksums that take only a location. With `v3_at_end` (the
// Zarr v3 crc32c), the checksum at the end writes the v3 form, which has no
// configuration.
std::shared_ptr<const BytesToBytesCodec> make_located(std::string_view name, const json& config, ChecksumFn fn,
                                                      Location fallback, bool v3_at_end = false) {
  require_object(name, config);
  allow_only(name, config, {"id", "location"});
  const Location location = get_location(name, config, fallback);
  json as_json = v3_at_end && location == Location::kEnd
                     ? json{{"name", name}}
                     : json{{"id", name}, {"location", location == Location::kStart ? "start" : "end"}};
  return std::make_shared<Checksum32Codec>(name, fn, 0, location, std::move(as_json));
}

uint32_t jenkins_rot(uint32_t x, int k) { return x << k | x >> (32 - k); }

}  // namespace

uint32_t crc32c(ByteView bytes) {
  // crc32_iscsi neither pre- nor post-inverts: the standard CRC32C starts
  // from ~0 and inverts the result. Its length is an int: go in steps.
  constexpr size_t kStep = size_t{1} << 30;
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t pos = 0; pos < bytes.size(); pos += kStep) {
    const size_t n = std::min(kStep, bytes.size() - pos);
    crc = crc32_iscsi(const_cast<unsigned char*>(bytes.data() + pos), static_cast<int>(n), crc);
  }
  return ~crc;
}

uint32_t crc32(ByteView bytes) { return libdeflate_crc32(0, bytes.data(), bytes.size()); }

uint32_t adler32(ByteView bytes) { return libdeflate_adler32(1, bytes.data(), bytes.size()); }

uint32_t fletcher32(ByteView bytes) {
  // HDF5 folds both sums to 17 bits every 360 words; a fold keeps a sum's
  // residue mod 65535 and keeps it positive, so its result is canonical: 0
  // for a sum that is 0 (every word zero), else the residue, 0xFFFF for 0.
  // That lets blocks of words be summed in 64 bits, in two reductions a
  // compiler vectorises: per block of n words w_i after sums (s1, s2),
  // s1 += sum(w_i) and s2 += n * s1 + sum((n - i) * w_i).
  constexpr uint64_t kMod = 0xFFFF;
  constexpr size_t kBlock = 256;  // 32-bit block sums: sum(i * w_i) < 2^31
  const uint8_t* p = bytes.data();
  size_t words = bytes.size() / 2;
  uint64_t s1 = 0, s2 = 0;
  bool nonzero = false;
  while (words > 0) {
    const size_t n = std::min(words, kBlock);
    uint32_t a = 0, weighted = 0;  // sum(w_i), sum(i * w_i)
    for (uint32_t i = 0; i < n; ++i) {
      uint16_t raw;
      std::memcpy(&raw, p + 2 * i, 2);
      const uint32_t w = native_byte_order() == ByteOrder::kLittle ? __builtin_bswap16(raw) : raw;
      a += w;
      weighted += i * w;
    }
    nonzero = nonzero || a != 0;
    s2 = (s2 + n * s1 + n * uint64_t{a} - weighted) % kMod;
    s1 = (s1 + a) % kMod;
    p += 2 * n;
    words -= n;
  }
  if (bytes.size() % 2 != 0) {  // the odd last byte: a word's high byte
    const uint64_t w = uint64_t{*p} << 8;
    nonzero = nonzero || w != 0;
    s1 = (s1 + w) % kMod;
    s2 = (s2 + s1) % kMod;
  }
  auto canonical = [&](uint64_t r) { return static_cast<uint32_t>(r == 0 && nonzero ? kMod : r); };
  return canonical(s2) << 16 | canonical(s1);
}

uint32_t jenkins_lookup3(ByteView bytes, uint32_t initval) {
  // hashlittle, reading bytes one at a time (the result of little-endian
  // words on any machine).
  const uint8_t* k = bytes.data();
  size_t length = bytes.size();
  uint32_t a, b, c;
  a = b = c = 0xDEADBEEFu + static_cast<uint32_t>(length) + initval;
  auto word = [](const uint8_t* p, size_t n) {  // n <= 4 bytes, little-endian
    uint32_t w = 0;
    for (size_t i = n; i-- > 0;) w = w << 8 | p[i];
    return w;
  };
  while (length > 12) {
    a += word(k, 4);
    b += word(k + 4, 4);
    c += word(k + 8, 4);
    a -= c; a ^= jenkins_rot(c, 4);  c += b;
    b -= a; b ^= jenkins_rot(a, 6);  a += c;
    c -= b; c ^= jenkins_rot(b, 8);  b += a;
    a -= c; a ^= jenkins_rot(c, 16); c += b;
    b -= a; b ^= jenkins_rot(a, 19); a += c;
    c -= b; c ^= jenkins_rot(b, 4);  b += a;
    length -= 12;
    k += 12;
  }
  if (length == 0) return c;
  // The last 1..12 bytes, zero-padded.
  a += word(k, std::min<size_t>(length, 4));
  if (length > 4) b += word(k + 4, std::min<size_t>(length - 4, 4));
  if (length > 8) c += word(k + 8, length - 8);
  c ^= b; c -= jenkins_rot(b, 14);
  a ^= c; a -= jenkins_rot(c, 11);
  b ^= a; b -= jenkins_rot(a, 25);
  c ^= b; c -= jenkins_rot(b, 16);
  a ^= c; a -= jenkins_rot(c, 4);
  b ^= a; b -= jenkins_rot(a, 14);
  c ^= b; c -= jenkins_rot(b, 24);
  return c;
}

bool is_checksum_codec(std::string_view name) {
  return name == names::kCrc32c || name == names::kCrc32 || name == names::kAdler32 ||
         name == names::kFletcher32 || name == names::kJenkinsLookup3;
}

std::shared_ptr<const BytesToBytesCodec> make_crc32c_codec(const json& config, const ChunkSpec&) {
  return make_located(names::kCrc32c, config, [](ByteView b, uint32_t) { return crc32c(b); }, Location::kEnd,
                      /*v3_at_end=*/true);
}

std::shared_ptr<const BytesToBytesCodec> make_crc32_codec(const json& config, const ChunkSpec&) {
  return make_located(names::kCrc32, config, [](ByteView b, uint32_t) { return crc32(b); }, Location::kStart);
}

std::shared_ptr<const BytesToBytesCodec> make_adler32_codec(const json& config, const ChunkSpec&) {
  return make_located(names::kAdler32, config, [](ByteView b, uint32_t) { return adler32(b); }, Location::kStart);
}

std::shared_ptr<const BytesToBytesCodec> make_fletcher32_codec(const json& config, const ChunkSpec&) {
  constexpr std::string_view kName = names::kFletcher32;
  require_object(kName, config);
  allow_only(kName, config, {"id"});
  return std::make_shared<Checksum32Codec>(
      kName, [](ByteView b, uint32_t) { return fletcher32(b); }, 0, Location::kEnd, json{{"id", kName}});
}

std::shared_ptr<const BytesToBytesCodec> make_jenkins_lookup3_codec(const json& config, const ChunkSpec&) {
  constexpr std::string_view kName = names::kJenkinsLookup3;
  require_object(kName, config);
  allow_only(kName, config, {"id", "initval", "prefix"});
  const auto initval = static_cast<uint32_t>(get_int(kName, config, "initval", 0, 0, 0xFFFFFFFFll));
  if (has(config, "prefix")) {
    config_error(kName, "a 'prefix' other than null is not supported (zarr-python cannot store one either), got " +
                            config.at("prefix").dump());
  }
  return std::make_shared<Checksum32Codec>(kName, jenkins_lookup3, initval, Location::kEnd,
                                           json{{"id", kName}, {"initval", initval}, {"prefix", nullptr}});
}

}  // namespace zarrnative::codec
