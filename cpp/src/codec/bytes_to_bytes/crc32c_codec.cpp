#include "codec/bytes_to_bytes/crc32c_codec.h"

#include <isa-l/crc.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include "codec/bytes_to_bytes/bounded_output.h"
#include "codec/config_util.h"
#include "zarrnative/codec/registry.h"

namespace zarrnative::codec {
namespace {

constexpr std::string_view kName = names::kCrc32c;
constexpr size_t kTrailer = 4;

std::string hex32(uint32_t v) {
  char s[11];
  std::snprintf(s, sizeof s, "0x%08X", v);
  return s;
}

class Crc32cCodec final : public BytesToBytesCodec {
 public:
  std::string_view name() const override { return kName; }

  // As zarr-python writes it: the codec has no configuration.
  json to_json() const override { return {{"name", kName}}; }

  EncodedSize encoded_size(EncodedSize decoded) const override {
    if (!decoded.is_known()) return EncodedSize::unknown();
    return {decoded.kind, decoded.bytes + kTrailer};
  }

  void encode(ByteView in, ByteBuffer& out, const CodecOptions&) const override {
    out.resize(in.size() + kTrailer);
    if (!in.empty()) std::memcpy(out.data(), in.data(), in.size());
    detail::store_le32(out.data() + in.size(), crc32c(in));
  }

  std::optional<ByteView> decode_view(ByteView in, const CodecOptions& options) const override {
    if (in.size() < kTrailer) {
      corrupt_error(kName, "input of " + std::to_string(in.size()) + " bytes is shorter than the 4-byte checksum");
    }
    ByteView data = in.first(in.size() - kTrailer);
    if (options.validate_checksums) {
      const uint32_t stored = detail::load_le32(in.data() + data.size());
      const uint32_t actual = crc32c(data);
      if (stored != actual) {
        corrupt_error(kName, "checksum mismatch: stored " + hex32(stored) + ", computed " + hex32(actual));
      }
    }
    return data;
  }

  void decode(ByteView in, ByteBuffer& out, std::optional<uint64_t> expected_size,
              const CodecOptions& options) const override {
    ByteView data = checked(in, expected_size, options);
    out.assign(data);
  }

  void decode_into(ByteView in, MutableByteView out, const CodecOptions& options) const override {
    ByteView data = checked(in, out.size(), options);
    if (!data.empty()) std::memcpy(out.data(), data.data(), data.size());
  }

 private:
  ByteView checked(ByteView in, std::optional<uint64_t> expected_size, const CodecOptions& options) const {
    ByteView data = *decode_view(in, options);
    if (expected_size && data.size() != *expected_size) {
      corrupt_error(kName, "holds " + std::to_string(data.size()) + " bytes before its checksum, expected " +
                               std::to_string(*expected_size));
    }
    return data;
  }
};

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

std::shared_ptr<const BytesToBytesCodec> make_crc32c_codec(const json& config, const ChunkSpec&) {
  require_object(kName, config);
  allow_only(kName, config, {"id"});
  return std::make_shared<Crc32cCodec>();
}

}  // namespace zarrnative::codec
