// Planning the store reads of a selection, for stores that fetch in batches
// (a Python object-store client): the same chunk plan as read() and write(),
// stopping where bytes are needed. See store/prefetch_store.h.
#include <algorithm>
#include <functional>
#include <string>

#include "zarrnative/array/array.h"
#include "zarrnative/common/error.h"

namespace zarrnative::array {

std::shared_ptr<Array> Array::with_store(std::shared_ptr<store::Store> store) const {
  check(store != nullptr, ErrorCode::kInvalidArgument, "with_store: no store");
  // A copy shares the parsed metadata's codecs (pipeline_ is a shared_ptr); sharding_ points into it.
  return std::shared_ptr<Array>(new Array(*this, std::move(store)));
}

Array::Array(const Array& other, std::shared_ptr<store::Store> store)
    : store_(std::move(store)), path_(other.path_), meta_(other.meta_), pipeline_(other.pipeline_),
      sharding_(other.sharding_) {}

codec::ShardRegion Array::shard_region(const ChunkTask& task) const {
  const size_t n = task.coords.size();
  Shape lo(n), hi(n);
  for (size_t d = 0; d < n; ++d) {
    const DimPart& p = *task.dims[d];
    if (p.is_run) {
      lo[d] = p.local_start;
      hi[d] = p.local_start + (p.count - 1) * p.local_step + 1;
    } else {
      lo[d] = *std::min_element(p.local.begin(), p.local.end());
      hi[d] = *std::max_element(p.local.begin(), p.local.end()) + 1;
    }
  }
  return {lo, hi};
}

void Array::plan_chunk(const Shape& coords, const codec::ShardRegion* region, const store::PrefetchStore& cache,
                       const ArrayOptions& options, std::vector<StoreRequest>& out) const {
  const std::string key = chunk_key(coords);
  if (cache.has(key)) return;
  bool whole = !sharding_ || region == nullptr;
  if (!whole) {
    whole = std::all_of(region->start.begin(), region->start.end(), [](int64_t v) { return v == 0; }) &&
            region->stop == meta_.chunk_shape;
  }
  if (whole) {  // one read of the whole object (a shard read whole needs no index round trip)
    out.push_back({key, {}});
    return;
  }
  // Read as read_shard_region will: the index where the known size puts it, then the plan's ranges.
  const std::optional<uint64_t> size = cache.known_size(key);
  const codec::ByteRange index_at = sharding_->index_range(size);
  auto index = cache.lookup(key, std::span<const codec::ByteRange>(&index_at, 1));
  if (!index) {
    out.push_back({key, {index_at}});
    return;
  }
  if (!(*index)[0]) return;  // the shard is missing: fill value, nothing more to read
  // A wrong-sized index is left for the read to report (it names the truncated shard).
  if ((*index)[0]->size() != sharding_->index_size()) return;
  codec::ShardIndex decoded = sharding_->decode_index((*index)[0]->view(), size, options.codec);
  codec::ShardReadPlan plan = codec::plan_shard_read(*sharding_, decoded, *region, options.shard);
  if (plan.reads.empty() || cache.lookup(key, plan.reads)) return;
  out.push_back({key, std::move(plan.reads)});
}

namespace {

// Runs plan steps in chunk order, naming the chunk in a failure (as read() does).
template <typename Step>
std::vector<StoreRequest> collect(size_t n, const std::function<std::string(size_t)>& key_of, const Step& step) {
  std::vector<StoreRequest> out;
  for (size_t i = 0; i < n; ++i) {
    try {
      step(i, out);
    } catch (const Error& e) {
      if (e.code() == ErrorCode::kCorruptChunk || e.code() == ErrorCode::kCodecConfig) {
        throw Error(e.code(), "chunk '" + key_of(i) + "': " + e.what());
      }
      throw;
    }
  }
  return out;
}

}  // namespace

std::vector<StoreRequest> Array::plan_read(const OrthogonalSelection& sel, const store::PrefetchStore& cache,
                                           const ArrayOptions& options) const {
  ChunkPlan plan = plan_orthogonal(sel, meta_.shape, meta_.chunk_shape);
  return collect(plan.tasks.size(), [&](size_t i) { return chunk_key(plan.tasks[i].coords); },
                 [&](size_t i, std::vector<StoreRequest>& out) {
                   const ChunkTask& task = plan.tasks[i];
                   if (sharding_) {
                     codec::ShardRegion region = shard_region(task);
                     plan_chunk(task.coords, &region, cache, options, out);
                   } else {
                     plan_chunk(task.coords, nullptr, cache, options, out);
                   }
                 });
}

std::vector<StoreRequest> Array::plan_read_points(const std::vector<std::vector<int64_t>>& points,
                                                  const store::PrefetchStore& cache) const {
  std::vector<PointGroup> groups = plan_points(points, meta_.shape, meta_.chunk_shape);
  return collect(groups.size(), [&](size_t i) { return chunk_key(groups[i].coords); },
                 [&](size_t i, std::vector<StoreRequest>& out) { plan_chunk(groups[i].coords, nullptr, cache, {}, out); });
}

std::vector<StoreRequest> Array::plan_write(const OrthogonalSelection& sel, const store::PrefetchStore& cache) const {
  ChunkPlan plan = plan_orthogonal(sel, meta_.shape, meta_.chunk_shape);
  return collect(plan.tasks.size(), [&](size_t i) { return chunk_key(plan.tasks[i].coords); },
                 [&](size_t i, std::vector<StoreRequest>& out) {
                   const ChunkTask& task = plan.tasks[i];
                   // As write_task: a chunk covered by the selection is not read (whole, or an edge
                   // chunk filled); any other is read, merged and rewritten.
                   if (task.covers_chunk) return;
                   plan_chunk(task.coords, nullptr, cache, {}, out);
                 });
}

std::vector<StoreRequest> Array::plan_write_points(const std::vector<std::vector<int64_t>>& points,
                                                   const store::PrefetchStore& cache) const {
  return plan_read_points(points, cache);  // every touched chunk is read, merged and rewritten
}

}  // namespace zarrnative::array
