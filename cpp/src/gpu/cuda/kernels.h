// The GPU read's kernels and their launchers. This header is included by
// .cu files (compiled as C++17 by nvcc), so it holds plain structs only:
// no zarrnative header that needs C++20. Private to cpp/src/gpu.
// The scatter tables (Task, TaskDim, ScatterParams) are scatter_math.h's.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "zarrnative/gpu/checksum_math.h"
#include "zarrnative/gpu/scatter_math.h"

namespace zarrnative::gpu::kernels {

using Task = scatter::Task;
using TaskDim = scatter::TaskDim;
using ScatterParams = scatter::Params;

// Launches the scatter of `ntasks` tasks (each at most `max_elements`
// elements) on `stream`; returns the launch's error.
cudaError_t launch_scatter(const Task* tasks, int64_t ntasks, int64_t max_elements, const TaskDim* dims,
                           const int64_t* local_index, const int64_t* out_index, const ScatterParams& params,
                           uint8_t* out, cudaStream_t stream);

// Checksums of decoded chunks, computed per segment, then combined per
// chunk (the tables are checksum_math.h's).
using Segment = gpu::Segment;
using CheckedChunk = gpu::CheckedChunk;
inline constexpr uint32_t kCrc32 = kChecksumCrc32;
inline constexpr uint32_t kAdler32 = kChecksumAdler32;

cudaError_t launch_checksums(const Segment* segments, int64_t nsegments, uint32_t* segment_sums,
                             const CheckedChunk* chunks, int64_t nchunks, uint32_t* chunk_sums,
                             uint64_t segment_bytes, cudaStream_t stream);

}  // namespace zarrnative::gpu::kernels
