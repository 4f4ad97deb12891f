#include "zarrnative/common/big_alloc.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <new>

namespace zarrnative {
namespace {

constexpr size_t kPage = 4096;
constexpr size_t kHugePage = size_t{2} << 20;
constexpr size_t kCacheMax = size_t{8} << 20;  // larger blocks are unmapped at once
constexpr size_t kCacheBytes = size_t{8} << 20;  // at most this much kept per thread
constexpr int kCacheSlots = 6;

struct Block {
  void* p = nullptr;
  size_t cap = 0;
};

// The calling thread's recently freed blocks; unmapped when the thread ends
// (after which the thread's frees unmap at once).
thread_local bool cache_gone = false;

struct ThreadCache {
  Block slots[kCacheSlots];
  ~ThreadCache() {
    cache_gone = true;
    for (Block& b : slots) {
      if (b.p) munmap(b.p, b.cap);
    }
  }
};

ThreadCache* cache() {
  if (cache_gone) return nullptr;
  thread_local ThreadCache c;
  return &c;
}

// Maps `size` bytes (a multiple of the page size) aligned to `align`.
void* map_aligned(size_t size, size_t align) {
  if (align <= kPage) {
    void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    return p;
  }
  // Over-map by `align`, then unmap the unaligned head and the tail.
  if (size > SIZE_MAX - align) throw std::bad_alloc();
  void* raw = mmap(nullptr, size + align, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  const uintptr_t base = reinterpret_cast<uintptr_t>(raw);
  const uintptr_t aligned = (base + align - 1) & ~(uintptr_t{align} - 1);
  if (aligned > base) munmap(raw, aligned - base);
  const size_t tail = base + size + align - (aligned + size);
  if (tail) munmap(reinterpret_cast<void*>(aligned + size), tail);
  return reinterpret_cast<void*>(aligned);
}

}  // namespace

void* big_alloc(size_t n, size_t align, size_t& capacity) {
  if (align == 0) align = 1;
  if (n < kBigBlock) {
    const size_t a = align < alignof(std::max_align_t) ? alignof(std::max_align_t) : align;
    const size_t cap = n == 0 ? a : (n + a - 1) / a * a;
    if (cap < n) throw std::bad_alloc();
    void* p = std::aligned_alloc(a, cap);
    if (!p) throw std::bad_alloc();
    capacity = cap;
    return p;
  }
  if (n > SIZE_MAX - kHugePage) throw std::bad_alloc();
  const size_t size = (n + kPage - 1) / kPage * kPage;
  // Blocks of 4 MiB and more (whole shards, results) take transparent huge
  // pages: first touching them then faults once per 2 MiB, not per 4 KiB.
  if (size >= 2 * kHugePage && align < kHugePage) align = kHugePage;
  ThreadCache* c = align <= kPage && size <= kCacheMax ? cache() : nullptr;
  if (c) {
    // The smallest cached block that fits, unless it is more than twice the size.
    Block* best = nullptr;
    for (Block& b : c->slots) {
      if (b.p && b.cap >= size && b.cap <= 2 * size && (!best || b.cap < best->cap)) best = &b;
    }
    if (best) {
      void* p = best->p;
      capacity = best->cap;
      *best = Block{};
      return p;
    }
  }
  void* p = map_aligned(size, align);
  if (align >= kHugePage) {
#ifdef MADV_HUGEPAGE
    (void)madvise(p, size, MADV_HUGEPAGE);  // advice only: failure changes nothing
#endif
  }
  capacity = size;
  return p;
}

void big_free(void* p, size_t capacity) noexcept {
  if (!p) return;
  if (capacity < kBigBlock) {
    std::free(p);
    return;
  }
  ThreadCache* c = capacity <= kCacheMax && reinterpret_cast<uintptr_t>(p) % kHugePage != 0 ? cache() : nullptr;
  if (c) {
    // Keep it: replace an empty slot, else the smaller cached block.
    Block* slot = &c->slots[0];
    for (Block& b : c->slots) {
      if (!b.p) {
        slot = &b;
        break;
      }
      if (b.cap < slot->cap) slot = &b;
    }
    if (slot->p && slot->cap >= capacity) {
      munmap(p, capacity);
      return;
    }
    if (slot->p) munmap(slot->p, slot->cap);
    *slot = Block{p, capacity};
    // Keep the total bounded: drop the smallest others until it fits.
    for (;;) {
      size_t total = 0;
      Block* smallest = nullptr;
      for (Block& b : c->slots) {
        if (!b.p) continue;
        total += b.cap;
        if (&b != slot && (!smallest || b.cap < smallest->cap)) smallest = &b;
      }
      if (total <= kCacheBytes || !smallest) break;
      munmap(smallest->p, smallest->cap);
      *smallest = Block{};
    }
    return;
  }
  munmap(p, capacity);
}

}  // namespace zarrnative
