#include "codec/bytes_to_bytes/shuffle_codec.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "codec/config_util.h"
#include "zarrnative/codec/registry.h"
#include "zarrnative/common/error.h"

namespace zarrnative::codec {
namespace {

// Elements per block: a block's input stays in L1 while each of its byte
// planes is written out.
constexpr size_t kBlock = 256;

// kSize: the element size when known at compile time (0: use `size`).
template <size_t kSize>
void shuffle(const uint8_t* in, uint8_t* out, size_t count, size_t size) {
  const size_t es = kSize ? kSize : size;
  for (size_t i0 = 0; i0 < count; i0 += kBlock) {
    const size_t m = std::min(kBlock, count - i0);
    for (size_t b = 0; b < es; ++b) {
      const uint8_t* s = in + i0 * es + b;
      uint8_t* d = out + b * count + i0;
      for (size_t i = 0; i < m; ++i) d[i] = s[i * es];
    }
  }
}

template <size_t kSize>
void unshuffle(const uint8_t* in, uint8_t* out, size_t count, size_t size) {
  const size_t es = kSize ? kSize : size;
  for (size_t i0 = 0; i0 < count; i0 += kBlock) {
    const size_t m = std::min(kBlock, count - i0);
    for (size_t b = 0; b < es; ++b) {
      const uint8_t* s = in + b * count + i0;
      uint8_t* d = out + i0 * es + b;
      for (size_t i = 0; i < m; ++i) d[i * es] = s[i];
    }
  }
}

using Kernel = void (*)(const uint8_t*, uint8_t*, size_t, size_t);

class ShuffleCodec final : public BytesToBytesCodec {
 public:
  explicit ShuffleCodec(size_t elementsize) : size_(elementsize) {
    switch (size_) {
      case 2: fwd_ = &shuffle<2>; inv_ = &unshuffle<2>; break;
      case 4: fwd_ = &shuffle<4>; inv_ = &unshuffle<4>; break;
      case 8: fwd_ = &shuffle<8>; inv_ = &unshuffle<8>; break;
      case 16: fwd_ = &shuffle<16>; inv_ = &unshuffle<16>; break;
      default: fwd_ = &shuffle<0>; inv_ = &unshuffle<0>; break;
    }
  }

  std::string_view name() const override { return names::kShuffle; }

  json to_json() const override { return {{"id", names::kShuffle}, {"elementsize", size_}}; }

  EncodedSize encoded_size(EncodedSize decoded) const override { return decoded; }

  void encode(ByteView in, ByteBuffer& out, const CodecOptions&) const override {
    if (in.size() % size_ != 0) {
      throw Error(ErrorCode::kInvalidArgument, "shuffle: " + std::to_string(in.size()) +
                                                   " bytes are not a whole number of " + std::to_string(size_) +
                                                   "-byte elements (numcodecs refuses this too)");
    }
    out.resize(in.size());
    run(fwd_, in, out.mutable_view());
  }

  void decode(ByteView in, ByteBuffer& out, std::optional<uint64_t> expected_size,
              const CodecOptions& options) const override {
    if (expected_size && in.size() != *expected_size) {
      corrupt_error(name(), "holds " + std::to_string(in.size()) + " bytes, expected " +
                                std::to_string(*expected_size));
    }
    if (!expected_size && in.size() > options.max_decoded_bytes) {
      corrupt_error(name(), std::to_string(in.size()) + " bytes exceed the limit of " +
                                std::to_string(options.max_decoded_bytes) + " decoded bytes");
    }
    check_whole(in.size());
    out.resize(in.size());
    run(inv_, in, out.mutable_view());
  }

  void decode_into(ByteView in, MutableByteView out, const CodecOptions&) const override {
    if (in.size() != out.size()) {
      corrupt_error(name(), "holds " + std::to_string(in.size()) + " bytes, expected " + std::to_string(out.size()));
    }
    check_whole(in.size());
    run(inv_, in, out);
  }

 private:
  void check_whole(size_t n) const {
    if (n % size_ != 0) {
      corrupt_error(name(), std::to_string(n) + " bytes are not a whole number of " + std::to_string(size_) +
                                "-byte elements");
    }
  }

  void run(Kernel k, ByteView in, MutableByteView out) const {
    if (in.empty()) return;
    if (size_ == 1) {
      std::memcpy(out.data(), in.data(), in.size());
      return;
    }
    k(in.data(), out.data(), in.size() / size_, size_);
  }

  size_t size_;
  Kernel fwd_, inv_;
};

}  // namespace

std::shared_ptr<const BytesToBytesCodec> make_shuffle_codec(const json& config, const ChunkSpec&) {
  constexpr std::string_view kName = names::kShuffle;
  require_object(kName, config);
  allow_only(kName, config, {"id", "elementsize"});
  if (has(config, "id") && (!config.at("id").is_string() || config.at("id").get<std::string>() != kName)) {
    config_error(kName, "configuration 'id' is " + config.at("id").dump() + ", expected \"shuffle\"");
  }
  const int64_t size = get_int(kName, config, "elementsize", 4, 1, INT32_MAX);
  return std::make_shared<ShuffleCodec>(static_cast<size_t>(size));
}

}  // namespace zarrnative::codec
