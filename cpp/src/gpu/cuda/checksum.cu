// Gzip's CRC32 and zlib's Adler-32 of decoded chunks on the device: one
// thread per segment, then one thread per chunk combining its segments, with
// the functions of zarrnative/gpu/checksum_math.h that the host tests run.
#include "gpu/cuda/kernels.h"

namespace zarrnative::gpu::kernels {
namespace {

constexpr int kThreads = 256;

__global__ void segment_kernel(const Segment* segments, int64_t n, uint32_t* sums) {
  __shared__ uint32_t table[256];
  if (threadIdx.x == 0) crc32_make_table(table);
  __syncthreads();
  const int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  if (i < n) sums[i] = segment_sum(segments[i], table);
}

__global__ void combine_kernel(const CheckedChunk* chunks, int64_t n, const uint32_t* segment_sums,
                               uint32_t* chunk_sums, uint64_t segment_bytes) {
  const int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  if (i < n) chunk_sums[i] = combine_segments(chunks[i], segment_sums, segment_bytes);
}

}  // namespace

cudaError_t launch_checksums(const Segment* segments, int64_t nsegments, uint32_t* segment_sums,
                             const CheckedChunk* chunks, int64_t nchunks, uint32_t* chunk_sums,
                             uint64_t segment_bytes, cudaStream_t stream) {
  if (nchunks == 0) return cudaSuccess;
  if (nsegments > 0) {
    const int64_t blocks = (nsegments + kThreads - 1) / kThreads;
    segment_kernel<<<static_cast<unsigned>(blocks), kThreads, 0, stream>>>(segments, nsegments, segment_sums);
    cudaError_t err = cudaGetLastError();
    if (err != cudaSuccess) return err;
  }
  const int64_t blocks = (nchunks + kThreads - 1) / kThreads;
  combine_kernel<<<static_cast<unsigned>(blocks), kThreads, 0, stream>>>(chunks, nchunks, segment_sums, chunk_sums,
                                                                       segment_bytes);
  return cudaGetLastError();
}

}  // namespace zarrnative::gpu::kernels
