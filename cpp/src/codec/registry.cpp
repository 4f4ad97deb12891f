#include "zarrnative/codec/registry.h"

#include <string>

#include "zarrnative/common/error.h"

// The built-in codecs. Each codec's header declares its factory.
// [codec headers: keep sorted]
#include "codec/array_to_array/astype_codec.h"
#include "codec/array_to_array/categorize_codec.h"
#include "codec/array_to_array/delta_codec.h"
#include "codec/array_to_array/fixedscaleoffset_codec.h"
#include "codec/array_to_array/packbits_codec.h"
#include "codec/array_to_array/quantize_codec.h"
#include "codec/array_to_array/transpose_codec.h"
#include "codec/array_to_bytes/bytes_codec.h"
#include "codec/array_to_bytes/sharding_codec.h"
#include "codec/array_to_bytes/vlen_codec.h"
#include "codec/array_to_bytes/zfpy_codec.h"
#include "codec/bytes_to_bytes/blosc_codec.h"
#include "codec/bytes_to_bytes/bz2_codec.h"
#include "codec/bytes_to_bytes/checksum32_codec.h"
#include "codec/bytes_to_bytes/gzip_codec.h"
#include "codec/bytes_to_bytes/lz4_codec.h"
#include "codec/bytes_to_bytes/lzma_codec.h"
#include "codec/bytes_to_bytes/shuffle_codec.h"
#include "codec/bytes_to_bytes/zlib_codec.h"
#include "codec/bytes_to_bytes/zstd_codec.h"
// [end codec headers]

