#include "codec/bytes_to_bytes/lz4_codec.h"

#include <lz4.h>

#include <climits>
#include <string>

#include "codec/bytes_to_bytes/bounded_output.h"
#include "codec/config_util.h"
#include "zarrnative/codec/registry.h"
#include "zarrnative/common/error.h"

namespace zarrnative::codec {
namespace {

constexpr std::string_view kName = names::kLz4;
constexpr size_t kHeader = 4;

class Lz4Codec final : public BytesToBytesCodec {
 public:
  explicit Lz4Codec(Lz4Config config) : config_(config) {}

  std::string_view name() const override { return kName; }

  json to_json() const override { return {{"id", kName}, {"acceleration", config_.acceleration}}; }

  EncodedSize encoded_size(EncodedSize decoded) const override {
    if (!decoded.is_known()) return EncodedSize::unknown();
    // LZ4_COMPRESSBOUND without its 0 for oversized inputs (encode refuses those).
    return EncodedSize::bounded(kHeader + decoded.bytes + decoded.bytes / 255 + 16);
  }

  void encode(ByteView in, ByteBuffer& out, const CodecOptions&) const override {
    if (in.size() > LZ4_MAX_INPUT_SIZE) {
      throw Error(ErrorCode::kInvalidArgument, "lz4: a chunk of " + std::to_string(in.size()) +
                                                   " bytes is larger than LZ4's limit of " +
                                                   std::to_string(LZ4_MAX_INPUT_SIZE));
    }
    const int n = static_cast<int>(in.size());
    const int bound = LZ4_compressBound(n);
    out.resize(kHeader + static_cast<size_t>(bound));
    detail::store_le32(out.data(), static_cast<uint32_t>(n));
    int written = LZ4_compress_fast(reinterpret_cast<const char*>(in.data()),
                                    reinterpret_cast<char*>(out.data() + kHeader), n, bound, config_.acceleration);
    if (written <= 0) throw Error(ErrorCode::kInternal, "lz4: LZ4_compress_fast failed");
    out.resize(kHeader + static_cast<size_t>(written));
  }

  void decode(ByteView in, ByteBuffer& out, std::optional<uint64_t> expected_size,
              const CodecOptions& options) const override {
    const uint64_t limit = expected_size ? *expected_size : options.max_decoded_bytes;
    const uint32_t stated = stated_size(in, expected_size, limit);
    out.resize(stated);  // checked against the expected size or the limit above
    decode_block(in, out.mutable_view());
  }

  void decode_into(ByteView in, MutableByteView out, const CodecOptions&) const override {
    stated_size(in, out.size(), out.size());
    decode_block(in, out);
  }

 private:
  // The size in the header, checked before anything is allocated.
  static uint32_t stated_size(ByteView in, std::optional<uint64_t> expected, uint64_t limit) {
    if (in.size() < kHeader + 1) {
      corrupt_error(kName, "input of " + std::to_string(in.size()) + " bytes is too short for the size header and a block");
    }
    const uint32_t stated = detail::load_le32(in.data());
    if (expected && stated != *expected) {
      corrupt_error(kName, "the size header claims " + std::to_string(stated) + " bytes, expected " +
                               std::to_string(*expected));
    }
    // Each byte of an LZ4 block yields at most 255 bytes (a match length
    // grows by 255 per extra byte): more than that is a lie.
    if (uint64_t{stated} > uint64_t{255} * (in.size() - kHeader) + 64) {
      corrupt_error(kName, "the size header claims " + std::to_string(stated) + " bytes, more than a block of " +
                               std::to_string(in.size() - kHeader) + " bytes can hold");
    }
    if (stated > limit || stated > static_cast<uint32_t>(INT_MAX)) {
      corrupt_error(kName, "the size header claims " + std::to_string(stated) + " bytes, more than the limit of " +
                               std::to_string(limit));
    }
    return stated;
  }

  static void decode_block(ByteView in, MutableByteView out) {
    const size_t block = in.size() - kHeader;
    if (block > static_cast<size_t>(INT_MAX)) corrupt_error(kName, "a block of " + std::to_string(block) + " bytes is too large");
    // LZ4_decompress_safe never reads or writes outside the given sizes.
    int n = LZ4_decompress_safe(reinterpret_cast<const char*>(in.data() + kHeader), reinterpret_cast<char*>(out.data()),
                                static_cast<int>(block), static_cast<int>(out.size()));
    if (n < 0) corrupt_error(kName, "invalid or truncated block");
    if (static_cast<size_t>(n) != out.size()) {
      corrupt_error(kName, "the block decodes to " + std::to_string(n) + " bytes, the size header says " +
                               std::to_string(out.size()));
    }
  }

  Lz4Config config_;
};

}  // namespace

Lz4Config parse_lz4_config(const json& config) {
  require_object(kName, config);
  allow_only(kName, config, {"acceleration", "id"});
  Lz4Config c;
  c.acceleration = static_cast<int>(get_int(kName, config, "acceleration", 1, INT_MIN, INT_MAX));
  return c;
}

std::shared_ptr<const BytesToBytesCodec> make_lz4_codec(const json& config, const ChunkSpec&) {
  return std::make_shared<Lz4Codec>(parse_lz4_config(config));
}

}  // namespace zarrnative::codec
