// zarrnative: the Zarr v3 "sharding_indexed" codec and partial shard reads.
//
// A shard is one stored object holding a grid of inner chunks, each encoded
// by the inner codecs, plus an index of n (offset, nbytes) uint64 pairs (C
// order of the inner chunk grid) encoded by the index codecs and placed at
// the start or the end of the shard. An entry of two 2^64-1 marks a missing
// inner chunk, which reads as the fill value.
// Spec: https://zarr-specs.readthedocs.io/en/latest/v3/codecs/sharding-indexed/index.html
//
//   {"name": "sharding_indexed", "configuration": {
//      "chunk_shape": [32, 32],
//      "codecs": [{"name": "bytes", "configuration": {"endian": "little"}}, {"name": "zstd"}],
//      "index_codecs": [{"name": "bytes", "configuration": {"endian": "little"}}, {"name": "crc32c"}],
//      "index_location": "end"}}
//
// Whole shards go through ArrayToBytesCodec::encode / decode like any chunk.
// Reading part of a shard without fetching all of it:
//   1. auto& sc = dynamic_cast<const ShardingCodec&>(*pipeline->array_to_bytes());
//   2. FileRangeReader reader(...);            // any ByteRangeReader: file, memory, Python-fetched bytes
//   3. NDArray out = NDArray::empty(dtype, {10, 20});
//      bool exists = read_shard_region(sc, reader, {{5, 0}, {15, 20}}, out, opts);
//   This reads the index with one ranged read, then the inner chunks that
//   intersect the region with one read() of coalesced ranges, and decodes
//   them in parallel into `out` (missing inner chunks and missing shards:
//   the fill value).
// The steps are exposed one by one (index_range, decode_index,
// plan_shard_read, decode_shard_plan) so that a caller can batch the reads
// of many shards, or gather the compressed inner chunks of many shards and
// decode them elsewhere (on a GPU).
//
// Decoding is safe on hostile input: an index that points outside the shard,
// into the index itself, or whose offset + nbytes overflows is refused with
// Error(kCorruptChunk) naming "sharding_indexed" and the inner chunk. Inner
// chunks whose byte ranges overlap each other are accepted (zarr-python
// accepts them too); they are read within bounds all the same.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "zarrnative/codec/codec.h"
#include "zarrnative/codec/pipeline.h"
#include "zarrnative/common/thread_pool.h"

namespace zarrnative::codec {

// ---------------------------------------------------------------------------
// Ranged reads over any store

// A byte range of a stored object: [offset, offset + length), or with
// `suffix`, the last `length` bytes (offset ignored), for reading an index at
// the end of a shard whose size is unknown.
struct ByteRange {
  uint64_t offset = 0;
  uint64_t length = 0;
  bool suffix = false;

  static ByteRange at(uint64_t offset, uint64_t length) { return {offset, length, false}; }
  static ByteRange last(uint64_t length) { return {0, length, true}; }
  bool operator==(const ByteRange&) const = default;
};

// Reads ranges of one stored object (a shard). Implementations exist for
// memory (BytesRangeReader below); stores provide theirs (file pread, a
// batch that a Python store fetched beforehand).
class ByteRangeReader {
 public:
  virtual ~ByteRangeReader() = default;
  // The object's size in bytes when known without a read (a file's stat,
  // bytes in memory) or learned by an earlier read; nullopt when unknown.
  virtual std::optional<uint64_t> size() { return std::nullopt; }
  // One result per range, in order: nullopt when the object does not exist.
  // A range reaching past the end of the object yields only the bytes that
  // exist (a shorter buffer; a suffix longer than the object yields it all):
  // implementations must clamp to the object and never allocate what a
  // range merely asks for.
  virtual std::vector<std::optional<ByteBuffer>> read(std::span<const ByteRange> ranges) = 0;
};

// A reader over bytes in memory (not owned: they must outlive the reader),
// or over a missing object.
class BytesRangeReader : public ByteRangeReader {
 public:
  explicit BytesRangeReader(ByteView bytes) : bytes_(bytes), exists_(true) {}
  static BytesRangeReader missing() { return BytesRangeReader(); }
  std::optional<uint64_t> size() override;
  std::vector<std::optional<ByteBuffer>> read(std::span<const ByteRange> ranges) override;