namespace zarrnative::codec {
namespace {

template <typename Map>
const typename Map::mapped_type& find_factory(const Map& map, const CodecRegistry& r, std::string_view name,
                                              const char* wanted) {
  auto it = map.find(name);
  if (it != map.end()) return it->second;
  if (auto k = r.kind(name)) {
    const char* actual = *k == CodecKind::kArrayToArray   ? "array -> array"
                         : *k == CodecKind::kArrayToBytes ? "array -> bytes"
                                                          : "bytes -> bytes";
    config_error(name, std::string("is an ") + actual + " codec, but an " + wanted + " codec is needed here");
  }
  throw Error(ErrorCode::kCodecConfig, "unknown codec '" + std::string(name) + "'");
}

}  // namespace

void CodecRegistry::add_array_to_array(std::string_view name, ArrayToArrayFactory f) {
  array_to_array_[std::string(name)] = std::move(f);
}
void CodecRegistry::add_array_to_bytes(std::string_view name, ArrayToBytesFactory f) {
  array_to_bytes_[std::string(name)] = std::move(f);
}
void CodecRegistry::add_bytes_to_bytes(std::string_view name, BytesToBytesFactory f) {
  bytes_to_bytes_[std::string(name)] = std::move(f);
}

std::optional<CodecKind> CodecRegistry::kind(std::string_view name) const {
  if (array_to_array_.find(name) != array_to_array_.end()) return CodecKind::kArrayToArray;
  if (array_to_bytes_.find(name) != array_to_bytes_.end()) return CodecKind::kArrayToBytes;
  if (bytes_to_bytes_.find(name) != bytes_to_bytes_.end()) return CodecKind::kBytesToBytes;
  return std::nullopt;
}

std::shared_ptr<const ArrayToArrayCodec> CodecRegistry::make_array_to_array(std::string_view name,
                                                                            const json& config,
                                                                            const ChunkSpec& input) const {
  return find_factory(array_to_array_, *this, name, "array -> array")(config, input);
}
std::shared_ptr<const ArrayToBytesCodec> CodecRegistry::make_array_to_bytes(std::string_view name,
                                                                            const json& config,
                                                                            const ChunkSpec& input) const {
  return find_factory(array_to_bytes_, *this, name, "array -> bytes")(config, input);
}
std::shared_ptr<const BytesToBytesCodec> CodecRegistry::make_bytes_to_bytes(std::string_view name,
                                                                            const json& config,
                                                                            const ChunkSpec& input) const {
  return find_factory(bytes_to_bytes_, *this, name, "bytes -> bytes")(config, input);
}

const CodecRegistry& CodecRegistry::builtin() {
  static const CodecRegistry registry = [] {
    CodecRegistry r;
    register_builtin_codecs(r);
    return r;
  }();
  return registry;
}

void register_builtin_codecs(CodecRegistry& r) {
  (void)r;
  // [array -> array]
  r.add_array_to_array(names::kAstype, make_astype_codec);
  r.add_array_to_array(names::kDelta, make_delta_codec);
  r.add_array_to_array(names::kFixedScaleOffset, make_fixedscaleoffset_codec);
  r.add_array_to_array(names::kBitRound, make_bitround_codec);
  r.add_array_to_array(names::kQuantize, make_quantize_codec);
  r.add_array_to_array(names::kPackBits, make_packbits_codec);
  r.add_array_to_array(names::kCategorize, make_categorize_codec);  // v2 only, as in zarr-python
  r.add_array_to_array(names::kTranspose, make_transpose_codec);
  // [end array -> array]
  // [array -> bytes]
  r.add_array_to_bytes(names::kSharding, make_sharding_codec);
  r.add_array_to_bytes(names::kBytes, make_bytes_codec);
  r.add_array_to_bytes(names::kVlenUtf8, make_vlen_utf8_codec);
  r.add_array_to_bytes(names::kVlenBytes, make_vlen_bytes_codec);
  r.add_array_to_bytes(names::kZfpy, make_zfpy_codec);
  // [end array -> bytes]
  // [bytes -> bytes]
  r.add_bytes_to_bytes(names::kBlosc, make_blosc_codec);
  r.add_bytes_to_bytes(names::kBz2, make_bz2_codec);
  r.add_bytes_to_bytes(names::kCrc32c, make_crc32c_codec);
  r.add_bytes_to_bytes(names::kCrc32, make_crc32_codec);
  r.add_bytes_to_bytes(names::kAdler32, make_adler32_codec);
  r.add_bytes_to_bytes(names::kFletcher32, make_fletcher32_codec);
  r.add_bytes_to_bytes(names::kJenkinsLookup3, make_jenkins_lookup3_codec);
  r.add_bytes_to_bytes(names::kGzip, make_gzip_codec);
  r.add_bytes_to_bytes(names::kLz4, make_lz4_codec);
  r.add_bytes_to_bytes(names::kLzma, make_lzma_codec);
  r.add_bytes_to_bytes(names::kZlib, make_zlib_codec);
  r.add_bytes_to_bytes(names::kZstd, make_zstd_codec);
  r.add_bytes_to_bytes(names::kShuffle, make_shuffle_codec);
  // [end bytes -> bytes]

  // numcodecs codecs in v3 arrays, as zarr-python 3.1 writes them:
  // "numcodecs.<id>" with the numcodecs configuration less its id, which the
  // factories above read for v2 already.
  auto numcodecs = [](std::string_view id) { return "numcodecs." + std::string(id); };
  r.add_array_to_array(numcodecs(names::kAstype), make_astype_codec);
  r.add_array_to_array(numcodecs(names::kDelta), make_delta_codec);
  r.add_array_to_array(numcodecs(names::kFixedScaleOffset), make_fixedscaleoffset_codec);
  r.add_array_to_array(numcodecs(names::kBitRound), make_bitround_codec);
  r.add_array_to_array(numcodecs(names::kQuantize), make_quantize_codec);
  // PackBits in v3 takes booleans only, as zarr-python checks (v2 also packs
  // 1-byte integers, as numcodecs does).
  r.add_array_to_array(numcodecs(names::kPackBits), [](const json& config, const ChunkSpec& input) {
    if (input.dtype.kind() != DTypeKind::kBool) {
      config_error(names::kPackBits, "in Zarr v3 packs booleans only, not " + input.dtype.zarr_v3_name());
    }
    return make_packbits_codec(config, input);
  });
  r.add_array_to_bytes(numcodecs(names::kZfpy), make_zfpy_codec);
  r.add_bytes_to_bytes(numcodecs(names::kBz2), make_bz2_codec);
  r.add_bytes_to_bytes(numcodecs(names::kCrc32c), make_crc32c_codec);
  r.add_bytes_to_bytes(numcodecs(names::kCrc32), make_crc32_codec);
  r.add_bytes_to_bytes(numcodecs(names::kAdler32), make_adler32_codec);
  r.add_bytes_to_bytes(numcodecs(names::kFletcher32), make_fletcher32_codec);
  r.add_bytes_to_bytes(numcodecs(names::kJenkinsLookup3), make_jenkins_lookup3_codec);
  r.add_bytes_to_bytes(numcodecs(names::kGzip), make_gzip_codec);
  r.add_bytes_to_bytes(numcodecs(names::kLz4), make_lz4_codec);
  r.add_bytes_to_bytes(numcodecs(names::kLzma), make_lzma_codec);
  r.add_bytes_to_bytes(numcodecs(names::kShuffle), make_shuffle_codec);
  r.add_bytes_to_bytes(numcodecs(names::kZlib), make_zlib_codec);
  r.add_bytes_to_bytes(numcodecs(names::kZstd), make_zstd_codec);
  // Blosc: numcodecs' defaults for what the configuration leaves out (lz4,
  // level 5, byte shuffle, automatic block size), and the type size of a
  // byte, as zarr-python hands a numcodecs bytes codec the chunk as uint8.
  r.add_bytes_to_bytes(numcodecs(names::kBlosc), [](const json& config, const ChunkSpec& input) {
    json full = json{{"cname", "lz4"}, {"clevel", 5}, {"shuffle", 1}, {"blocksize", 0}};
    if (config.is_object()) {
      for (auto it = config.begin(); it != config.end(); ++it) full[it.key()] = it.value();
    } else {
      full = config;  // not an object: the factory says so
    }
    ChunkSpec bytes = input;
    bytes.dtype = DType(DTypeKind::kUInt, 1);
    return make_blosc_codec(full, bytes);
  });
}

}  // namespace zarrnative::codec
