// The scatter kernel: copies the selected elements of decoded chunks into
// the output, undoing the chunk's transpose and byte order, and writes the
// fill value for missing chunks. blockIdx.y picks the task; the threads of
// the x dimension stride over its elements.
#include "gpu/cuda/kernels.h"

namespace zarrnative::gpu::kernels {
namespace {

constexpr int kThreads = 256;
constexpr int64_t kMaxBlocksX = 4096;
constexpr int64_t kMaxBlocksY = 65535;

template <int kItem>
__global__ void scatter_kernel(const Task* tasks, const TaskDim* dims, const int64_t* local_index,
                               const int64_t* out_index, const ScatterParams params, uint8_t* out) {
  const Task task = tasks[blockIdx.y];
  const TaskDim* td = dims + task.first_dim;
  const int64_t* strides = task.stored_layout ? params.stored_strides : params.c_strides;
  const int swap = task.stored_layout ? params.swap_unit : 0;
  const uint8_t* src = reinterpret_cast<const uint8_t*>(task.src);
  for (int64_t e = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; e < task.elements;
       e += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    int64_t rest = e, s = 0, o = 0;
    for (int d = params.ndim - 1; d >= 0; --d) {
      const int64_t count = static_cast<int64_t>(td[d].count);
      const int64_t k = rest % count;
      rest /= count;
      s += local_index[td[d].index_offset + k] * strides[d];
      o += out_index[td[d].index_offset + k] * params.out_strides[d];
    }
    uint8_t* dst = out + o * kItem;
    uint8_t item[kItem];
    if (src == nullptr) {
#pragma unroll
      for (int b = 0; b < kItem; ++b) item[b] = params.fill[b];
    } else {
      const uint8_t* from = src + s * kItem;
#pragma unroll
      for (int b = 0; b < kItem; ++b) item[b] = from[b];
      if (swap) {
        for (int u = 0; u < kItem; u += swap) {
          for (int i = 0, j = swap - 1; i < j; ++i, --j) {
            const uint8_t t = item[u + i];
            item[u + i] = item[u + j];
            item[u + j] = t;
          }
        }
      }
    }
#pragma unroll
    for (int b = 0; b < kItem; ++b) dst[b] = item[b];
  }
}

template <int kItem>
cudaError_t launch(const Task* tasks, int64_t ntasks, int64_t max_elements, const TaskDim* dims,
                   const int64_t* local_index, const int64_t* out_index, const ScatterParams& params, uint8_t* out,
                   cudaStream_t stream) {
  int64_t bx = (max_elements + kThreads - 1) / kThreads;
  if (bx > kMaxBlocksX) bx = kMaxBlocksX;
  if (bx < 1) bx = 1;
  for (int64_t first = 0; first < ntasks; first += kMaxBlocksY) {
    const int64_t n = ntasks - first < kMaxBlocksY ? ntasks - first : kMaxBlocksY;
    dim3 grid(static_cast<unsigned>(bx), static_cast<unsigned>(n));
    scatter_kernel<kItem><<<grid, kThreads, 0, stream>>>(tasks + first, dims, local_index, out_index, params, out);
    cudaError_t err = cudaGetLastError();
    if (err != cudaSuccess) return err;
  }
  return cudaSuccess;
}

}  // namespace

cudaError_t launch_scatter(const Task* tasks, int64_t ntasks, int64_t max_elements, const TaskDim* dims,
                           const int64_t* local_index, const int64_t* out_index, const ScatterParams& params,
                           uint8_t* out, cudaStream_t stream) {
  if (ntasks == 0) return cudaSuccess;
  switch (params.itemsize) {
    case 1: return launch<1>(tasks, ntasks, max_elements, dims, local_index, out_index, params, out, stream);
    case 2: return launch<2>(tasks, ntasks, max_elements, dims, local_index, out_index, params, out, stream);
    case 4: return launch<4>(tasks, ntasks, max_elements, dims, local_index, out_index, params, out, stream);
    case 8: return launch<8>(tasks, ntasks, max_elements, dims, local_index, out_index, params, out, stream);
    case 16: return launch<16>(tasks, ntasks, max_elements, dims, local_index, out_index, params, out, stream);
    default: return cudaErrorInvalidValue;
  }
}

}  // namespace zarrnative::gpu::kernels
