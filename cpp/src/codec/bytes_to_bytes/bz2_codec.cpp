#include "codec/bytes_to_bytes/bz2_codec.h"

#include <bzlib.h>

#include <algorithm>
#include <string>

#include "codec/bytes_to_bytes/bounded_output.h"
#include "codec/config_util.h"
#include "zarrnative/codec/registry.h"
#include "zarrnative/common/error.h"

namespace zarrnative::codec {
namespace {

constexpr std::string_view kName = names::kBz2;
constexpr size_t kMaxStep = size_t{1} << 30;  // libbz2 counts in 32-bit unsigned steps

unsigned int step(size_t left) { return static_cast<unsigned int>(std::min(left, kMaxStep)); }
char* as_chars(const uint8_t* p) { return reinterpret_cast<char*>(const_cast<uint8_t*>(p)); }

bool is_bz2_magic(ByteView rest) { return rest.size() >= 3 && rest[0] == 'B' && rest[1] == 'Z' && rest[2] == 'h'; }

// Ends a decompression stream however the decoder leaves.
struct Decompressor {
  bz_stream s{};
  bool open = false;
  void start() {
    s = bz_stream{};
    if (BZ2_bzDecompressInit(&s, 0, 0) != BZ_OK) throw Error(ErrorCode::kInternal, "bz2: BZ2_bzDecompressInit failed");
    open = true;
  }
  void finish() {
    if (open) BZ2_bzDecompressEnd(&s);
    open = false;
  }
  ~Decompressor() { finish(); }
};

// Decodes every stream of `in` into dst[0..cap) (see BoundedWindow).
// Returns the bytes produced.
size_t run(ByteView in, uint8_t* dst, size_t cap, ByteBuffer* growable, uint64_t limit) {
  if (in.empty()) corrupt_error(kName, "empty input is not a bzip2 stream");
  Decompressor d;
  d.start();
  size_t pos = 0;
  detail::BoundedWindow out(kName, dst, cap, growable, limit);
  for (;;) {
    const auto [next, room] = out.next(kMaxStep);
    d.s.next_in = as_chars(in.data() + pos);
    d.s.avail_in = step(in.size() - pos);
    d.s.next_out = reinterpret_cast<char*>(next);
    d.s.avail_out = static_cast<unsigned int>(room);
    int ret = BZ2_bzDecompress(&d.s);
    pos += reinterpret_cast<const uint8_t*>(d.s.next_in) - (in.data() + pos);
    if (ret != BZ_OK && ret != BZ_STREAM_END) {
      corrupt_error(kName, ret == BZ_DATA_ERROR_MAGIC ? "the input is not a bzip2 stream (bad magic)"
                                                      : "invalid stream (bad data or block CRC, code " +
                                                            std::to_string(ret) + ")");
    }
    out.advance(room - d.s.avail_out);
    if (ret == BZ_STREAM_END) {
      d.finish();
      if (pos == in.size()) return out.produced();
      if (!is_bz2_magic(in.subspan(pos))) {
        corrupt_error(kName, std::to_string(in.size() - pos) + " bytes of trailing data after the stream");
      }
      d.start();  // another stream follows
    } else if (pos == in.size() && d.s.avail_out > 0) {
      corrupt_error(kName, "truncated stream: the input ended inside a stream");
    }
  }
}

// run() over `in`, as detail::decode_growing / decode_exact call it.
auto runner(ByteView in) {
  return [=](uint8_t* dst, size_t cap, ByteBuffer* growable, uint64_t limit) {
    return run(in, dst, cap, growable, limit);
  };
}

class Bz2Codec final : public BytesToBytesCodec {
 public:
  explicit Bz2Codec(Bz2Config config) : config_(config) {}

  std::string_view name() const override { return kName; }

  json to_json() const override { return {{"id", kName}, {"level", config_.level}}; }

  // bzip2 documents its worst case as 1% over the input plus 600 bytes.
  static uint64_t bound(uint64_t n) { return n + n / 100 + 600; }

  EncodedSize encoded_size(EncodedSize decoded) const override {
    if (!decoded.is_known()) return EncodedSize::unknown();
    return EncodedSize::bounded(bound(decoded.bytes));
  }

  void encode(ByteView in, ByteBuffer& out, const CodecOptions&) const override {
    bz_stream s{};
    if (BZ2_bzCompressInit(&s, config_.level, 0, 0) != BZ_OK) {
      throw Error(ErrorCode::kInternal, "bz2: BZ2_bzCompressInit failed");
    }
    const uint64_t cap = bound(in.size());
    out.resize(static_cast<size_t>(cap));
    size_t fed = 0;
    size_t written = 0;
    int ret = BZ_RUN_OK;
    for (;;) {
      s.next_in = as_chars(in.data() + fed);
      s.avail_in = step(in.size() - fed);
      s.next_out = reinterpret_cast<char*>(out.data() + written);
      s.avail_out = step(cap - written);
      const unsigned int in_offered = s.avail_in;
      const unsigned int out_offered = s.avail_out;
      const bool last = fed + in_offered == in.size();
      ret = BZ2_bzCompress(&s, last ? BZ_FINISH : BZ_RUN);
      fed += in_offered - s.avail_in;
      written += out_offered - s.avail_out;
      if (ret == BZ_STREAM_END || (ret != BZ_RUN_OK && ret != BZ_FINISH_OK)) break;
      if (written == cap) break;  // cannot happen within the documented bound
    }
    BZ2_bzCompressEnd(&s);
    if (ret != BZ_STREAM_END) throw Error(ErrorCode::kInternal, "bz2: compression failed (" + std::to_string(ret) + ")");
    out.resize(written);
  }

  void decode(ByteView in, ByteBuffer& out, std::optional<uint64_t> expected_size,
              const CodecOptions& options) const override {
    detail::decode_growing(kName, in, out, expected_size, options.max_decoded_bytes, runner(in));
  }

  void decode_into(ByteView in, MutableByteView out, const CodecOptions&) const override {
    detail::decode_exact(kName, out, runner(in));
  }

 private:
  Bz2Config config_;
};

}  // namespace

Bz2Config parse_bz2_config(const json& config) {
  require_object(kName, config);
  allow_only(kName, config, {"level", "id"});
  Bz2Config c;
  c.level = static_cast<int>(get_int(kName, config, "level", 1, 1, 9));
  return c;
}

std::shared_ptr<const BytesToBytesCodec> make_bz2_codec(const json& config, const ChunkSpec&) {
  return std::make_shared<Bz2Codec>(parse_bz2_config(config));
}

}  // namespace zarrnative::codec
