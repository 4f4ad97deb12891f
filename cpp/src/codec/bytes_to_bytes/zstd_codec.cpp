#include "codec/bytes_to_bytes/zstd_codec.h"

#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_getFrameHeader (exported by the shared library too)
#include <zstd.h>
#include <zstd_errors.h>

#include <string>

#include "codec/bytes_to_bytes/bounded_output.h"
#include "codec/config_util.h"
#include "zarrnative/codec/registry.h"
#include "zarrnative/common/error.h"

namespace zarrnative::codec {
namespace {

constexpr std::string_view kName = names::kZstd;

// One context of each kind per thread: contexts are not thread-safe, and
// creating one per chunk costs more than decoding a small chunk.
struct CCtxDeleter {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct DCtxDeleter {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

ZSTD_CCtx* thread_cctx() {
  thread_local std::unique_ptr<ZSTD_CCtx, CCtxDeleter> cctx(ZSTD_createCCtx());
  if (!cctx) throw std::bad_alloc();
  return cctx.get();
}

ZSTD_DCtx* thread_dctx() {
  thread_local std::unique_ptr<ZSTD_DCtx, DCtxDeleter> dctx(ZSTD_createDCtx());
  if (!dctx) throw std::bad_alloc();
  return dctx.get();
}

[[noreturn]] void zstd_fault(std::string_view what, size_t code) {
  corrupt_error(kName, std::string(what) + " (" + ZSTD_getErrorName(code) + ")");
}

class ZstdCodec final : public BytesToBytesCodec {
 public:
  explicit ZstdCodec(ZstdConfig config) : config_(config) {}

  std::string_view name() const override { return kName; }

  json to_json() const override {
    return {{"name", kName}, {"configuration", {{"level", config_.level}, {"checksum", config_.checksum}}}};
  }

  EncodedSize encoded_size(EncodedSize decoded) const override {
    if (!decoded.is_known()) return EncodedSize::unknown();
    return EncodedSize::bounded(ZSTD_compressBound(decoded.bytes));
  }

  void encode(ByteView in, ByteBuffer& out, const CodecOptions&) const override {
    ZSTD_CCtx* cctx = thread_cctx();
    ZSTD_CCtx_reset(cctx, ZSTD_reset_session_and_parameters);
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, config_.level);
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, config_.checksum ? 1 : 0);
    out.resize(ZSTD_compressBound(in.size()));
    size_t n = ZSTD_compress2(cctx, out.data(), out.size(), in.data(), in.size());
    if (ZSTD_isError(n)) {
      throw Error(ErrorCode::kInternal, std::string("zstd: compression failed: ") + ZSTD_getErrorName(n));
    }
    out.resize(n);
  }

  void decode(ByteView in, ByteBuffer& out, std::optional<uint64_t> expected_size,
              const CodecOptions& options) const override {
    if (expected_size) {
      out.resize(static_cast<size_t>(*expected_size));
      decode_into(in, out.mutable_view(), options);
      return;
    }
    uint64_t limit = options.max_decoded_bytes;
    uint64_t claimed = frame_content_size(in, limit, "the limit of");
    // One frame stating a plausible size: decode in one call into exactly
    // that much. A block of 4 bytes (an RLE block) yields at most 128 KiB,
    // so a larger claim is not allocated up front: streaming finds the truth.
    const bool plausible = claimed <= uint64_t{in.size()} * (ZSTD_BLOCKSIZE_MAX / 4);
    if (claimed != ZSTD_CONTENTSIZE_UNKNOWN && plausible &&
        ZSTD_findFrameCompressedSize(in.data(), in.size()) == in.size()) {
      out.resize(static_cast<size_t>(claimed));
      decode_into(in, out.mutable_view(), options);
      return;
    }
    decode_stream(in, out, limit);
  }

  void decode_into(ByteView in, MutableByteView out, const CodecOptions&) const override {
    frame_content_size(in, out.size(), "the expected");
    // Single-pass decoding works with or without a content size in the
    // frame, and never writes past out.size().
    size_t n = ZSTD_decompressDCtx(thread_dctx(), out.data(), out.size(), in.data(), in.size());
    if (ZSTD_isError(n)) {
      if (ZSTD_getErrorCode(n) == ZSTD_error_dstSize_tooSmall) {
        corrupt_error(kName, "the data decodes to more than the expected " + std::to_string(out.size()) + " bytes");
      }
      zstd_fault("invalid or truncated frame", n);
    }
    if (n != out.size()) {
      corrupt_error(kName, "decoded " + std::to_string(n) + " bytes, expected " + std::to_string(out.size()));
    }
  }