 private:
  BytesRangeReader() = default;
  ByteView bytes_;
  bool exists_ = false;
};

// ---------------------------------------------------------------------------
// The codec

enum class IndexLocation { kStart, kEnd };

struct ShardingConfig {
  Shape chunk_shape;                   // the inner chunk shape; divides the shard shape
  json codecs = json::array();         // the inner chunks' codecs (v3 list)
  json index_codecs = json::array();   // the index's codecs (v3 list), of fixed encoded size
  IndexLocation index_location = IndexLocation::kEnd;
};

// A decoded, validated shard index.
struct ShardIndex {
  Shape chunks_per_shard;
  std::vector<uint64_t> entries;  // (offset, nbytes) per inner chunk, C order

  static constexpr uint64_t kMissing = ~uint64_t{0};
  size_t num_chunks() const { return entries.size() / 2; }
  bool missing(size_t chunk) const { return entries[2 * chunk] == kMissing && entries[2 * chunk + 1] == kMissing; }
  // The inner chunk's bytes in the shard; nullopt when it is missing.
  std::optional<ByteRange> range(size_t chunk) const;
  // An index in which every inner chunk is missing.
  static ShardIndex empty(const Shape& chunks_per_shard);
};

class ShardingCodec final : public ArrayToBytesCodec {
 public:
  // `shard` is the spec of the shards this codec encodes (the array's chunk).
  // Throws Error(kCodecConfig) for a bad configuration.
  ShardingCodec(ShardingConfig config, const ChunkSpec& shard);

  std::string_view name() const override;
  json to_json() const override;
  EncodedSize encoded_size(const ChunkSpec& spec) const override;
  void encode(const NDArray& chunk, const ChunkSpec& spec, ByteBuffer& out,
              const CodecOptions& options) const override;
  void decode(ByteView in, const ChunkSpec& spec, NDArray& out, const CodecOptions& options) const override;

  // Like encode(); returns false when every inner chunk equals the fill
  // value, so that `out` holds only an index of missing chunks (zarr-python
  // then stores nothing: a caller may erase the key instead of writing).
  // Inner chunks that equal the fill value everywhere are left missing,
  // unless options.write_empty_chunks.
  bool encode_shard(const NDArray& chunk, ByteBuffer& out, const CodecOptions& options) const;
  // The bytes of a shard whose inner chunks are all missing: its index alone.
  void encode_empty_shard(ByteBuffer& out, const CodecOptions& options) const;
  // Encodes the shard and hands its bytes to `sink` in file order, in one or
  // more calls (the pieces stay valid during the call only), so that a store
  // writer can take them without the whole shard in memory: with the index
  // at the end, in batches of inner chunks as they are encoded. Returns false,
  // having never called `sink`, when every inner chunk equals the fill value.
  using ShardSink = std::function<void(std::span<const ByteView>)>;
  bool encode_shard_to(const NDArray& chunk, const ShardSink& sink, const CodecOptions& options) const;

  const ShardingConfig& config() const { return config_; }
  const ChunkSpec& shard_spec() const { return shard_; }
  const ChunkSpec& inner_spec() const { return inner_->spec(); }
  const CodecPipeline& inner_pipeline() const { return *inner_; }
  const Shape& chunks_per_shard() const { return chunks_per_shard_; }
  size_t num_inner_chunks() const { return num_chunks_; }
  // The encoded index's size in bytes (fixed).
  uint64_t index_size() const { return index_size_; }

  // Where the index lies: an absolute range when the location is "start" or
  // the shard's size is known, else a suffix range.
  ByteRange index_range(std::optional<uint64_t> shard_size) const;
  // Decodes and validates the index (exactly index_size() bytes). With
  // `shard_size`, every entry must lie inside the shard and outside the
  // index; without it, entries are checked for overflow only (reads are
  // then bounded by the reader).
  ShardIndex decode_index(ByteView index_bytes, std::optional<uint64_t> shard_size,
                          const CodecOptions& options) const;
  // Encodes an index (entries already final, including any start offset).
  void encode_index(const ShardIndex& index, ByteBuffer& out, const CodecOptions& options) const;

