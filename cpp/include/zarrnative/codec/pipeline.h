// zarrnative: a chunk's codec pipeline.
//
// A CodecPipeline is the validated chain of one array's codecs, built from
// Zarr v3 metadata (the `codecs` list) or Zarr v2 metadata (`dtype` byte
// order, `order`, `filters`, `compressor`). It encodes and decodes one chunk
// or a batch of chunks spread over the thread pool.
//
// Typical usage:
//   1. ChunkSpec spec{DType::from_zarr_v3_name("uint16"), {64, 64, 64}, {}};
//   2. auto p = CodecPipeline::from_v3(json::parse(R"([{"name": "bytes", "configuration":
//                  {"endian": "little"}}, {"name": "zstd", "configuration": {"level": 1}}])"), spec);
//   3. ByteBuffer enc; p->encode(chunk, enc, opts);
//   4. NDArray out = NDArray::empty(spec.dtype, spec.shape); p->decode(enc.view(), out, opts);
//   5. Many chunks at once: decode_batch(*p, inputs, outputs, opts, ThreadPool::global());
//
// Decoding writes straight into the destination when the layout allows it
// (no array->array codec other than views such as transpose, a bytes
// codec in the destination's byte order, a C-contiguous destination): the
// last bytes->bytes decoder (zstd, blosc, gzip, ...) then fills the
// destination's memory itself, with no intermediate buffer and no copy.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "zarrnative/codec/codec.h"
#include "zarrnative/codec/registry.h"
#include "zarrnative/common/thread_pool.h"

namespace zarrnative::codec {

// The bytes of a C-order chunk of `shape` up to and including the last
// element of the box [start, start + count): what a read of that box needs
// decoded (0 for an empty box).
uint64_t c_order_prefix(const Shape& shape, const Shape& start, const Shape& count, int64_t itemsize);

class CodecPipeline {
 public:
  // `codecs`: the v3 metadata's codecs list. Validates the order (array ->
  // array codecs, exactly one array -> bytes codec, bytes -> bytes codecs)
  // and every codec's configuration.
  static std::shared_ptr<const CodecPipeline> from_v3(const json& codecs, const ChunkSpec& spec,
                                                      const CodecRegistry& registry = CodecRegistry::builtin());
  // `zarray`: the v2 .zarray fields "dtype", "order", "filters" and
  // "compressor" (others are ignored). `spec.dtype` must be the array's
  // dtype including its byte order.
  static std::shared_ptr<const CodecPipeline> from_v2(const json& zarray, const ChunkSpec& spec,
                                                      const CodecRegistry& registry = CodecRegistry::builtin());

  const ChunkSpec& spec() const { return spec_; }
  EncodedSize encoded_size() const;
  // The codecs list as v3 metadata writes it (v2 pipelines: their v3 form).
  json to_json() const;

  // Encodes one chunk: host memory, spec's dtype and shape, any strides.
  void encode(const NDArray& chunk, ByteBuffer& out, const CodecOptions& options) const;
  // Decodes one chunk into `out`: host memory, spec's shape and dtype (any
  // byte order), any strides.
  void decode(ByteView in, NDArray& out, const CodecOptions& options) const;
  // Decodes only the first `prefix` bytes of the chunk in C order into
  // `out` (C-contiguous, the spec's shape and dtype); the rest of `out` is
  // left as it was. For reads that need part of a chunk: the decoder stops
  // after the last element wanted. Returns false (nothing done) where the
  // chain cannot stop early (a transpose, another byte order, a codec that
  // must see everything, such as a zstd frame with a checksum): decode().
  bool decode_prefix(ByteView in, NDArray& out, uint64_t prefix, const CodecOptions& options) const;

  const std::vector<std::shared_ptr<const ArrayToArrayCodec>>& array_to_array() const { return a2a_; }
  const std::shared_ptr<const ArrayToBytesCodec>& array_to_bytes() const { return a2b_; }
  const std::vector<std::shared_ptr<const BytesToBytesCodec>>& bytes_to_bytes() const { return b2b_; }

 private:
  CodecPipeline() = default;
  void decode_bytes(ByteView in, std::optional<uint64_t> final_size, ByteBuffer& scratch, ByteBuffer& out,
                    ByteView* result, const CodecOptions& options) const;
  // Runs the bytes -> bytes decoders b2b_[size-1] .. b2b_[last] on `in`,
  // ping-ponging between two scratch buffers (the innermost, b2b_[0], gets
  // `final_size`); returns the result, which may lie in either buffer.
  ByteView decode_steps(ByteView in, size_t last, std::optional<uint64_t> final_size, ByteBuffer& a, ByteBuffer& b,
                        const CodecOptions& options) const;

  ChunkSpec spec_;
  std::vector<std::shared_ptr<const ArrayToArrayCodec>> a2a_;
  std::vector<ChunkSpec> a2a_specs_;  // the input spec of each array -> array codec
  std::shared_ptr<const ArrayToBytesCodec> a2b_;
  ChunkSpec a2b_spec_;
  std::vector<std::shared_ptr<const BytesToBytesCodec>> b2b_;
};

// Writes the fill value (`spec.fill_value`, or zeros) into every element of
// `out` (host memory, any strides, dtype of spec's itemsize).
// String and bytes arrays: `spec.fill_value` holds the fill string's bytes
// (empty: ""), which every element then points to.
void fill_chunk(NDArray& out, const ChunkSpec& spec);

// Decodes a batch: inputs[i] (nullopt: a missing chunk, filled with the fill
// value) into outputs[i], spread over `pool`. Every chunk is attempted; the
// first failure is rethrown as the same error code with the chunk named
// ("chunk c/0/1: zstd: ...", using keys[i] when given, else its index).
void decode_batch(const CodecPipeline& pipeline, std::span<const std::optional<ByteView>> inputs,
                  std::span<NDArray> outputs, const CodecOptions& options, ThreadPool& pool,
                  std::span<const std::string> keys = {});

// Encodes a batch of chunks into outputs (resized to inputs.size()).
void encode_batch(const CodecPipeline& pipeline, std::span<const NDArray> inputs,
                  std::vector<ByteBuffer>& outputs, const CodecOptions& options, ThreadPool& pool,
                  std::span<const std::string> keys = {});

}  // namespace zarrnative::codec
