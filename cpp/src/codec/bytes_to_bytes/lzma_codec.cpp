#include "codec/bytes_to_bytes/lzma_codec.h"

#include <lzma.h>

#include <algorithm>
#include <string>

#include "codec/bytes_to_bytes/bounded_output.h"
#include "codec/config_util.h"
#include "zarrnative/codec/registry.h"
#include "zarrnative/common/error.h"

namespace zarrnative::codec {
namespace {

constexpr std::string_view kName = names::kLzma;
constexpr uint64_t kDecoderMemory = uint64_t{1} << 30;
constexpr int kFormatAuto = 0, kFormatXz = 1, kFormatAlone = 2;

struct LzmaConfig {
  int format = kFormatXz;
  int check = -1;
  json preset;  // null: 6
  uint32_t preset_value() const { return preset.is_null() ? 6u : preset.get<uint32_t>(); }
};

// Ends a liblzma stream however the coder leaves.
struct Stream {
  lzma_stream s = LZMA_STREAM_INIT;
  ~Stream() { lzma_end(&s); }
};

void start_decoder(Stream& d, int format) {
  lzma_ret r = format == kFormatAlone ? lzma_alone_decoder(&d.s, kDecoderMemory)
               : format == kFormatXz  ? lzma_stream_decoder(&d.s, kDecoderMemory, LZMA_CONCATENATED)
                                      : lzma_auto_decoder(&d.s, kDecoderMemory, LZMA_CONCATENATED);
  if (r != LZMA_OK) throw Error(ErrorCode::kInternal, "lzma: the decoder could not start (" + std::to_string(r) + ")");
}

[[noreturn]] void decode_error(lzma_ret r) {
  switch (r) {
    case LZMA_FORMAT_ERROR: corrupt_error(kName, "the input is not in the configured container format");
    case LZMA_MEMLIMIT_ERROR:
      corrupt_error(kName, "the stream needs more than " + std::to_string(kDecoderMemory >> 20) +
                               " MiB of decoder memory");
    case LZMA_OPTIONS_ERROR: corrupt_error(kName, "the stream uses options this liblzma does not support");
    case LZMA_BUF_ERROR: corrupt_error(kName, "truncated stream: the input ended inside a stream");
    default: corrupt_error(kName, "invalid stream (bad data or check, code " + std::to_string(r) + ")");
  }
}

// Decodes every stream of `in` into dst[0..cap) (see BoundedWindow).
// Returns the bytes produced.
size_t run(ByteView in, int format, uint8_t* dst, size_t cap, ByteBuffer* growable, uint64_t limit) {
  if (in.empty()) corrupt_error(kName, "empty input is not an lzma stream");
  Stream d;
  start_decoder(d, format);
  d.s.next_in = in.data();
  d.s.avail_in = in.size();
  detail::BoundedWindow out(kName, dst, cap, growable, limit);
  for (;;) {
    const auto [next, room] = out.next();
    d.s.next_out = next;
    d.s.avail_out = room;
    const lzma_ret r = lzma_code(&d.s, LZMA_FINISH);  // all the input is there
    out.advance(room - d.s.avail_out);
    if (r == LZMA_STREAM_END) {
      if (d.s.avail_in == 0) return out.produced();
      if (format != kFormatAlone) corrupt_error(kName, std::to_string(d.s.avail_in) + " bytes of trailing data");
      // .lzma streams have no framing of their own: another may follow
      const uint8_t* next = d.s.next_in;
      const size_t left = d.s.avail_in;
      lzma_end(&d.s);
      d.s = LZMA_STREAM_INIT;
      start_decoder(d, format);
      d.s.next_in = next;
      d.s.avail_in = left;
      continue;
    }
    if (r == LZMA_OK) continue;  // more room wanted
    if (r == LZMA_BUF_ERROR && d.s.avail_out == 0) continue;
    decode_error(r);
  }
}

// run() over `in`, as detail::decode_growing / decode_exact call it.
auto runner(ByteView in, int format) {
  return [=](uint8_t* dst, size_t cap, ByteBuffer* growable, uint64_t limit) {
    return run(in, format, dst, cap, growable, limit);
  };
}

class LzmaCodec final : public BytesToBytesCodec {
 public:
  explicit LzmaCodec(LzmaConfig config) : config_(std::move(config)) {}

  std::string_view name() const override { return kName; }

