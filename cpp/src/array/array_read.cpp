// Reading: one parallel task per chunk (or shard) that a selection touches.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "zarrnative/array/array.h"
#include "zarrnative/common/error.h"

namespace zarrnative::array {
namespace {

// A view of `a` starting at per-dimension offsets `start` with shape `shape`.
NDArray subview(const NDArray& a, const Shape& start, const Shape& shape) {
  int64_t off = a.byte_offset();
  for (size_t d = 0; d < start.size(); ++d) off += start[d] * a.strides()[d];
  return NDArray(a.buffer(), a.dtype(), shape, a.strides(), off, a.readonly());
}

// String and bytes items copied out of a temporary chunk point into the
// chunk's heaps: `dst` keeps them alive once the chunk is gone.
void keep_heaps(const NDArray& chunk, const NDArray& dst) {
  if (!chunk.dtype().is_vlen()) return;
  for (auto& heap : chunk.buffer()->attachments()) dst.buffer()->attach(heap);
}

void check_destination(const NDArray& out, const metadata::ArrayMetadata& m, const Shape& shape, const char* what) {
  check(host_accessible(out.kind()), ErrorCode::kInvalidArgument,
        [&] { return std::string(what) + ": host memory is needed"; });
  check(out.shape() == shape, ErrorCode::kInvalidArgument,
        [&] { return std::string(what) + ": the destination's shape differs from the selection's"; });
  check(out.dtype().kind() == m.dtype.kind() && out.itemsize() == m.dtype.itemsize(), ErrorCode::kTypeError, [&] {
    return std::string(what) + ": dtype " + out.dtype().typestr() + " differs from the array's " + m.dtype.typestr();
  });
}

// Runs fn(i) over the pool; rethrows the first failure naming the chunk key.
template <typename KeyFn>
void run_tasks(size_t n, const KeyFn& key_of, const std::function<void(size_t)>& fn) {
  auto failed = parallel_for_first_failure(ThreadPool::global(), n, fn);
  if (!failed) return;
  if (failed->code == ErrorCode::kCorruptChunk || failed->code == ErrorCode::kCodecConfig ||
      failed->code == ErrorCode::kIoError) {
    throw Error(failed->code, "chunk '" + key_of(failed->index) + "': " + failed->message);
  }
  throw Error(failed->code, failed->message);
}

}  // namespace

bool Array::load_chunk(const Shape& coords, NDArray& chunk, const ArrayOptions& options) const {
  const std::string key = chunk_key(coords);
  if (sharding_) {
    auto reader = store_->range_reader(key);
    codec::ShardRegion region{Shape(coords.size(), 0), meta_.chunk_shape};
    return codec::read_shard_region(*sharding_, *reader, region, chunk, options.codec, options.shard);
  }
  auto bytes = store_->get(key);
  if (!bytes) {
    codec::fill_chunk(chunk, pipeline_->spec());
    return false;
  }
  pipeline_->decode(bytes->view(), chunk, options.codec);
  return true;
}

void Array::read_task(const ChunkTask& task, NDArray& out, const ArrayOptions& options) const {
  const int n = static_cast<int>(task.coords.size());
  const Shape& cs = meta_.chunk_shape;
  bool whole_chunk_in_bounds = task.covers_chunk;
  for (int d = 0; d < n && whole_chunk_in_bounds; ++d) {
    whole_chunk_in_bounds = task.dims[d]->count == cs[d];
  }
  Shape out_start(n), counts(n);
  for (int d = 0; d < n; ++d) {
    out_start[d] = task.dims[d]->is_run ? task.dims[d]->out_start : 0;
    counts[d] = task.dims[d]->size();
  }
  const std::string key = chunk_key(task.coords);

  if (sharding_) {
    // Only the bounding box of the needed elements is read from the shard.
    codec::ShardRegion region = shard_region(task);
    const Shape& lo = region.start;
    auto reader = store_->range_reader(key);
    bool dense = true;  // unit-step runs: the bounding box is the selected block itself
    for (int d = 0; d < n && dense; ++d) {
      dense = task.dims[d]->is_run && (task.dims[d]->local_step == 1 || task.dims[d]->count <= 1);
    }
    if (task.covers_chunk || dense) {  // the region is exactly the selected block of `out`
      NDArray target = subview(out, out_start, counts);
      codec::read_shard_region(*sharding_, *reader, region, target, options.codec, options.shard);
      return;
    }
    NDArray box = NDArray::empty(out.dtype(), region.shape());
    codec::read_shard_region(*sharding_, *reader, region, box, options.codec, options.shard);
    // Re-express the task relative to the box.
    std::vector<DimPart> shifted(n);
    ChunkTask local = task;
    for (int d = 0; d < n; ++d) {
      shifted[d] = *task.dims[d];
      shifted[d].local_start -= lo[d];
      for (int64_t& v : shifted[d].local) v -= lo[d];
      local.dims[d] = &shifted[d];
    }
    copy_task(local, box, out, /*to_selection=*/true);
    keep_heaps(box, out);
    return;
  }

  if (whole_chunk_in_bounds) {  // decode straight into the destination
    NDArray target = subview(out, out_start, counts);
    load_chunk(task.coords, target, options);
    return;
  }
  auto bytes = store_->get(key);
  if (!bytes && out.dtype().is_vlen()) {  // the fill value is the string's bytes, not an element
    NDArray chunk = NDArray::empty(out.dtype(), cs);
    codec::fill_chunk(chunk, pipeline_->spec());
    copy_task(task, chunk, out, /*to_selection=*/true);
    keep_heaps(chunk, out);
    return;
  }
  if (!bytes) {
    const auto& fill = pipeline_->spec().fill_value;
    std::vector<uint8_t> element(static_cast<size_t>(out.itemsize()), 0);
    if (!fill.empty()) std::memcpy(element.data(), fill.data(), std::min(fill.size(), element.size()));
    if (out.dtype().byte_order() != meta_.dtype.byte_order())
      swap_elements(element.data(), element.size(), out.dtype());
    fill_task(task, out, element.data());
    return;
  }
  NDArray chunk = NDArray::empty(out.dtype(), cs);
  // Only the elements the task takes are needed: decoding may stop after
  // the last of them in C order (the largest local index in each dimension).
  Shape last(n), one(n, 1);
  for (int d = 0; d < n; ++d) {
    const DimPart& p = *task.dims[d];
    last[d] = p.is_run ? p.local_start + (p.count - 1) * p.local_step
                       : (p.local.empty() ? 0 : *std::max_element(p.local.begin(), p.local.end()));
  }
  const uint64_t prefix = task.covers_chunk ? UINT64_MAX : codec::c_order_prefix(cs, last, one, chunk.itemsize());
  if (!pipeline_->decode_prefix(bytes->view(), chunk, prefix, options.codec)) {
    pipeline_->decode(bytes->view(), chunk, options.codec);
  }
  copy_task(task, chunk, out, /*to_selection=*/true);
  keep_heaps(chunk, out);
}

void Array::read(const OrthogonalSelection& sel, NDArray& out, const ArrayOptions& options) const {
  const auto pinned = store_->pin();  // the store's shared state, held for this request
  ChunkPlan plan = plan_orthogonal(sel, meta_.shape, meta_.chunk_shape);
  check_destination(out, meta_, plan.out_shape, "read");
  run_tasks(plan.tasks.size(), [&](size_t i) { return chunk_key(plan.tasks[i].coords); },
            [&](size_t i) { read_task(plan.tasks[i], out, options); });
}

void Array::read_many(const std::vector<OrthogonalSelection>& sels, NDArray& out,
                      const ArrayOptions& options) const {
  const auto pinned = store_->pin();  // the store's shared state, held for this request
  check(out.ndim() == meta_.shape.size() + 1 && out.shape()[0] == static_cast<int64_t>(sels.size()),
        ErrorCode::kInvalidArgument, [&] {
          return "read_many: the destination must have shape (" + std::to_string(sels.size()) + ", ...) with " +
                 std::to_string(meta_.shape.size()) + " more dimensions";
        });
  const Shape item_shape(out.shape().begin() + 1, out.shape().end());
  const Shape item_strides(out.strides().begin() + 1, out.strides().end());
  check_destination(out, meta_, out.shape(), "read_many");
  std::vector<ChunkPlan> plans;
  plans.reserve(sels.size());
  for (size_t i = 0; i < sels.size(); ++i) {
    plans.push_back(plan_orthogonal(sels[i], meta_.shape, meta_.chunk_shape));
    check(plans.back().out_shape == item_shape, ErrorCode::kInvalidArgument,
          [&] { return "read_many: selection " + std::to_string(i) + " has a different shape from the others"; });
  }
  std::vector<NDArray> dests;
  std::vector<std::pair<size_t, size_t>> items;  // (selection, task)
  for (size_t i = 0; i < sels.size(); ++i) {
    dests.emplace_back(out.buffer(), out.dtype(), item_shape, item_strides,
                       out.byte_offset() + static_cast<int64_t>(i) * out.strides()[0], out.readonly());
    for (size_t t = 0; t < plans[i].tasks.size(); ++t) items.emplace_back(i, t);
  }
  run_tasks(items.size(), [&](size_t k) { return chunk_key(plans[items[k].first].tasks[items[k].second].coords); },
            [&](size_t k) {
              const auto [i, t] = items[k];
              read_task(plans[i].tasks[t], dests[i], options);
            });
}

void Array::read_points(const std::vector<std::vector<int64_t>>& points, NDArray& out,
                        const ArrayOptions& options) const {
  const auto pinned = store_->pin();  // the store's shared state, held for this request
  std::vector<PointGroup> groups = plan_points(points, meta_.shape, meta_.chunk_shape);
  const int64_t count = points.empty() ? 0 : static_cast<int64_t>(points[0].size());
  check_destination(out, meta_, Shape{count}, "read_points");
  const size_t n = meta_.shape.size();
  const int64_t isz = out.itemsize();
  run_tasks(groups.size(), [&](size_t i) { return chunk_key(groups[i].coords); },
            [&](size_t i) {
              const PointGroup& g = groups[i];
              NDArray chunk = NDArray::empty(out.dtype(), meta_.chunk_shape);
              load_chunk(g.coords, chunk, options);
              for (size_t k = 0; k < g.out.size(); ++k) {
                int64_t off = chunk.byte_offset();
                for (size_t d = 0; d < n; ++d) off += g.local[k * n + d] * chunk.strides()[d];
                std::memcpy(static_cast<char*>(out.data()) + g.out[k] * out.strides()[0],
                            static_cast<const char*>(chunk.buffer()->data()) + off, static_cast<size_t>(isz));
              }
              keep_heaps(chunk, out);
            });
}

}  // namespace zarrnative::array
