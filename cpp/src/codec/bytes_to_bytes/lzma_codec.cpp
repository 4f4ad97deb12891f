#include "codec/bytes_to_bytes/lzma_codec.h"

#include <lzma.h>

#include <algorithm>
#include <memory>
#include <string>

#include "codec/bytes_to_bytes/bounded_output.h"
#include "codec/config_util.h"
#include "zarrnative/codec/registry.h"
#include "zarrnative/common/error.h"

namespace zarrnative::codec {
namespace {

constexpr std::string_view kName = names::kLzma;
constexpr uint64_t kDecoderMemory = uint64_t{1} << 30;
constexpr int kFormatAuto = 0, kFormatXz = 1, kFormatAlone = 2, kFormatRaw = 3;

// A filter chain as Python's lzma module takes it: up to four dicts, each
// with an "id" and that filter's options. `filters` ends with
// LZMA_VLI_UNKNOWN and points into the option structs, so a chain is never
// copied or moved once built (held by shared_ptr).
struct FilterChain {
  json spec;
  lzma_filter filters[LZMA_FILTERS_MAX + 1] = {};
  lzma_options_lzma lzma[LZMA_FILTERS_MAX] = {};
  lzma_options_delta delta[LZMA_FILTERS_MAX] = {};
  lzma_options_bcj bcj[LZMA_FILTERS_MAX] = {};
  size_t size = 0;

