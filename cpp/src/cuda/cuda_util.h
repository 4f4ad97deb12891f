// CUDA runtime helpers shared by the core's CUDA files (the runtime wrapper
// and the GPU read's device half); compiled only where CUDA is.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <string>

#include "zarrnative/common/error.h"

namespace zarrnative::cuda::detail {

// A failed CUDA call as an Error: no driver or device is kDeviceUnavailable,
// anything else kCudaError.
[[noreturn]] inline void fail(cudaError_t err, const std::string& what) {
  const ErrorCode code = (err == cudaErrorNoDevice || err == cudaErrorInsufficientDriver ||
                          err == cudaErrorInvalidDevice || err == cudaErrorInitializationError ||
                          err == cudaErrorSystemDriverMismatch || err == cudaErrorCompatNotSupportedOnDevice)
                             ? ErrorCode::kDeviceUnavailable
                             : ErrorCode::kCudaError;
  throw Error(code, what + " failed: " + cudaGetErrorName(err) + " (" + cudaGetErrorString(err) + ")");
}

// Throws for a failed call, after clearing the runtime's last error.
inline void ok(cudaError_t err, const char* what) {
  if (err == cudaSuccess) return;
  cudaGetLastError();
  fail(err, what);
}

// Makes `device` current for the scope, restoring the previous one.
class DeviceScope {
 public:
  explicit DeviceScope(int device) {
    ok(cudaGetDevice(&previous_), "cudaGetDevice");
    if (previous_ != device) ok(cudaSetDevice(device), "cudaSetDevice");
  }
  ~DeviceScope() {
    int now = -1;
    if (cudaGetDevice(&now) == cudaSuccess && now != previous_) cudaSetDevice(previous_);
  }
  DeviceScope(const DeviceScope&) = delete;
  DeviceScope& operator=(const DeviceScope&) = delete;

 private:
  int previous_ = 0;
};

// A stream handle as the Python side passes it (the CUDA array interface's
// convention): 0 and 1 the legacy default stream, 2 the per-thread default
// stream, anything else a cudaStream_t.
inline cudaStream_t to_stream(uintptr_t handle) {
  if (handle == 0 || handle == 1) return cudaStreamLegacy;
  if (handle == 2) return cudaStreamPerThread;
  return reinterpret_cast<cudaStream_t>(handle);
}

}  // namespace zarrnative::cuda::detail
