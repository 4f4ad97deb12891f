// zarrnative: the three kinds of Zarr codec.
//
// Zarr v3 chains codecs in a fixed order: any number of array->array codecs
// (transpose), exactly one array->bytes codec (bytes, sharding_indexed,
// vlen-*), then any number of bytes->bytes codecs (gzip, zstd, blosc,
// crc32c). Encoding runs the chain forwards, decoding backwards. The pipeline
// (pipeline.h) is the one place that knows this order; a codec only knows
// its own step.
// Spec: https://zarr-specs.readthedocs.io/en/latest/v3/core/index.html#codecs
//
// Typical usage (what the pipeline does for one chunk):
//   1. ChunkSpec spec{dtype, chunk_shape, fill};       // what the chunk is
//   2. auto zstd = registry.make_bytes_to_bytes("zstd", {{"level", 1}}, spec);
//   3. ByteBuffer enc; zstd->encode(raw, enc, opts);   // bytes in, bytes out
//   4. zstd->decode_into(enc.view(), dest, opts);      // straight into dest
//
// Contracts every codec keeps:
//   - Codecs are immutable after construction and safe to call from many
//     threads at once.
//   - Bad parameters throw Error(kCodecConfig) from the factory, naming the
//     codec and the value ("zstd: level 99 is outside [-131072, 22]").
//   - Bad input throws Error(kCorruptChunk) naming the codec and the fault
//     ("blosc: header claims 1073741824 bytes, the chunk holds 8192").
//   - Nothing reads or writes outside the views it is given, and no decoder
//     allocates more than the known decoded size (or, where the format alone
//     tells the size, more than CodecOptions::max_decoded_bytes).
//   - encoded_size() says what encode() will produce: fixed, bounded or
//     unknown, so that buffers are allocated once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "zarrnative/common/bytes.h"
#include "zarrnative/common/dtype.h"
#include "zarrnative/ndarray/ndarray.h"

namespace zarrnative::codec {

using json = nlohmann::json;

// The size of a codec's output, as far as it can be known in advance.
struct EncodedSize {
  enum class Kind { kFixed, kBounded, kUnknown };
  Kind kind = Kind::kUnknown;
  uint64_t bytes = 0;  // exact (kFixed) or an upper bound (kBounded)

  static EncodedSize fixed(uint64_t n) { return {Kind::kFixed, n}; }
  static EncodedSize bounded(uint64_t n) { return {Kind::kBounded, n}; }
  static EncodedSize unknown() { return {Kind::kUnknown, 0}; }
  bool is_fixed() const { return kind == Kind::kFixed; }
  bool is_known() const { return kind != Kind::kUnknown; }
};

// The array a codec step sees: its data type, shape and fill value.
struct ChunkSpec {
  DType dtype = DType(DTypeKind::kUInt, 1);
  Shape shape;
  // One element in `dtype`'s byte order; empty means all-zero bytes. For
  // string and bytes data types: the fill string's bytes (empty: "").
  std::vector<uint8_t> fill_value;