  // Streams the frame until `out` is full. Only for one frame without a
  // content checksum (a checksum needs the whole frame) whose stated size,
  // when it states one, is at least what is asked for.
  bool decode_prefix(ByteView in, MutableByteView out, const CodecOptions&) const override {
    if (in.empty() || out.empty()) return false;
    ZSTD_frameHeader header;
    if (ZSTD_getFrameHeader(&header, in.data(), in.size()) != 0) return false;  // not a frame, or needs more input
    if (header.frameType != ZSTD_frame || header.checksumFlag) return false;
    if (header.frameContentSize != ZSTD_CONTENTSIZE_UNKNOWN && header.frameContentSize < out.size()) return false;
    ZSTD_DCtx* dctx = thread_dctx();
    ZSTD_DCtx_reset(dctx, ZSTD_reset_session_only);
    ZSTD_inBuffer src{in.data(), in.size(), 0};
    ZSTD_outBuffer dst{out.data(), out.size(), 0};
    while (dst.pos < dst.size) {
      size_t ret = ZSTD_decompressStream(dctx, &dst, &src);
      if (ZSTD_isError(ret)) zstd_fault("invalid frame", ret);
      if (ret == 0 && dst.pos < dst.size) {
        corrupt_error(kName, "the frame ends after " + std::to_string(dst.pos) + " bytes, before the " +
                                 std::to_string(dst.size) + " needed");
      }
      if (src.pos == src.size && dst.pos < dst.size && ret != 0) {
        corrupt_error(kName, "truncated frame: the input ended inside a frame");
      }
    }
    return true;
  }

 private:
  // The first frame's stated content size (or ZSTD_CONTENTSIZE_UNKNOWN);
  // refuses input that is no zstd frame and a size above `limit`.
  static uint64_t frame_content_size(ByteView in, uint64_t limit, const char* limit_name) {
    if (in.empty()) corrupt_error(kName, "empty input is not a zstd frame");
    unsigned long long size = ZSTD_getFrameContentSize(in.data(), in.size());
    if (size == ZSTD_CONTENTSIZE_ERROR) {
      corrupt_error(kName, "the input is not a zstd frame (bad magic number or header)");
    }
    if (size != ZSTD_CONTENTSIZE_UNKNOWN && size > limit) {
      corrupt_error(kName, "the frame claims " + std::to_string(size) + " decoded bytes, more than " + limit_name +
                               " " + std::to_string(limit));
    }
    return size;
  }

  // Streaming decode of frames whose total size is unknown, into a buffer
  // that grows up to `limit`.
  static void decode_stream(ByteView in, ByteBuffer& out, uint64_t limit) {
    ZSTD_DCtx* dctx = thread_dctx();
    ZSTD_DCtx_reset(dctx, ZSTD_reset_session_only);
    ZSTD_inBuffer src{in.data(), in.size(), 0};
    out.resize(detail::initial_capacity(in.size(), limit));
    size_t produced = 0;
    for (;;) {
      ZSTD_outBuffer dst{out.data(), out.size(), produced};
      size_t ret = ZSTD_decompressStream(dctx, &dst, &src);
      if (ZSTD_isError(ret)) zstd_fault("invalid frame", ret);
      produced = dst.pos;
      if (produced > limit) {
        corrupt_error(kName, "the data decodes to more than the limit of " + std::to_string(limit) + " bytes");
      }
      if (ret == 0 && src.pos == src.size) break;  // every frame complete
      if (dst.pos == dst.size) {
        if (!detail::grow_bounded(out, produced, limit)) {
          corrupt_error(kName, "the data decodes to more than the limit of " + std::to_string(limit) + " bytes");
        }
      } else if (src.pos == src.size) {
        corrupt_error(kName, "truncated frame: the input ended inside a frame");
      }
    }
    out.resize(produced);
  }

  ZstdConfig config_;
};

}  // namespace

ZstdConfig parse_zstd_config(const json& config) {
  require_object(kName, config);
  allow_only(kName, config, {"level", "checksum", "id"});
  ZstdConfig c;
  c.level = static_cast<int>(get_int(kName, config, "level", 0, ZSTD_minCLevel(), ZSTD_maxCLevel()));
  c.checksum = get_bool(kName, config, "checksum", false);
  return c;
}

std::shared_ptr<const BytesToBytesCodec> make_zstd_codec(const json& config, const ChunkSpec&) {
  return std::make_shared<ZstdCodec>(parse_zstd_config(config));
}

}  // namespace zarrnative::codec
