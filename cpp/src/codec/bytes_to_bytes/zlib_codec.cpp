#include "codec/bytes_to_bytes/zlib_codec.h"

#include <zlib.h>

#include <string>

#include "codec/bytes_to_bytes/deflate_decode.h"
#include "codec/config_util.h"
#include "zarrnative/codec/registry.h"
#include "zarrnative/common/error.h"

namespace zarrnative::codec {
namespace {

constexpr std::string_view kName = names::kZlib;

class ZlibCodec final : public BytesToBytesCodec {
 public:
  explicit ZlibCodec(ZlibConfig config) : config_(config) {}

  std::string_view name() const override { return kName; }

  json to_json() const override { return {{"id", kName}, {"level", config_.level}}; }

  EncodedSize encoded_size(EncodedSize decoded) const override {
    if (!decoded.is_known()) return EncodedSize::unknown();
    return EncodedSize::bounded(compressBound(decoded.bytes));
  }

  // compress2 drives deflate as Python's zlib.compress does (window 15,
  // memLevel 8), so equal zlib versions give equal bytes.
  void encode(ByteView in, ByteBuffer& out, const CodecOptions&) const override {
    uLongf n = compressBound(in.size());
    out.resize(n);
    int ret = compress2(out.data(), &n, in.data(), in.size(), config_.level);
    if (ret != Z_OK) throw Error(ErrorCode::kInternal, "zlib: compress2 failed (" + std::to_string(ret) + ")");
    out.resize(n);
  }

  void decode(ByteView in, ByteBuffer& out, std::optional<uint64_t> expected_size,
              const CodecOptions& options) const override {
    if (expected_size) {
      out.resize(static_cast<size_t>(*expected_size));
      detail::inflate_into(kName, detail::DeflateWrapper::kZlib, in, out.mutable_view());
    } else {
      detail::inflate_bounded(kName, detail::DeflateWrapper::kZlib, in, out, options.max_decoded_bytes);
    }
  }

  void decode_into(ByteView in, MutableByteView out, const CodecOptions&) const override {
    detail::inflate_into(kName, detail::DeflateWrapper::kZlib, in, out);
  }

 private:
  ZlibConfig config_;
};

}  // namespace

ZlibConfig parse_zlib_config(const json& config) {
  require_object(kName, config);
  allow_only(kName, config, {"level", "id"});
  ZlibConfig c;
  c.level = static_cast<int>(get_int(kName, config, "level", 1, -1, 9));
  return c;
}

std::shared_ptr<const BytesToBytesCodec> make_zlib_codec(const json& config, const ChunkSpec&) {
  return std::make_shared<ZlibCodec>(parse_zlib_config(config));
}

}  // namespace zarrnative::codec
