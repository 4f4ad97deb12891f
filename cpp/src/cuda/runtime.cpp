// The CUDA runtime wrapper, compiled where a CUDA toolkit is found. The
// runtime is linked statically (CUDA::cudart_static): it loads the driver
// (libcuda) lazily, so on a machine without one every call below returns an
// error code that we turn into a clear kDeviceUnavailable.
#include "zarrnative/cuda/runtime.h"

#include <cuda_runtime.h>

#include <string>

#include "cuda/cuda_util.h"
#include "zarrnative/common/error.h"

namespace zarrnative::cuda {

using detail::DeviceScope;
using detail::fail;
using detail::ok;
using detail::to_stream;

bool compiled() { return true; }

int device_count(std::string* why) {
  int n = 0;
  cudaError_t err = cudaGetDeviceCount(&n);
  if (err != cudaSuccess) {
    cudaGetLastError();
    if (why) *why = std::string(cudaGetErrorName(err)) + ": " + cudaGetErrorString(err);
    return 0;
  }
  if (n == 0 && why) *why = "no CUDA device found";
  return n;
}

int runtime_version() {
  int v = 0;
  return cudaRuntimeGetVersion(&v) == cudaSuccess ? v : 0;
}

int driver_version() {
  int v = 0;
  return cudaDriverGetVersion(&v) == cudaSuccess ? v : 0;
}

void require_device(int device) {
  std::string why;
  int n = device_count(&why);
  if (n == 0) throw Error(ErrorCode::kDeviceUnavailable, "no CUDA device is usable: " + why);
  if (device < 0 || device >= n) {
    throw Error(ErrorCode::kDeviceUnavailable, "CUDA device " + std::to_string(device) +
                                                   " does not exist (found " + std::to_string(n) + ")");
  }
}

void* allocate_device(size_t nbytes, int device) {
  require_device(device);
  DeviceScope scope(device);
  void* p = nullptr;
  ok(cudaMalloc(&p, nbytes), ("cudaMalloc of " + std::to_string(nbytes) + " bytes").c_str());
  return p;
}

void free_device(void* ptr, int device) noexcept {
  int previous = 0;
  cudaGetDevice(&previous);
  cudaSetDevice(device);
  cudaFree(ptr);
  cudaSetDevice(previous);
}

void* allocate_pinned(size_t nbytes) {
  require_device(0);
  void* p = nullptr;
  ok(cudaMallocHost(&p, nbytes), ("cudaMallocHost of " + std::to_string(nbytes) + " bytes").c_str());
  return p;
}

void free_pinned(void* ptr) noexcept { cudaFreeHost(ptr); }

PointerKind pointer_kind(const void* ptr, int* device) {
  if (device) *device = 0;
  std::string why;
  if (device_count(&why) == 0) throw Error(ErrorCode::kDeviceUnavailable, "no CUDA device is usable: " + why);
  cudaPointerAttributes attr{};
  cudaError_t err = cudaPointerGetAttributes(&attr, ptr);
  if (err != cudaSuccess) {
    cudaGetLastError();
    return PointerKind::kHost;
  }
  if (device && attr.device >= 0) *device = attr.device;
  switch (attr.type) {
    case cudaMemoryTypeDevice:
    case cudaMemoryTypeManaged: return PointerKind::kDevice;
    case cudaMemoryTypeHost: return PointerKind::kPinned;
    default: return PointerKind::kHost;
  }
}

void copy(void* dst, const void* src, size_t nbytes, int device) {
  DeviceScope scope(device);
  ok(cudaMemcpy(dst, src, nbytes, cudaMemcpyDefault), "cudaMemcpy");
}

void synchronize_stream(uintptr_t stream, int device) {
  if (stream == 0) return;
  DeviceScope scope(device);
  ok(cudaStreamSynchronize(to_stream(stream)), "cudaStreamSynchronize");
}

void stream_wait(uintptr_t consumer, uintptr_t producer, int device) {
  if (producer == 0 || consumer == producer) return;
  DeviceScope scope(device);
  cudaEvent_t event;
  ok(cudaEventCreateWithFlags(&event, cudaEventDisableTiming), "cudaEventCreate");
  cudaError_t err = cudaEventRecord(event, to_stream(producer));
  if (err == cudaSuccess) err = cudaStreamWaitEvent(to_stream(consumer), event, 0);
  cudaEventDestroy(event);  // released once the wait is satisfied
  ok(err, "cudaStreamWaitEvent");
}

}  // namespace zarrnative::cuda
