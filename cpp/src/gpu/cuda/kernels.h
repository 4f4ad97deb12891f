// The GPU read's kernels and their launchers. This header is included by
// .cu files (compiled as C++17 by nvcc), so it holds plain structs only:
// no zarrnative header that needs C++20. Private to cpp/src/gpu.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

namespace zarrnative::gpu::kernels {

inline constexpr int kMaxDims = 32;

// What every scatter task shares. Strides are in elements: of the output
// (C order), and of a decoded chunk in its stored layout (transposes
// applied) and in C order (chunks the CPU decoded), per array dimension.
struct ScatterParams {
  int ndim = 0;
  int itemsize = 0;   // 1, 2, 4, 8 or 16
  int swap_unit = 0;  // 0: no byte swap; else the size of each swapped unit
  int64_t out_strides[kMaxDims] = {};
  int64_t stored_strides[kMaxDims] = {};
  int64_t c_strides[kMaxDims] = {};
  uint8_t fill[16] = {};  // the fill element
};

// One chunk -> output part. `src` is the device address of the decoded
// chunk, 0 for the fill value. Its dimensions are ndim TaskDim entries
// from `first_dim`; each names `count` (local, out) coordinate pairs in
// the index tables.
struct Task {
  uint64_t src = 0;
  int64_t elements = 0;
  uint64_t first_dim = 0;
  int32_t stored_layout = 1;
  int32_t reserved = 0;
};
struct TaskDim {
  uint64_t index_offset = 0;
  uint64_t count = 0;
};

// Launches the scatter of `ntasks` tasks (each at most `max_elements`
// elements) on `stream`; returns the launch's error.
cudaError_t launch_scatter(const Task* tasks, int64_t ntasks, int64_t max_elements, const TaskDim* dims,
                           const int64_t* local_index, const int64_t* out_index, const ScatterParams& params,
                           uint8_t* out, cudaStream_t stream);

// Checksums of decoded chunks, computed per segment, then combined per chunk.
enum ChecksumKind : uint32_t { kCrc32 = 1, kAdler32 = 2 };
struct Segment {
  uint64_t ptr = 0;  // device address
  uint32_t len = 0;
  uint32_t kind = 0;
};
struct CheckedChunk {
  uint64_t first_segment = 0;
  uint32_t nsegments = 0;
  uint32_t kind = 0;
  uint64_t last_len = 0;  // bytes of the last segment (the others: segment_bytes)
};

cudaError_t launch_checksums(const Segment* segments, int64_t nsegments, uint32_t* segment_sums,
                             const CheckedChunk* chunks, int64_t nchunks, uint32_t* chunk_sums,
                             uint64_t segment_bytes, cudaStream_t stream);

}  // namespace zarrnative::gpu::kernels
