#include "codec/bytes_to_bytes/gzip_codec.h"

#include <libdeflate.h>
#include <zlib.h>

#include <algorithm>
#include <string>

#include "codec/bytes_to_bytes/bounded_output.h"
#include "codec/bytes_to_bytes/deflate_decode.h"
#include "codec/config_util.h"
#include "zarrnative/codec/registry.h"
#include "zarrnative/common/error.h"

namespace zarrnative::codec {
namespace {

constexpr std::string_view kName = names::kGzip;
constexpr size_t kHeader = 10;
constexpr size_t kTrailer = 8;
constexpr size_t kMaxStep = size_t{1} << 30;  // zlib counts in 32-bit unsigned steps

// The 10-byte member header of Python's gzip module (numcodecs writes
// through it), with mtime 0: no optional fields; the extra flags say
// "best" for level 9 and "fastest" for level 1; the OS is 255 (unknown).
void write_header(uint8_t* p, int level) {
  const uint8_t xfl = level == 9 ? 2 : level == 1 ? 4 : 0;
  const uint8_t header[kHeader] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, xfl, 0xff};
  std::copy(header, header + kHeader, p);
}

class GzipCodec final : public BytesToBytesCodec {
 public:
  explicit GzipCodec(GzipConfig config) : config_(config) {}

  std::string_view name() const override { return kName; }

  json to_json() const override { return {{"name", kName}, {"configuration", {{"level", config_.level}}}}; }

  EncodedSize encoded_size(EncodedSize decoded) const override {
    if (!decoded.is_known()) return EncodedSize::unknown();
    return EncodedSize::bounded(compressBound(decoded.bytes) + kHeader + kTrailer);
  }

  // Header, raw DEFLATE, CRC32 and size trailer: the member Python writes
  // (its gzip module also drives zlib with a -15 window, memLevel 8).
  void encode(ByteView in, ByteBuffer& out, const CodecOptions&) const override {
    z_stream s{};
    if (deflateInit2(&s, config_.level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      throw Error(ErrorCode::kInternal, "gzip: deflateInit2 failed");
    }
    const uint64_t bound = deflateBound(&s, in.size());
    out.resize(static_cast<size_t>(bound) + kHeader + kTrailer);
    write_header(out.data(), config_.level);
    s.next_in = const_cast<Bytef*>(in.data());
    s.next_out = out.data() + kHeader;
    int ret = Z_OK;
    for (;;) {
      // Feed and drain in steps that fit zlib's 32-bit counters.
      const uint64_t in_left = in.size() - s.total_in;
      const uint64_t out_left = bound - s.total_out;
      if (s.avail_in == 0) s.avail_in = static_cast<uInt>(std::min<uint64_t>(in_left, kMaxStep));
      if (s.avail_out == 0) s.avail_out = static_cast<uInt>(std::min<uint64_t>(out_left, kMaxStep));
      const bool last = s.avail_in == in_left;
      ret = deflate(&s, last ? Z_FINISH : Z_NO_FLUSH);
      if (ret != Z_OK) break;  // done, or no progress possible (Z_BUF_ERROR)
    }
    const size_t body = s.total_out;
    deflateEnd(&s);
    if (ret != Z_STREAM_END) throw Error(ErrorCode::kInternal, "gzip: deflate failed (" + std::to_string(ret) + ")");
    uint8_t* trailer = out.data() + kHeader + body;
    detail::store_le32(trailer, libdeflate_crc32(0, in.data(), in.size()));
    detail::store_le32(trailer + 4, static_cast<uint32_t>(in.size()));  // modulo 2^32, as RFC 1952 says
    out.resize(kHeader + body + kTrailer);
  }

  void decode(ByteView in, ByteBuffer& out, std::optional<uint64_t> expected_size,
              const CodecOptions& options) const override {
    if (expected_size) {
      out.resize(static_cast<size_t>(*expected_size));
      detail::inflate_into(kName, detail::DeflateWrapper::kGzip, in, out.mutable_view());
    } else {
      detail::inflate_bounded(kName, detail::DeflateWrapper::kGzip, in, out, options.max_decoded_bytes);
    }
  }

  void decode_into(ByteView in, MutableByteView out, const CodecOptions&) const override {
    detail::inflate_into(kName, detail::DeflateWrapper::kGzip, in, out);
  }

 private:
  GzipConfig config_;
};

}  // namespace

GzipConfig parse_gzip_config(const json& config) {
  require_object(kName, config);
  allow_only(kName, config, {"level", "id"});
  GzipConfig c;
  c.level = static_cast<int>(get_int(kName, config, "level", 5, 0, 9));
  return c;
}

std::shared_ptr<const BytesToBytesCodec> make_gzip_codec(const json& config, const ChunkSpec&) {
  return std::make_shared<GzipCodec>(parse_gzip_config(config));
}

}  // namespace zarrnative::codec
