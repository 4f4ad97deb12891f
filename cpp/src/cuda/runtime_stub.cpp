// The CUDA runtime wrapper of a build without CUDA: every device request
// says plainly that this build has no CUDA support.
#include <string>

#include "zarrnative/common/error.h"
#include "zarrnative/cuda/runtime.h"

namespace zarrnative::cuda {
namespace {
constexpr const char* kNoCuda =
    "zarrnative was built without CUDA (no nvcc was found at build time); rebuild with a CUDA toolkit "
    "to use GPU memory";
[[noreturn]] void unavailable() { throw Error(ErrorCode::kDeviceUnavailable, kNoCuda); }
}  // namespace

bool compiled() { return false; }
int device_count(std::string* why) {
  if (why) *why = kNoCuda;
  return 0;
}
int runtime_version() { return 0; }
int driver_version() { return 0; }
void require_device(int) { unavailable(); }
void* allocate_device(size_t, int) { unavailable(); }
void free_device(void*, int) noexcept {}
void* allocate_pinned(size_t) { unavailable(); }
void free_pinned(void*) noexcept {}
PointerKind pointer_kind(const void*, int*) { unavailable(); }
void copy(void*, const void*, size_t, int) { unavailable(); }
void synchronize_stream(uintptr_t stream, int) {
  if (stream != 0) unavailable();
}
void stream_wait(uintptr_t, uintptr_t, int) { unavailable(); }
void strided_copy_device(void*, const int64_t*, const void*, const int64_t*, const int64_t*, int, int64_t, int) {
  unavailable();
}

}  // namespace zarrnative::cuda
