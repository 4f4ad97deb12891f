// Gzip's CRC32 and zlib's Adler-32 of decoded chunks on the device: one
// thread per segment, then one thread per chunk combining its segments
// (the arithmetic is in zarrnative/gpu/checksum_math.h, tested on the host).
#include "gpu/cuda/kernels.h"
#include "zarrnative/gpu/checksum_math.h"

namespace zarrnative::gpu::kernels {
namespace {

constexpr int kThreads = 256;

__global__ void segment_kernel(const Segment* segments, int64_t n, uint32_t* sums) {
  __shared__ uint32_t table[256];
  if (threadIdx.x == 0) crc32_make_table(table);
  __syncthreads();
  const int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  if (i >= n) return;
  const Segment s = segments[i];
  const uint8_t* p = reinterpret_cast<const uint8_t*>(s.ptr);
  sums[i] = s.kind == kCrc32 ? crc32_bytes(table, 0, p, s.len) : adler32_bytes(1, p, s.len);
}

__global__ void combine_kernel(const CheckedChunk* chunks, int64_t n, const uint32_t* segment_sums,
                               uint32_t* chunk_sums, uint64_t segment_bytes) {
  const int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  if (i >= n) return;
  const CheckedChunk c = chunks[i];
  const uint32_t* sums = segment_sums + c.first_segment;
  if (c.nsegments == 0) {
    chunk_sums[i] = c.kind == kCrc32 ? 0u : 1u;  // the checksums of no bytes
    return;
  }
  uint32_t total = sums[0];
  if (c.kind == kCrc32) {
    const uint32_t factor = crc32_shift_factor(segment_bytes);
    for (uint32_t k = 1; k + 1 < c.nsegments; ++k) total = crc32_combine_factor(total, sums[k], factor);
    if (c.nsegments > 1) total = crc32_combine(total, sums[c.nsegments - 1], c.last_len);
  } else {
    for (uint32_t k = 1; k + 1 < c.nsegments; ++k) total = adler32_combine(total, sums[k], segment_bytes);
    if (c.nsegments > 1) total = adler32_combine(total, sums[c.nsegments - 1], c.last_len);
  }
  chunk_sums[i] = total;
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
