// zarrnative: an opened Zarr array = metadata + store + codec pipeline.
//
// Reads and writes take a whole selection in one call; the chunk work (store
// I/O, decoding, encoding, scattering) runs on the thread pool, each chunk
// decoded straight into the destination where the layout allows.
//
// Typical usage:
//   1. auto store = std::make_shared<store::FilesystemStore>("/data", false);
//   2. auto arr = Array::open(store, "temperature");                // zarr.json or .zarray
//   3. NDArray out = NDArray::empty(arr->metadata().dtype, {10, 512});
//      arr->read({DimSelection::slice(0, 10, 1), DimSelection::slice(0, 512, 1)}, out);
//   4. arr->write(selection, values);   // read-merge-write of partial chunks
//
// Sharded arrays (codecs = [sharding_indexed]) read only the inner chunks a
// selection needs: the shard index with one ranged read, then the needed
// inner chunks with one coalesced read per shard.
//
// A chunk is written with one store set (the filesystem store writes a
// temporary file, then renames it), so an interrupted write leaves every
// chunk either old or new. With write_empty_chunks false (the default), a
// chunk equal to the fill value everywhere is erased instead of written, and
// a shard leaves out its inner chunks that are; with it true, every chunk and
// every inner chunk is stored, as zarr-python stores them.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "zarrnative/array/selection.h"
#include "zarrnative/codec/pipeline.h"
#include "zarrnative/codec/sharding.h"
#include "zarrnative/metadata/array_metadata.h"
#include "zarrnative/store/prefetch_store.h"
#include "zarrnative/store/store.h"

namespace zarrnative::array {

using json = nlohmann::json;

// One store read that a batched read needs: the whole object (`ranges`
// empty) or byte ranges of it.
struct StoreRequest {
  std::string key;
  std::vector<codec::ByteRange> ranges;
};

struct ArrayOptions {
  bool write_empty_chunks = false;
  codec::CodecOptions codec;
  codec::ShardReadOptions shard;
};

class Array {
 public:
  // Opens the array at `path` ("" for the store's root; no leading or
  // trailing '/'). zarr_format nullopt: v3 (zarr.json) first, then v2.
  // Error(kNodeNotFound) when no array is there.
  static std::shared_ptr<Array> open(std::shared_ptr<store::Store> store, std::string path,
                                     std::optional<int> zarr_format = std::nullopt);
  // Writes the metadata of a new array. An existing node at `path` is
  // erased first with `overwrite`, else Error(kContainsArray/kContainsGroup).
  static std::shared_ptr<Array> create(std::shared_ptr<store::Store> store, std::string path,
                                       metadata::ArrayMetadata meta, bool overwrite);
  // An array whose metadata is already known (consolidated metadata): no
  // store access, nothing written.
  static std::shared_ptr<Array> from_metadata(std::shared_ptr<store::Store> store, std::string path,
                                              metadata::ArrayMetadata meta);

  const metadata::ArrayMetadata& metadata() const { return meta_; }
  const std::string& path() const { return path_; }
  const std::shared_ptr<store::Store>& store() const { return store_; }
  const codec::CodecPipeline& pipeline() const { return *pipeline_; }
  // The store key of a chunk.
  std::string chunk_key(const Shape& coords) const;

  // Reads an orthogonal selection into `out` (host memory, shape = the
  // selection's counts, the array's dtype in either byte order, any strides).
  void read(const OrthogonalSelection& sel, NDArray& out, const ArrayOptions& options = {}) const;
  // Reads many orthogonal selections of one shape, selection i into out[i]
  // (`out`: shape (n, *that shape)), as one request: every chunk task of
  // every selection runs on the pool at once, what a training batch of crops
  // or rows needs. Throws Error(kInvalidArgument) when the shapes differ.
  void read_many(const std::vector<OrthogonalSelection>& sels, NDArray& out,
                 const ArrayOptions& options = {}) const;
  // Reads points (ndim index vectors of equal length n) into 1-d `out`.
  void read_points(const std::vector<std::vector<int64_t>>& points, NDArray& out,
                   const ArrayOptions& options = {}) const;
  // Writes `value` (shape = the selection's counts; broadcast by zero strides)
  // to an orthogonal selection.
  void write(const OrthogonalSelection& sel, const NDArray& value, const ArrayOptions& options = {});
  void write_points(const std::vector<std::vector<int64_t>>& points, const NDArray& value,
                    const ArrayOptions& options = {});

