// zarrnative: the CUDA runtime, as the core uses it.
//
// These functions exist in every build. Where zarrnative was compiled without
// CUDA (no nvcc found), or runs on a machine without a driver or a GPU, they
// report it: compiled() is false, device_count() is 0 with the reason, and
// anything that needs a device throws Error(kDeviceUnavailable) saying why.
// The CUDA runtime is linked statically, so the library loads on any machine.
//
// Stream handles follow the DLPack / __cuda_array_interface__ convention:
// 0 means "none", 1 the legacy default stream, 2 the per-thread default
// stream, any other value a cudaStream_t.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace zarrnative::cuda {

// True when this build contains CUDA code.
bool compiled();

// The number of usable CUDA devices; 0 when there is no driver or no device,
// with the reason stored in `*why` (when given).
int device_count(std::string* why = nullptr);

// CUDA runtime version this build links (e.g. 13000), 0 without CUDA.
int runtime_version();
// Driver version, 0 without a driver.
int driver_version();

// Throws Error(kDeviceUnavailable) naming the cause unless `device` is usable.
void require_device(int device);

void* allocate_device(size_t nbytes, int device);
void free_device(void* ptr, int device) noexcept;
void* allocate_pinned(size_t nbytes);
void free_pinned(void* ptr) noexcept;

// Where an external pointer lives, for memory handed over through
// __cuda_array_interface__: kDevice (also managed memory) or kPinned, and the
// device that owns it. Throws kDeviceUnavailable without CUDA.
enum class PointerKind { kDevice, kPinned, kHost };
PointerKind pointer_kind(const void* ptr, int* device);

// Synchronous copy of `nbytes` between any two addresses CUDA knows
// (cudaMemcpyDefault: host, pinned or device, with unified addressing).
void copy(void* dst, const void* src, size_t nbytes, int device);

// Blocks until `stream` (0: nothing to wait for) has finished its work.
void synchronize_stream(uintptr_t stream, int device);

// Makes `consumer` wait for the work queued so far on `producer` without
// blocking the host (an event recorded on one, waited on by the other).
void stream_wait(uintptr_t consumer, uintptr_t producer, int device);

// Strided n-d copy between two device-accessible areas on `device`, done by a
// kernel on the legacy default stream and waited for. Strides in bytes.
void strided_copy_device(void* dst, const int64_t* dst_strides, const void* src,
                         const int64_t* src_strides, const int64_t* shape, int ndim,
                         int64_t itemsize, int device);

}  // namespace zarrnative::cuda
