// The scatter kernel: blockIdx.y picks the task, the threads of the x
// dimension stride over its elements, each moved by scatter::copy_element
// (zarrnative/gpu/scatter_math.h, the function the host tests run).
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
  for (int64_t e = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; e < task.elements;
       e += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    scatter::copy_element<kItem>(task, dims, local_index, out_index, params, e, out);
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