  FilterChain() = default;
  FilterChain(const FilterChain&) = delete;
  FilterChain& operator=(const FilterChain&) = delete;
};

struct LzmaConfig {
  int format = kFormatXz;
  int check = -1;
  json preset;  // null: 6
  std::shared_ptr<const FilterChain> chain;  // null: none given
  uint32_t preset_value() const { return preset.is_null() ? 6u : preset.get<uint32_t>(); }
};

uint32_t option_u32(const json& spec, const char* key, uint32_t fallback) {
  if (!spec.contains(key)) return fallback;
  const json& v = spec.at(key);
  if (!v.is_number_integer() || (!v.is_number_unsigned() && v.get<int64_t>() < 0) || v.get<uint64_t>() > 0xFFFFFFFFu) {
    config_error(kName, std::string("filter option '") + key + "' must be an integer in [0, 2^32), got " + v.dump());
  }
  return v.get<uint32_t>();
}

std::shared_ptr<const FilterChain> parse_filters(const json& spec) {
  if (!spec.is_array() || spec.empty()) {
    config_error(kName, "'filters' must be null or a list of filter dicts, got " + spec.dump());
  }
  if (spec.size() > LZMA_FILTERS_MAX) {
    config_error(kName, "'filters' holds " + std::to_string(spec.size()) + " filters; liblzma takes at most " +
                            std::to_string(LZMA_FILTERS_MAX));
  }
  auto chain = std::make_shared<FilterChain>();
  chain->spec = spec;
  for (size_t i = 0; i < spec.size(); ++i) {
    const json& f = spec[i];
    if (!f.is_object() || !f.contains("id") || !f.at("id").is_number_unsigned()) {
      config_error(kName, "each filter must be a dict with an integer 'id', got " + f.dump());
    }
    const uint64_t id = f.at("id").get<uint64_t>();
    auto only = [&](std::initializer_list<const char*> keys) {
      for (auto it = f.begin(); it != f.end(); ++it) {
        if (std::none_of(keys.begin(), keys.end(), [&](const char* k) { return it.key() == k; })) {
          config_error(kName, "filter " + std::to_string(id) + " takes no option '" + it.key() + "'");
        }
      }
    };
    lzma_filter& out = chain->filters[i];
    out.id = id;
    if (id == LZMA_FILTER_LZMA1 || id == LZMA_FILTER_LZMA2) {
      only({"id", "preset", "dict_size", "lc", "lp", "pb", "mode", "nice_len", "mf", "depth"});
      lzma_options_lzma& o = chain->lzma[i];
      const uint32_t preset = option_u32(f, "preset", LZMA_PRESET_DEFAULT);
      if (lzma_lzma_preset(&o, preset)) config_error(kName, "filter preset " + std::to_string(preset) + " is invalid");
      o.dict_size = option_u32(f, "dict_size", o.dict_size);
      o.lc = option_u32(f, "lc", o.lc);
      o.lp = option_u32(f, "lp", o.lp);
      o.pb = option_u32(f, "pb", o.pb);
      o.mode = static_cast<lzma_mode>(option_u32(f, "mode", o.mode));
      o.nice_len = option_u32(f, "nice_len", o.nice_len);
      o.mf = static_cast<lzma_match_finder>(option_u32(f, "mf", o.mf));
      o.depth = option_u32(f, "depth", o.depth);
      out.options = &o;
    } else if (id == LZMA_FILTER_DELTA) {
      only({"id", "dist"});
      lzma_options_delta& o = chain->delta[i];
      o.type = LZMA_DELTA_TYPE_BYTE;
      o.dist = option_u32(f, "dist", 1);
      out.options = &o;
    } else if (id == LZMA_FILTER_X86 || id == LZMA_FILTER_POWERPC || id == LZMA_FILTER_IA64 ||
               id == LZMA_FILTER_ARM || id == LZMA_FILTER_ARMTHUMB || id == LZMA_FILTER_SPARC) {
      only({"id", "start_offset"});
      chain->bcj[i].start_offset = option_u32(f, "start_offset", 0);
      out.options = &chain->bcj[i];
    } else {
      config_error(kName, "filter id " + std::to_string(id) + " is not one Python's lzma module knows");
    }
  }
  chain->filters[spec.size()].id = LZMA_VLI_UNKNOWN;
  chain->size = spec.size();
  return chain;
}

// Ends a liblzma stream however the coder leaves.
struct Stream {
  lzma_stream s = LZMA_STREAM_INIT;
  ~Stream() { lzma_end(&s); }
};

// The .xz and .lzma formats name their own filters: `chain` is for the raw
// format only.
void start_decoder(Stream& d, int format, const FilterChain* chain) {
  lzma_ret r = format == kFormatAlone ? lzma_alone_decoder(&d.s, kDecoderMemory)
               : format == kFormatXz  ? lzma_stream_decoder(&d.s, kDecoderMemory, LZMA_CONCATENATED)
               : format == kFormatRaw ? lzma_raw_decoder(&d.s, chain->filters)
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
size_t run(ByteView in, int format, const FilterChain* chain, uint8_t* dst, size_t cap, ByteBuffer* growable,
           uint64_t limit) {
  if (in.empty()) corrupt_error(kName, "empty input is not an lzma stream");
  Stream d;
  start_decoder(d, format, chain);
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
      if (format != kFormatAlone && format != kFormatRaw) {
        corrupt_error(kName, std::to_string(d.s.avail_in) + " bytes of trailing data");
      }
      // .lzma and raw streams have no framing of their own: another may follow
      const uint8_t* next = d.s.next_in;
      const size_t left = d.s.avail_in;
      lzma_end(&d.s);
      d.s = LZMA_STREAM_INIT;
      start_decoder(d, format, chain);
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
auto runner(ByteView in, const LzmaConfig& config) {
  return [in, format = config.format, chain = config.chain.get()](uint8_t* dst, size_t cap, ByteBuffer* growable,
                                                                  uint64_t limit) {
    return run(in, format, chain, dst, cap, growable, limit);
  };
}

class LzmaCodec final : public BytesToBytesCodec {
 public:
  explicit LzmaCodec(LzmaConfig config) : config_(std::move(config)) {}

  std::string_view name() const override { return kName; }

  json to_json() const override {
    return {{"id", kName}, {"format", config_.format}, {"check", config_.check}, {"preset", config_.preset},
            {"filters", config_.chain ? config_.chain->spec : json(nullptr)}};
  }

  EncodedSize encoded_size(EncodedSize decoded) const override {
    if (!decoded.is_known()) return EncodedSize::unknown();
    return EncodedSize::bounded(lzma_stream_buffer_bound(decoded.bytes) + 64);
  }

  void encode(ByteView in, ByteBuffer& out, const CodecOptions&) const override {
    if (config_.format == kFormatAuto) config_error(kName, "format 0 (detect) can decode only; encoding needs 1 or 2");
    Stream e;
    lzma_ret r;
    const FilterChain* chain = config_.chain.get();
    if (config_.format == kFormatXz) {
      const lzma_check check = config_.check == -1 ? LZMA_CHECK_CRC64 : static_cast<lzma_check>(config_.check);
      r = chain ? lzma_stream_encoder(&e.s, chain->filters, check)
                : lzma_easy_encoder(&e.s, config_.preset_value(), check);
    } else if (config_.format == kFormatRaw) {
      r = lzma_raw_encoder(&e.s, chain->filters);
    } else if (chain) {  // .lzma: one LZMA1 filter, checked by the factory
      r = lzma_alone_encoder(&e.s, static_cast<const lzma_options_lzma*>(chain->filters[0].options));
    } else {
      lzma_options_lzma options;
      if (lzma_lzma_preset(&options, config_.preset_value())) {
        config_error(kName, "'preset' " + config_.preset.dump() + " is not a preset liblzma knows");
      }
      r = lzma_alone_encoder(&e.s, &options);
    }
    if (r == LZMA_OPTIONS_ERROR) {
      config_error(kName, chain ? "liblzma refuses the filter chain's options " + chain->spec.dump()
                                : "'preset' " + config_.preset.dump() + " is not a valid preset");
    }
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
    detail::decode_growing(kName, in, out, expected_size, options.max_decoded_bytes, runner(in, config_));
  }

  void decode_into(ByteView in, MutableByteView out, const CodecOptions&) const override {
    detail::decode_exact(kName, out, runner(in, config_));
  }

 private:
  LzmaConfig config_;
};

}  // namespace

std::shared_ptr<const BytesToBytesCodec> make_lzma_codec(const json& config, const ChunkSpec&) {
  require_object(kName, config);
  allow_only(kName, config, {"id", "format", "check", "preset", "filters"});
  LzmaConfig c;
  c.format = static_cast<int>(get_int(kName, config, "format", kFormatXz, 0, 3));
  c.check = static_cast<int>(get_int(kName, config, "check", -1, -1, 10));
  if (c.check != -1 && c.check != 0 && c.check != 1 && c.check != 4 && c.check != 10) {
    config_error(kName, "'check' must be -1, 0 (none), 1 (CRC32), 4 (CRC64) or 10 (SHA-256), got " +
                            std::to_string(c.check));
  }
  if ((c.format == kFormatAlone || c.format == kFormatRaw) && c.check != -1 && c.check != 0) {
    config_error(kName, "only the .xz format (1) has an integrity check: 'check' must be -1 or 0");
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
    c.chain = parse_filters(config.at("filters"));
    if (!c.preset.is_null()) config_error(kName, "give a 'preset' or 'filters', not both (as Python's lzma)");
    if (c.format == kFormatAlone &&
        (c.chain->size != 1 || c.chain->filters[0].id != LZMA_FILTER_LZMA1)) {
      config_error(kName, "the .lzma format (2) takes a single LZMA1 filter");
    }
    if (c.format == kFormatRaw) {
      // Checked here, before any chunk: a chain liblzma cannot decode, or
      // whose dictionary is larger than the decoder memory allowed.
      const uint64_t need = lzma_raw_decoder_memusage(c.chain->filters);
      if (need == UINT64_MAX) config_error(kName, "liblzma refuses the filter chain " + c.chain->spec.dump());
      if (need > kDecoderMemory) {
        config_error(kName, "the filter chain needs " + std::to_string(need >> 20) + " MiB of decoder memory (at most " +
                                std::to_string(kDecoderMemory >> 20) + ")");
      }
    }
  } else if (c.format == kFormatRaw) {
    config_error(kName, "the raw format (3) needs 'filters'");
  }
  return std::make_shared<LzmaCodec>(std::move(c));
}

}  // namespace zarrnative::codec
