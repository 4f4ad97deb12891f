// zarrnative: a block of memory and who owns it.
//
// A Buffer is a pointer, a size, where the memory lives (host, pinned host, or
// a CUDA device) and a shared owner that frees it — zarrnative's own
// allocation, or an external object (a numpy array, a DLPack capsule, ...)
// kept alive for as long as any NDArray views the memory.
//
//   auto host = Buffer::allocate(1 << 20);                        // 64-byte aligned
//   auto dev  = Buffer::allocate(1 << 20, BufferKind::kDevice, 0); // throws kDeviceUnavailable without a GPU
//   auto ext  = Buffer::wrap(ptr, n, BufferKind::kHost, 0, /*readonly=*/true,
//                            std::shared_ptr<void>(handle, release_handle));
//
// Buffers are shared (std::shared_ptr<Buffer>) and immutable once made; the
// bytes they hold are not. The one exception is the list of attachments:
// objects the buffer keeps alive because its bytes point into them (the byte
// heaps of a string array's VlenItems).
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace zarrnative {

enum class BufferKind : uint8_t {
  kHost,    // pageable host memory; CUDA cannot address it
  kPinned,  // page-locked host memory, addressable by CUDA devices
  kDevice,  // CUDA device memory
};

// "host", "pinned", "device".
const char* to_string(BufferKind kind);

// True when the CPU may dereference memory of this kind.
inline bool host_accessible(BufferKind kind) { return kind != BufferKind::kDevice; }

class Buffer {
 public:
  // Allocates `nbytes` (at least one alignment unit, so data() is never null)
  // of the given kind; host memory is 64-byte aligned, uninitialised.
  static std::shared_ptr<Buffer> allocate(size_t nbytes, BufferKind kind = BufferKind::kHost,
                                          int device = 0);

  // Views memory that something else owns; `owner` is destroyed when the last
  // reference to the Buffer goes (it may be null for static memory).
  static std::shared_ptr<Buffer> wrap(void* data, size_t size, BufferKind kind, int device,
                                      bool readonly, std::shared_ptr<void> owner);

  void* data() const { return data_; }
  size_t size() const { return size_; }
  BufferKind kind() const { return kind_; }
  int device() const { return device_; }
  bool readonly() const { return readonly_; }

  // Keeps `keepalive` alive for as long as this buffer lives. Thread-safe:
  // decoders writing disjoint parts of one destination attach their heaps
  // concurrently. Attachments only accumulate (decoding into the same
  // buffer again keeps the old heaps too); a null pointer is ignored.
  void attach(std::shared_ptr<void> keepalive) const;
  // A snapshot of the attachments (so that a copy of a string array can keep
  // the heaps its items point into).
  std::vector<std::shared_ptr<void>> attachments() const;

 private:
  Buffer(void* data, size_t size, BufferKind kind, int device, bool readonly,
         std::shared_ptr<void> owner)
      : data_(data), size_(size), kind_(kind), device_(device), readonly_(readonly),
        owner_(std::move(owner)) {}

  void* data_;
  size_t size_;
  BufferKind kind_;
  int device_;
  bool readonly_;
  std::shared_ptr<void> owner_;  // frees or releases the memory
  mutable std::mutex attach_mutex_;
  mutable std::vector<std::shared_ptr<void>> attachments_;
};

}  // namespace zarrnative