  json to_json() const override {
    return {{"id", kName}, {"format", config_.format}, {"check", config_.check}, {"preset", config_.preset},
            {"filters", nullptr}};
  }

  EncodedSize encoded_size(EncodedSize decoded) const override {
    if (!decoded.is_known()) return EncodedSize::unknown();
    return EncodedSize::bounded(lzma_stream_buffer_bound(decoded.bytes) + 64);
  }

  void encode(ByteView in, ByteBuffer& out, const CodecOptions&) const override {
    if (config_.format == kFormatAuto) config_error(kName, "format 0 (detect) can decode only; encoding needs 1 or 2");
    Stream e;
    lzma_ret r;
    if (config_.format == kFormatXz) {
      const lzma_check check = config_.check == -1 ? LZMA_CHECK_CRC64 : static_cast<lzma_check>(config_.check);
      r = lzma_easy_encoder(&e.s, config_.preset_value(), check);
    } else {
      lzma_options_lzma options;
      if (lzma_lzma_preset(&options, config_.preset_value())) {
        config_error(kName, "'preset' " + config_.preset.dump() + " is not a preset liblzma knows");
      }
      r = lzma_alone_encoder(&e.s, &options);
    }
    if (r == LZMA_OPTIONS_ERROR) config_error(kName, "'preset' " + config_.preset.dump() + " is not a valid preset");
    if (r != LZMA_OK) throw Error(ErrorCode::kInternal, "lzma: the encoder could not start (" + std::to_string(r) + ")");
    out.resize(lzma_stream_buffer_bound(in.size()) + 64);
    e.s.next_in = in.data();
    e.s.avail_in = in.size();
    size_t written = 0;
    for (;;) {
      e.s.next_out = out.data() + written;
      e.s.avail_out = out.size() - written;
      const size_t offered = e.s.avail_out;
      r = lzma_code(&e.s, LZMA_FINISH);
      written += offered - e.s.avail_out;
      if (r == LZMA_STREAM_END) break;
      if (r != LZMA_OK) throw Error(ErrorCode::kInternal, "lzma: compression failed (" + std::to_string(r) + ")");
      if (written == out.size()) {
        out.resize(written);
        out.resize(written * 2);
      }
    }
    out.resize(written);
  }

  void decode(ByteView in, ByteBuffer& out, std::optional<uint64_t> expected_size,
              const CodecOptions& options) const override {
    detail::decode_growing(kName, in, out, expected_size, options.max_decoded_bytes, runner(in, config_.format));
  }

  void decode_into(ByteView in, MutableByteView out, const CodecOptions&) const override {
    detail::decode_exact(kName, out, runner(in, config_.format));
  }

 private:
  LzmaConfig config_;
};

}  // namespace

std::shared_ptr<const BytesToBytesCodec> make_lzma_codec(const json& config, const ChunkSpec&) {
  require_object(kName, config);
  allow_only(kName, config, {"id", "format", "check", "preset", "filters"});
  LzmaConfig c;
  c.format = static_cast<int>(get_int(kName, config, "format", kFormatXz, 0, 2));
  c.check = static_cast<int>(get_int(kName, config, "check", -1, -1, 10));
  if (c.check != -1 && c.check != 0 && c.check != 1 && c.check != 4 && c.check != 10) {
    config_error(kName, "'check' must be -1, 0 (none), 1 (CRC32), 4 (CRC64) or 10 (SHA-256), got " +
                            std::to_string(c.check));
  }
  if (c.format == kFormatAlone && c.check != -1 && c.check != 0) {
    config_error(kName, "the .lzma format (2) has no integrity check: 'check' must be -1 or 0");
  }
  if (has(config, "preset") && !config.at("preset").is_null()) {
    const json& p = config.at("preset");
    const uint32_t extreme = 0x80000000u;
    const bool whole = p.is_number_unsigned() || (p.is_number_integer() && p.get<int64_t>() >= 0);
    if (!whole || ((p.get<uint64_t>() & ~uint64_t{extreme}) > 9) || p.get<uint64_t>() > 0xFFFFFFFFu) {
      config_error(kName, "'preset' must be null or 0..9 (optionally | 0x80000000), got " + p.dump());
    }
    c.preset = p;
  }
  if (has(config, "filters") && !config.at("filters").is_null()) {
    config_error(kName, "custom filter chains are not supported ('filters' must be null)");
  }
  return std::make_shared<LzmaCodec>(std::move(c));
}

}  // namespace zarrnative::codec