  // --- batched I/O for stores that fetch many keys at once (store/prefetch_store.h)
  // The same array (metadata, codecs) over another store: a per-call
  // PrefetchStore. Cheap: nothing is read or parsed.
  std::shared_ptr<Array> with_store(std::shared_ptr<store::Store> store) const;
  // The store reads that read() / read_points() / write() / write_points()
  // of this selection will make and that `cache` cannot answer yet, in chunk
  // order. A shard needed only in part takes two rounds: first its index
  // (one range), then the coalesced ranges of the inner chunks it needs; a
  // shard needed whole (or read for a read-merge-write) is one whole-object
  // read. Throws as the read would for a corrupt shard index.
  std::vector<StoreRequest> plan_read(const OrthogonalSelection& sel, const store::PrefetchStore& cache,
                                      const ArrayOptions& options = {}) const;
  std::vector<StoreRequest> plan_read_points(const std::vector<std::vector<int64_t>>& points,
                                             const store::PrefetchStore& cache) const;
  std::vector<StoreRequest> plan_write(const OrthogonalSelection& sel, const store::PrefetchStore& cache) const;
  std::vector<StoreRequest> plan_write_points(const std::vector<std::vector<int64_t>>& points,
                                              const store::PrefetchStore& cache) const;

  // New shape: chunks wholly outside it are erased; metadata rewritten.
  void resize(const Shape& new_shape);
  void set_attributes(const json& attributes);

  // Stored chunks (shards for sharded arrays) and their total size in bytes
  // (metadata documents included in the size, as zarr-python counts them).
  int64_t nchunks_initialized() const;
  uint64_t nbytes_stored() const;

 private:
  Array(std::shared_ptr<store::Store> store, std::string path, metadata::ArrayMetadata meta);
  Array(const Array& other, std::shared_ptr<store::Store> store);  // with_store()
  void write_metadata();
  const codec::ShardingCodec* sharding() const { return sharding_; }
  void read_task(const ChunkTask& task, NDArray& out, const ArrayOptions& options) const;
  // The box of a shard that a read task needs (the bounding box of its elements).
  codec::ShardRegion shard_region(const ChunkTask& task) const;
  // Adds the requests that reading `region` of chunk `coords` (nullptr: the
  // whole chunk) needs and `cache` lacks.
  void plan_chunk(const Shape& coords, const codec::ShardRegion* region, const store::PrefetchStore& cache,
                  const ArrayOptions& options, std::vector<StoreRequest>& out) const;
  void write_task(const ChunkTask& task, const NDArray& value, const ArrayOptions& options);
  // [begin, end) ranges of tasks that share a key folder; one chunk per range
  // when there are too few folders to keep the pool busy.
  std::vector<std::pair<size_t, size_t>> folder_runs(const std::vector<ChunkTask>& tasks) const;
  // Decodes chunk `coords` (or its region, for shards) into `chunk`, or
  // fills it; returns false when the chunk is missing.
  bool load_chunk(const Shape& coords, NDArray& chunk, const ArrayOptions& options) const;
  void store_chunk(const Shape& coords, const NDArray& chunk, const ArrayOptions& options);

  std::shared_ptr<store::Store> store_;
  std::string path_;
  metadata::ArrayMetadata meta_;
  std::shared_ptr<const codec::CodecPipeline> pipeline_;
  const codec::ShardingCodec* sharding_ = nullptr;  // set when the array is sharded (partial reads)
};

// True when every element of `chunk` equals the fill element (NaN equal to
// NaN, -0.0 equal to 0.0, as numpy's array_equal(equal_nan=True) decides).
bool equals_fill(const NDArray& chunk, ByteView fill);

}  // namespace zarrnative::array