  // The inner chunk grid's C-order linear index <-> coordinates.
  Shape chunk_coords(size_t linear) const;
  // The order in which encode() lays inner chunks out in the shard (Morton
  // order, as zarr-python writes it, so that our shards are byte-identical).
  // Computed on first use (readers never need it).
  const std::vector<uint32_t>& write_order() const;

 private:
  ShardingConfig config_;
  ChunkSpec shard_;
  Shape chunks_per_shard_;
  size_t num_chunks_ = 0;
  std::shared_ptr<const CodecPipeline> inner_;
  std::shared_ptr<const CodecPipeline> index_;
  uint64_t index_size_ = 0;
  mutable std::once_flag write_order_once_;
  mutable std::vector<uint32_t> write_order_;
};

// ---------------------------------------------------------------------------
// Partial reads

// A box of a shard: per dimension [start[d], stop[d]).
struct ShardRegion {
  Shape start;
  Shape stop;
  Shape shape() const;
};

struct ShardReadOptions {
  // Neighbouring inner chunks are read as one range when the gap between
  // them is at most this (zarr-python's default)...
  uint64_t coalesce_max_gap = uint64_t{1} << 20;
  // ...and the merged range stays at most this long (a single inner chunk
  // longer than this is read alone).
  uint64_t coalesce_max_size = uint64_t{16} << 20;
  // read_shard_region reads and decodes a shard in batches of ranges of
  // about this many bytes (ranges coalesced up to this size; a longer inner
  // chunk alone), so a whole-shard read holds one batch of encoded bytes at a
  // time, not the whole shard. (Planning for a prefetching store uses
  // coalesce_max_size: the fetched pieces then answer the smaller ranges.)
  uint64_t max_buffered = uint64_t{1} << 20;
};

// One inner chunk that a region needs.
struct InnerChunkRead {
  size_t chunk = 0;                // C-order index in the inner chunk grid
  Shape coords;                    // coordinates in the inner chunk grid
  std::optional<ByteRange> bytes;  // absolute, in the shard; nullopt: missing (fill value)
  size_t read = 0;                 // which of ShardReadPlan::reads holds the bytes
  uint64_t read_offset = 0;        // where they start inside that read
  Shape inner_start;               // the needed part, in the inner chunk's coordinates
  Shape shape;                     // the needed part's extent
  Shape out_start;                 // where the needed part goes in the region's `out`
  bool whole = false;              // the entire inner chunk is needed
};

struct ShardReadPlan {
  std::vector<InnerChunkRead> chunks;  // C order of the inner grid
  std::vector<ByteRange> reads;        // coalesced absolute ranges, ascending
};

// Which inner chunks `region` needs, where their bytes are, and the
// coalesced ranges covering them. Throws kOutOfRange for a region outside
// the shard.
ShardReadPlan plan_shard_read(const ShardingCodec& codec, const ShardIndex& index, const ShardRegion& region,
                              const ShardReadOptions& read_options = {});

// Decodes a plan's inner chunks in parallel into `out` (host, the region's
// shape, any strides): reads[i] holds the bytes of plan.reads[i] (shorter:
// the shard ended early -> kCorruptChunk). Missing inner chunks get the fill
// value.
void decode_shard_plan(const ShardingCodec& codec, const ShardReadPlan& plan, std::span<const ByteView> reads,
                       NDArray& out, const CodecOptions& options, ThreadPool& pool = ThreadPool::global());

// All of the above: one read for the index, one read() call for the inner
// chunks (none when all of them are missing), parallel decoding into `out`.
// Returns false when the shard does not exist (`out` then holds the fill
// value).
bool read_shard_region(const ShardingCodec& codec, ByteRangeReader& reader, const ShardRegion& region,
                       NDArray& out, const CodecOptions& options, const ShardReadOptions& read_options = {},
                       ThreadPool& pool = ThreadPool::global());

}  // namespace zarrnative::codec
