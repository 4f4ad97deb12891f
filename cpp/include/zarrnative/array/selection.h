// zarrnative: selections resolved against a regular chunk grid.
//
// Every indexing mode of the Python API reduces to one of two forms, built
// once per call by the Python layer and resolved here:
//   - an orthogonal selection: per dimension either a slice (start, stop,
//     positive step) or a list of indices (any order, repeats allowed). Basic
//     indexing (ints, slices, Ellipsis), oindex and block selection are all
//     orthogonal; integers are one-element slices whose axis Python drops.
//   - a coordinate selection (vindex, mask): n points, one index per
//     dimension each; the result is 1-d of length n.
//
// plan_orthogonal() splits a selection into per-chunk work: for each chunk
// touched, where its selected elements come from (chunk-local) and where
// they go (selection-local). Nothing here reads data.
//
//   OrthogonalSelection sel{DimSelection::slice(0, 100, 1), DimSelection::list({5, 2, 7})};
//   auto plan = plan_orthogonal(sel, /*shape=*/{100, 10}, /*chunks=*/{32, 4});
//   for (const ChunkTask& t : plan.tasks) { ... t.coords, t.dims[d] ... }
#pragma once

#include <cstdint>
#include <vector>

#include "zarrnative/ndarray/ndarray.h"

namespace zarrnative::array {

struct DimSelection {
  enum class Kind { kSlice, kIndices };
  Kind kind = Kind::kSlice;
  int64_t start = 0, stop = 0, step = 1;  // kSlice: 0 <= start, step >= 1
  std::vector<int64_t> indices;           // kIndices: each in [0, extent)

  static DimSelection slice(int64_t start, int64_t stop, int64_t step) {
    return {Kind::kSlice, start, stop, step, {}};
  }
  static DimSelection list(std::vector<int64_t> idx) { return {Kind::kIndices, 0, 0, 1, std::move(idx)}; }
  // Number of selected positions along this dimension.
  int64_t count() const;
};

using OrthogonalSelection = std::vector<DimSelection>;

// The part of one dimension's selection that falls in one chunk.
struct DimPart {
  int64_t chunk = 0;  // chunk coordinate along the dimension
  // A strided run (the selection was a slice): chunk-local start and step,
  // selection-local start (consecutive), count.
  bool is_run = true;
  int64_t local_start = 0, local_step = 1, out_start = 0, count = 0;
  // Otherwise, pairs of chunk-local and selection-local positions.
  std::vector<int64_t> local, out;

  int64_t size() const { return is_run ? count : static_cast<int64_t>(local.size()); }
};

struct ChunkTask {
  Shape coords;                 // the chunk's grid coordinates
  std::vector<const DimPart*> dims;  // one part per dimension (owned by the plan)
  // True when the task selects every in-bounds element of the chunk, in
  // order, as one contiguous run per dimension.
  bool covers_chunk = false;
};

struct ChunkPlan {
  std::vector<std::vector<DimPart>> parts;  // per dimension
  std::vector<ChunkTask> tasks;
  Shape out_shape;  // count() per dimension
};

// Validates `sel` against `shape` (kOutOfRange for indices outside, or a
// selection of the wrong rank) and splits it by the chunk grid `chunks`.
ChunkPlan plan_orthogonal(const OrthogonalSelection& sel, const Shape& shape, const Shape& chunks);

// Points of a coordinate selection grouped by chunk: for each chunk, the
// chunk-local coordinates and output positions of its points.
struct PointGroup {
  Shape coords;
  std::vector<int64_t> local;  // n x ndim, chunk-local
  std::vector<int64_t> out;    // n output positions
};
// `points` holds ndim vectors of equal length n.
std::vector<PointGroup> plan_points(const std::vector<std::vector<int64_t>>& points, const Shape& shape,
                                    const Shape& chunks);

// Copies between a chunk-shaped array and a selection-shaped array along a
// task's parts: to_selection copies chunk -> selection, otherwise the
// reverse (for writes). Both arrays are host memory of the same dtype.
void copy_task(const ChunkTask& task, const NDArray& chunk, const NDArray& selection, bool to_selection);
// Writes the one element `element` (itemsize bytes) to every position of
// `selection` that the task covers.
void fill_task(const ChunkTask& task, const NDArray& selection, const uint8_t* element);

}  // namespace zarrnative::array
