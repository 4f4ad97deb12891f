#include "zarrnative/ndarray/buffer.h"

#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <new>
#include <string>

#include "zarrnative/common/big_alloc.h"
#include "zarrnative/common/error.h"
#include "zarrnative/cuda/runtime.h"

namespace zarrnative {

const char* to_string(BufferKind kind) {
  switch (kind) {
    case BufferKind::kHost: return "host";
    case BufferKind::kPinned: return "pinned";
    case BufferKind::kDevice: return "device";
  }
  return "unknown";
}

std::shared_ptr<Buffer> Buffer::allocate(size_t nbytes, BufferKind kind, int device) {
  constexpr size_t kAlign = 64;  // a cache line; also AVX-512 and nvCOMP's alignments
  size_t size = nbytes == 0 ? kAlign : (nbytes + kAlign - 1) / kAlign * kAlign;
  if (size < nbytes) throw Error(ErrorCode::kInvalidArgument, "allocation size overflows");
  std::shared_ptr<void> owner;
  switch (kind) {
    case BufferKind::kHost: {
      // Large buffers (chunk results of whole reads) are aligned to 2 MiB and
      // marked for transparent huge pages: with THP in "madvise" mode, first
      // touching 4 KiB pages costs more than decoding into them (a 32 MiB read
      // spent 19 ms in page faults against 2 ms with huge pages).
      constexpr size_t kHugePage = size_t{2} << 20;
      const size_t align = size >= 2 * kHugePage ? kHugePage : kAlign;
      size_t cap = 0;
      void* p = big_alloc(size, align, cap);  // 2 MiB aligned: marked MADV_HUGEPAGE
      owner = std::shared_ptr<void>(p, [cap](void* q) { big_free(q, cap); });
      break;
    }
    case BufferKind::kPinned: {
      void* p = cuda::allocate_pinned(size);
      owner = std::shared_ptr<void>(p, [](void* q) { cuda::free_pinned(q); });
      break;
    }
    case BufferKind::kDevice: {
      void* p = cuda::allocate_device(size, device);
      owner = std::shared_ptr<void>(p, [device](void* q) { cuda::free_device(q, device); });
      break;
    }
  }
  void* data = owner.get();
  return std::shared_ptr<Buffer>(new Buffer(data, nbytes, kind, kind == BufferKind::kDevice ? device : 0,
                                            /*readonly=*/false, std::move(owner)));
}

std::shared_ptr<Buffer> Buffer::wrap(void* data, size_t size, BufferKind kind, int device,
                                     bool readonly, std::shared_ptr<void> owner) {
  return std::shared_ptr<Buffer>(new Buffer(data, size, kind, device, readonly, std::move(owner)));
}

void Buffer::attach(std::shared_ptr<void> keepalive) const {
  if (!keepalive) return;
  std::lock_guard<std::mutex> lock(attach_mutex_);
  // A repeat of the last attachment (one heap attached once per view) adds nothing.
  if (!attachments_.empty() && attachments_.back() == keepalive) return;
  attachments_.push_back(std::move(keepalive));
}

std::vector<std::shared_ptr<void>> Buffer::attachments() const {
  std::lock_guard<std::mutex> lock(attach_mutex_);
  return attachments_;
}

}  // namespace zarrnative
