#include "codec/bytes_to_bytes/shuffle_codec.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "codec/bytes_to_bytes/byte_shuffle.h"
#include "codec/config_util.h"
#include "zarrnative/codec/registry.h"
#include "zarrnative/common/error.h"

namespace zarrnative::codec {
namespace {

class ShuffleCodec final : public BytesToBytesCodec {
 public:
  explicit ShuffleCodec(size_t elementsize)
      : size_(elementsize), fwd_(shuffle_kernel(elementsize)), inv_(unshuffle_kernel(elementsize)) {}

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

  void run(ShuffleKernel k, ByteView in, MutableByteView out) const {
    if (in.empty()) return;
    if (size_ == 1) {
      std::memcpy(out.data(), in.data(), in.size());
      return;
    }
    k(in.data(), out.data(), in.size() / size_, size_);
  }

  size_t size_;
  ShuffleKernel fwd_, inv_;
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
