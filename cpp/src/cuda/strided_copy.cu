// Strided n-d copy between two areas of one device: each thread moves one
// element, turning its linear (C-order) index into byte offsets in both
// arrays. Used to compact or scatter device views whose strides differ.
#include <cuda_runtime.h>

#include <cstdint>
#include <string>

#include "cuda/cuda_util.h"
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

// Moved as two 8-byte words: alignas(16) would have the compiler emit
// 16-byte loads, which fault on a complex128 view that is 8-byte aligned.
struct Item16 {
  uint64_t a, b;
};

// The widest unit (1 to 16 bytes, dividing the item size) that every address
// the copy touches is aligned to: the two base addresses and every stride.
int64_t copy_unit(const void* dst, const void* src, const Layout& layout, int64_t itemsize) {
  uint64_t bits = static_cast<uint64_t>(itemsize) | reinterpret_cast<uintptr_t>(dst) |
                  reinterpret_cast<uintptr_t>(src);
  for (int k = 0; k < layout.ndim; ++k) {
    bits |= static_cast<uint64_t>(layout.dst[k]) | static_cast<uint64_t>(layout.src[k]);
  }
  int64_t unit = 16;
  while (unit > 1 && (bits & static_cast<uint64_t>(unit - 1)) != 0) unit /= 2;
  return unit;
}

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
  if (itemsize != 1 && itemsize != 2 && itemsize != 4 && itemsize != 8 && itemsize != 16) {
    throw Error(ErrorCode::kInvalidArgument, "device strided copy of items of " + std::to_string(itemsize) +
                                                 " bytes is not supported");
  }
  // Items whose addresses are not aligned to their size (views from the CUDA
  // array interface may be) move in narrower units: one more dimension.
  const int64_t unit = copy_unit(dst, src, layout, itemsize);
  if (unit < itemsize) {
    if (layout.ndim == kMaxKernelDims) {
      throw Error(ErrorCode::kInvalidArgument, "device strided copy supports at most 31 non-unit dimensions "
                                               "for items not aligned to their size");
    }
    layout.shape[layout.ndim] = itemsize / unit;
    layout.dst[layout.ndim] = unit;
    layout.src[layout.ndim] = unit;
    ++layout.ndim;
    total *= itemsize / unit;
  }
  detail::DeviceScope scope(device);
  cudaGetLastError();  // an earlier call's error is not this launch's
  const int threads = 256;
  const int64_t want = (total + threads - 1) / threads;
  const int blocks = static_cast<int>(want < 65535 ? want : 65535);
  char* d = static_cast<char*>(dst);
  const char* s = static_cast<const char*>(src);
  switch (unit) {
    case 1: strided_copy_kernel<uint8_t><<<blocks, threads>>>(d, s, layout, total); break;
    case 2: strided_copy_kernel<uint16_t><<<blocks, threads>>>(d, s, layout, total); break;
    case 4: strided_copy_kernel<uint32_t><<<blocks, threads>>>(d, s, layout, total); break;
    case 8: strided_copy_kernel<uint64_t><<<blocks, threads>>>(d, s, layout, total); break;
    default: strided_copy_kernel<Item16><<<blocks, threads>>>(d, s, layout, total); break;
  }
  cudaError_t err = cudaGetLastError();
  if (err == cudaSuccess) err = cudaDeviceSynchronize();
  if (err != cudaSuccess) {
    cudaGetLastError();
    throw Error(ErrorCode::kCudaError, std::string("strided copy kernel failed: ") + cudaGetErrorString(err));
  }
}

}  // namespace zarrnative::cuda
