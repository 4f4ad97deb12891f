// Writing: each chunk a selection touches is built (whole, or read, merged
// and rewritten), encoded and stored by its own parallel task with one store
// set, so an interrupted write leaves every chunk old or new.
#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "zarrnative/array/array.h"
#include "zarrnative/common/error.h"
#include "zarrnative/common/vlen.h"

namespace zarrnative::array {
namespace {

NDArray subview(const NDArray& a, const Shape& start, const Shape& shape) {
  int64_t off = a.byte_offset();
  for (size_t d = 0; d < start.size(); ++d) off += start[d] * a.strides()[d];
  return NDArray(a.buffer(), a.dtype(), shape, a.strides(), off, a.readonly());
}

}  // namespace

bool equals_fill(const NDArray& chunk, ByteView fill) {
  const DType& t = chunk.dtype();
  const int64_t isz = t.itemsize();
  // Strings and bytes: the fill value is the text itself (of any length),
  // and each item is compared with it; a v2 null fill is "" (zarr-python).
  const bool vlen = t.is_vlen();
  const std::string_view fill_text(reinterpret_cast<const char*>(fill.data()), fill.size());
  std::vector<uint8_t> f(static_cast<size_t>(isz), 0);  // the fill item, in the chunk's byte order
  if (!vlen) std::memcpy(f.data(), fill.data(), std::min(fill.size(), f.size()));
  // Items compare as bytes (so -0.0 is not 0.0), except that any NaN equals
  // a NaN fill value (common/dtype.h, same_as_fill).
  const bool nan_fill = !vlen && has_nan(f.data(), t);
  const bool plain = !vlen && !nan_fill;
  auto same = [&](const uint8_t* e) {
    if (vlen) {
      VlenItem item;
      std::memcpy(&item, e, sizeof item);
      return item.view() == fill_text;
    }
    return same_as_fill(e, f.data(), t);
  };
  if (chunk.size() == 0) return true;
  // Walks the elements where they lie (any strides), stopping at the first
  // that differs: real data usually differs at once, so nothing is copied.
  const int n = static_cast<int>(chunk.ndim());
  const uint8_t* base = static_cast<const uint8_t*>(chunk.data());
  if (n == 0) return same(base);
  const Shape& shape = chunk.shape();
  const Shape& strides = chunk.strides();
  Shape idx(n, 0);
  const int64_t per_run = std::max<int64_t>(1, 4096 / isz);
  std::vector<uint8_t> run;
  if (plain) {
    run.resize(static_cast<size_t>(per_run * isz));
    for (int64_t i = 0; i < per_run; ++i) std::memcpy(run.data() + i * isz, f.data(), static_cast<size_t>(isz));
  }
  const int64_t inner = shape[n - 1], step = strides[n - 1];
  while (true) {
    int64_t off = 0;
    for (int d = 0; d + 1 < n; ++d) off += idx[d] * strides[d];
    const uint8_t* p = base + off;
    if (plain && step == isz) {  // a contiguous row: compared with a run of fill elements
      for (int64_t i = 0; i < inner; i += per_run) {
        const int64_t k = std::min(per_run, inner - i);
        if (std::memcmp(p + i * isz, run.data(), static_cast<size_t>(k * isz)) != 0) return false;
      }
    } else {
      for (int64_t i = 0; i < inner; ++i) {
        if (!same(p + i * step)) return false;
      }
    }
    int d = n - 2;
    for (; d >= 0; --d) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
    if (d < 0) return true;
  }
}

void Array::store_chunk(const Shape& coords, const NDArray& chunk, const ArrayOptions& options) {
  const std::string key = chunk_key(coords);
  // (A shard checks each inner chunk itself: one that is all fill writes nothing.)
  if (!sharding_ && !options.write_empty_chunks && equals_fill(chunk, pipeline_->spec().fill_value)) {
    store_->erase(key);
    return;
  }
  if (sharding_) {
    // The shard streams into the store's writer as its inner chunks are
    // encoded; the writer opens with the first bytes, so an empty shard
    // (every inner chunk the fill value, left out) writes nothing. With
    // write_empty_chunks every inner chunk is stored, as zarr-python does.
    codec::CodecOptions codec_options = options.codec;
    codec_options.write_empty_chunks = options.write_empty_chunks;
    std::unique_ptr<store::StoreWriter> writer;
    bool any = sharding_->encode_shard_to(chunk, [&](std::span<const ByteView> pieces) {
      if (!writer) writer = store_->open_writer(key);
      writer->append(pieces);
    }, codec_options);
    if (any) {
      writer->commit();
    } else {
      store_->erase(key);
    }
    return;
  }
  ByteBuffer encoded;
  pipeline_->encode(chunk, encoded, options.codec);
  store_->set(key, encoded.view());
}

void Array::write_task(const ChunkTask& task, const NDArray& value, const ArrayOptions& options) {
  const int n = static_cast<int>(task.coords.size());
  const Shape& cs = meta_.chunk_shape;
  bool whole_chunk_in_bounds = task.covers_chunk;
  for (int d = 0; d < n && whole_chunk_in_bounds; ++d) whole_chunk_in_bounds = task.dims[d]->count == cs[d];
  if (whole_chunk_in_bounds) {  // encode straight from the caller's values
    Shape start(n), counts(n);
    for (int d = 0; d < n; ++d) {
      start[d] = task.dims[d]->out_start;
      counts[d] = cs[d];
    }
    store_chunk(task.coords, subview(value, start, counts), options);
    return;
  }
  NDArray chunk = NDArray::empty(meta_.dtype, cs);
  if (task.covers_chunk) {
    codec::fill_chunk(chunk, pipeline_->spec());  // an edge chunk: beyond the array is fill
  } else {
    load_chunk(task.coords, chunk, options);      // read, merge, rewrite
  }
  copy_task(task, chunk, value, /*to_selection=*/false);
  store_chunk(task.coords, chunk, options);
}

void Array::write(const OrthogonalSelection& sel, const NDArray& value, const ArrayOptions& options) {
  const auto pinned = store_->pin();  // the store's shared state, held for this request
  check(!store_->read_only(), ErrorCode::kInvalidArgument,
        [&] { return "cannot write to array '" + path_ + "': " + store_->describe() + " is read-only"; });
  ChunkPlan plan = plan_orthogonal(sel, meta_.shape, meta_.chunk_shape);
  check(host_accessible(value.kind()), ErrorCode::kInvalidArgument, "write: values must be in host memory");
  check(value.shape() == plan.out_shape, ErrorCode::kInvalidArgument,
        "write: the values' shape differs from the selection's");
  NDArray v = value;
  if (value.dtype() != meta_.dtype) {  // the same type in the other byte order: convert once
    check(value.dtype().kind() == meta_.dtype.kind() && value.itemsize() == meta_.dtype.itemsize(),
          ErrorCode::kTypeError, [&] {
            return "write: dtype " + value.dtype().typestr() + " differs from the array's " + meta_.dtype.typestr();
          });
    NDArray swapped = NDArray::empty(meta_.dtype, value.shape());
    NDArray raw = value.to(BufferKind::kHost, 0, true);
    uint8_t* p = static_cast<uint8_t*>(raw.data());
    swap_elements(p, static_cast<size_t>(raw.nbytes()), raw.dtype());
    swapped.copy_from(raw.with_dtype(meta_.dtype));
    v = swapped;
  }
  // Chunks that share a folder (a filesystem store's directory) run on one
  // thread, one after another: files made in one directory by two threads at
  // once wait on that directory's lock, so the pool takes whole folders.
  const std::vector<std::pair<size_t, size_t>> runs = folder_runs(plan.tasks);
  // The lowest failing chunk's error, naming it: runs hold ascending chunks,
  // so it is the first failure of the lowest failing run. A run goes on past
  // a failed chunk: every chunk is still tried.
  auto failed = parallel_for_first_error(ThreadPool::global(), runs.size(), [&](size_t r) {
    std::optional<Error> first;
    for (size_t i = runs[r].first; i < runs[r].second; ++i) {
      try {
        write_task(plan.tasks[i], v, options);
      } catch (const Error& e) {
        if (!first) first.emplace(e.code(), "chunk '" + chunk_key(plan.tasks[i].coords) + "': " + e.what());
      }
    }
    if (first) throw *first;
  });
  if (failed) throw Error(failed->code, failed->message);
}

std::vector<std::pair<size_t, size_t>> Array::folder_runs(const std::vector<ChunkTask>& tasks) const {
  std::vector<std::pair<size_t, size_t>> runs;
  std::string prev;
  for (size_t i = 0; i < tasks.size(); ++i) {
    std::string key = chunk_key(tasks[i].coords);
    size_t slash = key.rfind('/');
    std::string folder = slash == std::string::npos ? std::string() : key.substr(0, slash);
    if (i == 0 || folder != prev) runs.emplace_back(i, i);
    runs.back().second = i + 1;
    prev = std::move(folder);
  }
  // Too few folders to keep every thread busy: one chunk per item instead.
  const size_t enough = 2 * static_cast<size_t>(ThreadPool::global().threads());
  if (runs.size() < enough && tasks.size() > runs.size()) {
    runs.clear();
    for (size_t i = 0; i < tasks.size(); ++i) runs.emplace_back(i, i + 1);
  }
  return runs;
}

void Array::write_points(const std::vector<std::vector<int64_t>>& points, const NDArray& value,
                         const ArrayOptions& options) {
  const auto pinned = store_->pin();  // the store's shared state, held for this request
  check(!store_->read_only(), ErrorCode::kInvalidArgument,
        [&] { return "cannot write to array '" + path_ + "': " + store_->describe() + " is read-only"; });
  std::vector<PointGroup> groups = plan_points(points, meta_.shape, meta_.chunk_shape);
  const int64_t count = points.empty() ? 0 : static_cast<int64_t>(points[0].size());
  check(value.shape() == Shape{count} && value.dtype() == meta_.dtype, ErrorCode::kInvalidArgument,
        "write_points: values must be 1-d of the array's dtype, one per point");
  const size_t n = meta_.shape.size();
  const int64_t isz = value.itemsize();
  // The lowest failing group's error (every group still runs).
  auto failed = parallel_for_first_error(ThreadPool::global(), groups.size(), [&](size_t i) {
    const PointGroup& g = groups[i];
    NDArray chunk = NDArray::empty(meta_.dtype, meta_.chunk_shape);
    load_chunk(g.coords, chunk, options);
    for (size_t k = 0; k < g.out.size(); ++k) {
      int64_t off = 0;
      for (size_t d = 0; d < n; ++d) off += g.local[k * n + d] * chunk.strides()[d];
      std::memcpy(static_cast<char*>(chunk.data()) + off,
                  static_cast<const char*>(value.data()) + g.out[k] * value.strides()[0], static_cast<size_t>(isz));
    }
    store_chunk(g.coords, chunk, options);
  });
  if (failed) throw Error(failed->code, failed->message);
}

}  // namespace zarrnative::array
