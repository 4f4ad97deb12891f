// zarrnative: the scatter step of a GPU read, one element at a time.
//
// After decoding, each selected element of each chunk moves to its place in
// the C-contiguous output, its bytes swapped where the chunk was stored in
// the other byte order; missing chunks give the fill element. The CUDA
// kernel (cpp/src/gpu/cuda/scatter.cu) runs copy_element() with one thread
// per element; the host tests run the very same function over the same
// tables (read_plan.h: scatter_tables, scatter_on_host), so the arithmetic
// the device runs is checked on the CPU against the CPU read.
//
// C++17, no zarrnative header: nvcc compiles this in .cu files.
#pragma once

#include <cstdint>

#if defined(__CUDACC__)
#define ZN_SCATTER_HD __host__ __device__
#else
#define ZN_SCATTER_HD
#endif

namespace zarrnative::gpu::scatter {

inline constexpr int kMaxDims = 32;

// What every task shares. Strides are in elements: of the output (C order),
// and of a decoded chunk in its stored layout (transposes applied) and in C
// order (chunks the CPU decoded), per array dimension.
struct Params {
  int ndim = 0;
  int itemsize = 0;   // 1, 2, 4, 8 or 16
  int swap_unit = 0;  // 0: no byte swap; else the size of each swapped unit
  int64_t out_strides[kMaxDims] = {};
  int64_t stored_strides[kMaxDims] = {};
  int64_t c_strides[kMaxDims] = {};
  uint8_t fill[16] = {};  // the fill element
};

// One chunk -> output part. `src` is the address of the decoded chunk, 0
// for the fill value. Its dimensions are ndim TaskDim entries from
// `first_dim`; each names `count` (local, out) coordinate pairs at
// `index_offset` in the index tables. `out_offset` (elements) is where its
// selection starts in the output: a batch of selections is one output.
// A points task (coordinate selections) pairs its tables instead of
// crossing them: element e is the point at local coordinates
// (local_index[dim d's offset + e] for each d), written to output position
// out_offset + out_index[dim 0's offset + e].
struct Task {
  uint64_t src = 0;
  int64_t elements = 0;
  uint64_t first_dim = 0;
  int64_t out_offset = 0;
  int32_t stored_layout = 1;
  int32_t points = 0;
};
struct TaskDim {
  uint64_t index_offset = 0;
  uint64_t count = 0;
};

// Moves element `e` (0 <= e < task.elements, C order over the task's
// counts) of `task` into `out`.
template <int kItem>
ZN_SCATTER_HD inline void copy_element(const Task& task, const TaskDim* dims, const int64_t* local_index,
                                       const int64_t* out_index, const Params& p, int64_t e, uint8_t* out) {
  const TaskDim* td = dims + task.first_dim;
  const int64_t* strides = task.stored_layout ? p.stored_strides : p.c_strides;
  int64_t s = 0, o = task.out_offset;
  if (task.points) {
    for (int d = 0; d < p.ndim; ++d) s += local_index[td[d].index_offset + e] * strides[d];
    o += out_index[td[0].index_offset + e];
  } else {
    int64_t rest = e;
    for (int d = p.ndim - 1; d >= 0; --d) {
      const int64_t count = static_cast<int64_t>(td[d].count);
      const int64_t k = rest % count;
      rest /= count;
      s += local_index[td[d].index_offset + k] * strides[d];
      o += out_index[td[d].index_offset + k] * p.out_strides[d];
    }
  }
  uint8_t item[kItem];
  if (task.src == 0) {
    for (int b = 0; b < kItem; ++b) item[b] = p.fill[b];
  } else {
    const uint8_t* from = reinterpret_cast<const uint8_t*>(task.src) + s * kItem;
    for (int b = 0; b < kItem; ++b) item[b] = from[b];
    const int swap = task.stored_layout ? p.swap_unit : 0;
    if (swap > 1) {
      for (int u = 0; u < kItem; u += swap) {
        for (int i = 0, j = swap - 1; i < j; ++i, --j) {
          const uint8_t t = item[u + i];
          item[u + i] = item[u + j];
          item[u + j] = t;
        }
      }
    }
  }
  uint8_t* dst = out + o * kItem;
  for (int b = 0; b < kItem; ++b) dst[b] = item[b];
}

}  // namespace zarrnative::gpu::scatter