  int64_t num_elements() const {
    int64_t n = 1;
    for (int64_t e : shape) n *= e;
    return n;
  }
  uint64_t nbytes() const { return static_cast<uint64_t>(num_elements()) * dtype.itemsize(); }
};

// Options passed into every call (never read from globals).
struct CodecOptions {
  bool validate_checksums = true;
  // Where a format alone says how large its output is, decoders refuse to
  // produce more than this (a decompression-bomb guard).
  uint64_t max_decoded_bytes = uint64_t{1} << 32;
  // Sharding: inner chunks equal to the fill value are stored as well (the
  // array's write_empty_chunks, as zarr-python stores them); by default they
  // are left out of the shard.
  bool write_empty_chunks = false;
};

class Codec {
 public:
  virtual ~Codec() = default;
  // The name in metadata: "zstd", "sharding_indexed", or a v2 numcodecs id.
  virtual std::string_view name() const = 0;
  // The codec as written in v3 metadata: {"name": ..., "configuration": {...}}
  // (v2-only codecs write their numcodecs form {"id": ..., ...}).
  virtual json to_json() const = 0;
};

class ArrayToArrayCodec : public Codec {
 public:
  // The spec of the array encode() produces from an array of spec `decoded`.
  virtual ChunkSpec encoded_spec(const ChunkSpec& decoded) const = 0;
  // Encodes `decoded` (host memory, any strides). May return a view of it
  // (transpose does) rather than a copy.
  virtual NDArray encode(const NDArray& decoded) const = 0;
  // Decodes `encoded` (of encoded_spec(decoded_spec)) back into an array of
  // `decoded_spec`; a view of `encoded` where the codec allows.
  virtual NDArray decode(const NDArray& encoded, const ChunkSpec& decoded_spec) const = 0;
  // True when encode() only reinterprets its input (a view: same buffer,
  // same dtype), so that a pipeline can decode straight into
  // encode(destination) instead of decoding and then copying.
  virtual bool encodes_to_view() const { return false; }
  // True when the codec reads items other than numbers (its factory checked
  // the chunk's data type: categorize reads fixed-length text). Otherwise a
  // pipeline gives it numbers only, unless it encodes to a view.
  virtual bool reads_non_numeric_items() const { return false; }
};

class ArrayToBytesCodec : public Codec {
 public:
  virtual EncodedSize encoded_size(const ChunkSpec& spec) const = 0;
  // Serialises `chunk` (host memory, spec's dtype and shape, any strides).
  virtual void encode(const NDArray& chunk, const ChunkSpec& spec, ByteBuffer& out,
                      const CodecOptions& options) const = 0;
  // Deserialises `in` into `out`: host memory, spec's shape, any strides,
  // already allocated. Writes every element of `out`.
  virtual void decode(ByteView in, const ChunkSpec& spec, NDArray& out,
                      const CodecOptions& options) const = 0;
  // When true, the encoded bytes of a C-contiguous chunk in the machine's
  // byte order are the chunk's memory itself, so a pipeline can decode the
  // bytes->bytes codecs straight into the destination array.
  virtual bool is_identity_for(const ChunkSpec&) const { return false; }
};

class BytesToBytesCodec : public Codec {
 public:
  virtual EncodedSize encoded_size(EncodedSize decoded) const = 0;
  virtual void encode(ByteView in, ByteBuffer& out, const CodecOptions& options) const = 0;
  // Decodes `in` into `out` (resized to fit). With `expected_size`, the
  // output must be exactly that long (kCorruptChunk otherwise) and the codec
  // never allocates more; without it, at most options.max_decoded_bytes.
  virtual void decode(ByteView in, ByteBuffer& out, std::optional<uint64_t> expected_size,
                      const CodecOptions& options) const = 0;
  // Decodes into caller memory whose size is the exact decoded size. The
  // default goes through decode() and a copy; codecs that can write in
  // place override it.
  virtual void decode_into(ByteView in, MutableByteView out, const CodecOptions& options) const;
  // Codecs whose decoding is a sub-range of their input (crc32c strips a
  // trailer) return it here without copying; others return nullopt.
  virtual std::optional<ByteView> decode_view(ByteView, const CodecOptions&) const { return std::nullopt; }
  // Decodes only the first out.size() bytes of the decoded value, for reads
  // that need the start of a chunk only; returns false (nothing decoded)
  // where the codec cannot stop early safely (the default: it must decode
  // everything, or check a checksum over everything).
  virtual bool decode_prefix(ByteView, MutableByteView, const CodecOptions&) const { return false; }
};

// Helpers for codec implementations: throw Error(kCodecConfig / kCorruptChunk)
// with "<codec>: <message>".
[[noreturn]] void config_error(std::string_view codec, std::string_view message);
[[noreturn]] void corrupt_error(std::string_view codec, std::string_view message);

}  // namespace zarrnative::codec
