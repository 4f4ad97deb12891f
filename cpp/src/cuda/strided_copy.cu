// Strided n-d copy between two areas of one device: each thread moves one
// element, turning its linear (C-order) index into byte offsets in both
// arrays. Used to compact or scatter device views whose strides differ.
#include <cuda_runtime.h>

#include <string>

#include "zarrnative/common/error.h"
#include "zarrnative/cuda/runtime.h"

namespace zarrnative::cuda {
namespace {

constexpr int kMaxKernelDims = 32;

struct Layout {
  int ndim;
  int64_t shape[kMaxKernelDims];
  int64_t dst[kMaxKernelDims];
  int64_t src[kMaxKernelDims];
};

template <typename T>
__global__ void strided_copy_kernel(char* dst, const char* src, Layout layout, int64_t total) {
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < total;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    int64_t rest = i, d = 0, s = 0;
    for (int k = layout.ndim - 1; k >= 0; --k) {
      int64_t idx = rest % layout.shape[k];
      rest /= layout.shape[k];
      d += idx * layout.dst[k];
      s += idx * layout.src[k];
    }
    *reinterpret_cast<T*>(dst + d) = *reinterpret_cast<const T*>(src + s);
  }
}

struct alignas(16) Item16 { uint64_t a, b; };

}  // namespace

void strided_copy_device(void* dst, const int64_t* dst_strides, const void* src, const int64_t* src_strides,
                         const int64_t* shape, int ndim, int64_t itemsize, int device) {
  Layout layout{};
  int64_t total = 1;
  int n = 0;
  for (int i = 0; i < ndim; ++i) {
    total *= shape[i];
    if (shape[i] == 1) continue;  // unit dimensions move nothing
    if (n == kMaxKernelDims) {
      throw Error(ErrorCode::kInvalidArgument, "device strided copy supports at most 32 non-unit dimensions");
    }
    layout.shape[n] = shape[i];
    layout.dst[n] = dst_strides[i];
    layout.src[n] = src_strides[i];
    ++n;
  }
  layout.ndim = n;
  if (total == 0) return;
  int previous = 0;
  cudaGetDevice(&previous);
  cudaSetDevice(device);
  const int threads = 256;
  const int64_t want = (total + threads - 1) / threads;
  const int blocks = static_cast<int>(want < 65535 ? want : 65535);
  char* d = static_cast<char*>(dst);
  const char* s = static_cast<const char*>(src);
  switch (itemsize) {
    case 1: strided_copy_kernel<uint8_t><<<blocks, threads>>>(d, s, layout, total); break;
    case 2: strided_copy_kernel<uint16_t><<<blocks, threads>>>(d, s, layout, total); break;
    case 4: strided_copy_kernel<uint32_t><<<blocks, threads>>>(d, s, layout, total); break;
    case 8: strided_copy_kernel<uint64_t><<<blocks, threads>>>(d, s, layout, total); break;
    case 16: strided_copy_kernel<Item16><<<blocks, threads>>>(d, s, layout, total); break;
    default:
      cudaSetDevice(previous);
      throw Error(ErrorCode::kInvalidArgument, "device strided copy of items of " + std::to_string(itemsize) +
                                                   " bytes is not supported");
  }
  cudaError_t err = cudaGetLastError();
  if (err == cudaSuccess) err = cudaDeviceSynchronize();
  cudaSetDevice(previous);
  if (err != cudaSuccess) {
    throw Error(ErrorCode::kCudaError, std::string("strided copy kernel failed: ") + cudaGetErrorString(err));
  }
}

}  // namespace zarrnative::cuda
