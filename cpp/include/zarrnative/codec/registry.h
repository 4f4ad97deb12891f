// zarrnative: building codecs from their JSON configuration.
//
// One explicit registry maps a codec name to a factory; the built-in codecs
// are added by register_builtin_codecs() (registry.cpp), the one list of
// everything zarrnative supports. No static-initialiser self-registration:
// static libraries drop such objects.
//
//   const CodecRegistry& r = CodecRegistry::builtin();
//   auto gz = r.make_bytes_to_bytes("gzip", json{{"level", 5}}, spec);
//
// Factories validate their configuration and throw Error(kCodecConfig)
// naming the codec and the bad field.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "zarrnative/codec/codec.h"

namespace zarrnative::codec {

// Codec names as they appear in metadata.
namespace names {
// Zarr v3
inline constexpr std::string_view kBytes = "bytes";
inline constexpr std::string_view kTranspose = "transpose";
inline constexpr std::string_view kGzip = "gzip";
inline constexpr std::string_view kZstd = "zstd";
inline constexpr std::string_view kBlosc = "blosc";
inline constexpr std::string_view kCrc32c = "crc32c";
inline constexpr std::string_view kSharding = "sharding_indexed";
inline constexpr std::string_view kVlenUtf8 = "vlen-utf8";
inline constexpr std::string_view kVlenBytes = "vlen-bytes";
// Zarr v2 (numcodecs ids) that have no v3 counterpart above
inline constexpr std::string_view kZlib = "zlib";
inline constexpr std::string_view kLz4 = "lz4";
inline constexpr std::string_view kBz2 = "bz2";
inline constexpr std::string_view kLzma = "lzma";
inline constexpr std::string_view kDelta = "delta";
inline constexpr std::string_view kFixedScaleOffset = "fixedscaleoffset";
inline constexpr std::string_view kShuffle = "shuffle";
inline constexpr std::string_view kAstype = "astype";
inline constexpr std::string_view kQuantize = "quantize";
inline constexpr std::string_view kBitRound = "bitround";
inline constexpr std::string_view kCrc32 = "crc32";
inline constexpr std::string_view kAdler32 = "adler32";
inline constexpr std::string_view kFletcher32 = "fletcher32";
inline constexpr std::string_view kJenkinsLookup3 = "jenkins_lookup3";
inline constexpr std::string_view kPackBits = "packbits";
inline constexpr std::string_view kCategorize = "categorize";
inline constexpr std::string_view kZfpy = "zfpy";
}  // namespace names

enum class CodecKind { kArrayToArray, kArrayToBytes, kBytesToBytes };

class CodecRegistry {
 public:
  // `config` is the codec's "configuration" object (v3) or its numcodecs
  // dict without "id" (v2); `input` is the spec of the array or bytes the
  // codec receives when encoding (for bytes->bytes codecs: the chunk's spec,
  // useful for defaults such as blosc's typesize).
  using ArrayToArrayFactory =
      std::function<std::shared_ptr<const ArrayToArrayCodec>(const json& config, const ChunkSpec& input)>;
  using ArrayToBytesFactory =
      std::function<std::shared_ptr<const ArrayToBytesCodec>(const json& config, const ChunkSpec& input)>;
  using BytesToBytesFactory =
      std::function<std::shared_ptr<const BytesToBytesCodec>(const json& config, const ChunkSpec& input)>;

  void add_array_to_array(std::string_view name, ArrayToArrayFactory f);
  void add_array_to_bytes(std::string_view name, ArrayToBytesFactory f);
  void add_bytes_to_bytes(std::string_view name, BytesToBytesFactory f);

  // The kind of a registered codec; nullopt for unknown names.
  std::optional<CodecKind> kind(std::string_view name) const;

  // Build a codec; throw Error(kCodecConfig) for unknown names, names of
  // another kind, or bad configurations.
  std::shared_ptr<const ArrayToArrayCodec> make_array_to_array(std::string_view name, const json& config,
                                                               const ChunkSpec& input) const;
  std::shared_ptr<const ArrayToBytesCodec> make_array_to_bytes(std::string_view name, const json& config,
                                                               const ChunkSpec& input) const;
  std::shared_ptr<const BytesToBytesCodec> make_bytes_to_bytes(std::string_view name, const json& config,
                                                               const ChunkSpec& input) const;

  // The registry holding every built-in codec (built once, thread-safe).
  static const CodecRegistry& builtin();

 private:
  std::map<std::string, ArrayToArrayFactory, std::less<>> array_to_array_;
  std::map<std::string, ArrayToBytesFactory, std::less<>> array_to_bytes_;
  std::map<std::string, BytesToBytesFactory, std::less<>> bytes_to_bytes_;
};

// Adds every built-in codec to `registry`.
void register_builtin_codecs(CodecRegistry& registry);

}  // namespace zarrnative::codec
