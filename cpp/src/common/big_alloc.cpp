#include "zarrnative/common/big_alloc.h"

#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <new>

namespace zarrnative {
namespace {

constexpr size_t kPage = 4096;
constexpr size_t kHugePage = size_t{2} << 20;
constexpr size_t kCacheMax = size_t{8} << 20;  // larger blocks are unmapped at once
constexpr size_t kCacheBytes = size_t{8} << 20;  // at most this much kept per thread
constexpr int kCacheSlots = 12;

struct Block {
  void* p = nullptr;
  size_t cap = 0;
};

// Takes the smallest block in `slots` that holds `n` bytes with at most
// `max_waste` to spare: empties its slot and returns it (with its capacity),
// or null.
template <typename Slot, size_t N>
void* take_fitting(Slot (&slots)[N], size_t n, size_t max_waste, size_t& capacity) {
  Slot* best = nullptr;
  for (Slot& b : slots) {
    if (b.p && b.cap >= n && b.cap - n <= max_waste && (!best || b.cap < best->cap)) best = &b;
  }
  if (!best) return nullptr;
  void* p = best->p;
  capacity = best->cap;
  *best = Slot{};
  return p;
}

// Keeps a freed block in `slots`: in an empty slot, else in place of the
// smallest cached block when that is smaller; then releases the smallest
// others until the slots hold at most `budget` bytes. False when the block is
// not kept (the caller releases it).
template <size_t N, typename Release>
bool keep_in(Block (&slots)[N], void* p, size_t capacity, size_t budget, Release release) {
  Block* slot = &slots[0];
  for (Block& b : slots) {
    if (!b.p) {
      slot = &b;
      break;
    }
    if (b.cap < slot->cap) slot = &b;
  }
  if (slot->p && slot->cap >= capacity) return false;
  if (slot->p) release(*slot);
  *slot = Block{p, capacity};
  for (;;) {
    size_t total = 0;
    Block* smallest = nullptr;
    for (Block& b : slots) {
      if (!b.p) continue;
      total += b.cap;
      if (&b != slot && (!smallest || b.cap < smallest->cap)) smallest = &b;
    }
    if (total <= budget || !smallest) break;
    release(*smallest);
    *smallest = Block{};
  }
  return true;
}

// Small blocks (encoded chunks and chunk scratch of a few KiB, the tiny-chunk
// case) come from malloc, 64-byte aligned. A 64-aligned malloc splits and
// frees around each block, which on a read of 4 KiB gzip chunks took a tenth
// of the instructions outside decoding: each thread keeps a few recently freed
// small blocks (kSmallBytes in all) and hands one back out for a request it
// fits, at most half as large again.
constexpr size_t kSmallMin = 1024;  // smaller ones are cheap for malloc
constexpr size_t kSmallAlign = 64;
constexpr size_t kSmallBytes = size_t{256} << 10;
constexpr int kSmallSlots = 8;

// The calling thread's recently freed blocks; unmapped when the thread ends
// (after which the thread's frees unmap at once).
thread_local bool cache_gone = false;

struct ThreadCache {
  Block slots[kCacheSlots];
  Block small[kSmallSlots];
  ~ThreadCache() {
    cache_gone = true;
    for (Block& b : slots) {
      if (b.p) munmap(b.p, b.cap);
    }
    for (Block& b : small) std::free(b.p);
  }
};

ThreadCache* cache() {
  if (cache_gone) return nullptr;
  thread_local ThreadCache c;
  return &c;
}

// Process-wide: recently freed large blocks (results, whole shards), reused
// by the next allocation of about the same size, so that reading array after
// array of one size does not have the kernel zero fresh pages for each (on
// a 512^3 uint16 read, zeroing the result's pages was a tenth of the time).
// Freed blocks are marked MADV_FREE: under memory pressure the kernel takes
// their pages back without writing them anywhere, and a later first touch
// gets zeroed pages again. Blocks unused for kSharedMaxAge are unmapped at
// the next call; at most kSharedSlots blocks and shared_limit() bytes wait.
constexpr size_t kSharedMin = size_t{4} << 20;
constexpr int kSharedSlots = 4;
constexpr auto kSharedMaxAge = std::chrono::seconds(5);

struct SharedBlock {
  void* p = nullptr;
  size_t cap = 0;
  std::chrono::steady_clock::time_point freed;
};

struct SharedCache {
  std::mutex mutex;
  SharedBlock slots[kSharedSlots];
  size_t limit = 0;
};

size_t shared_limit() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page = sysconf(_SC_PAGESIZE);
  const size_t ram = pages > 0 && page > 0 ? static_cast<size_t>(pages) * static_cast<size_t>(page) : 0;
  return std::min(ram / 8, size_t{2} << 30);
}

SharedCache& shared() {
  static SharedCache* c = [] {
    auto* sc = new SharedCache;  // never destroyed: blocks may be freed during exit
    sc->limit = shared_limit();
    // A child forked while another thread held the lock starts unlocked.
    pthread_atfork([] { shared().mutex.lock(); }, [] { shared().mutex.unlock(); },
                   [] { new (&shared().mutex) std::mutex(); });
    return sc;
  }();
  return *c;
}

// Unmaps the blocks that waited too long (caller holds the lock).
void drop_old(SharedCache& c, std::chrono::steady_clock::time_point now) {
  for (SharedBlock& b : c.slots) {
    if (b.p && now - b.freed > kSharedMaxAge) {
      munmap(b.p, b.cap);
      b = SharedBlock{};
    }
  }
}

// A cached block of at least `size` bytes and at most a quarter more, or null.
void* take_shared(size_t size, size_t& capacity) {
  SharedCache& c = shared();
  std::lock_guard<std::mutex> lock(c.mutex);
  drop_old(c, std::chrono::steady_clock::now());
  return take_fitting(c.slots, size, size / 4, capacity);
}

// Keeps a freed block for reuse; false when it does not fit (unmap it).
bool keep_shared(void* p, size_t capacity) {
  SharedCache& c = shared();
  if (capacity > c.limit) return false;
#ifdef MADV_FREE
  if (madvise(p, capacity, MADV_FREE) != 0) return false;
#else
  return false;
#endif
  const auto now = std::chrono::steady_clock::now();
  SharedBlock evicted[kSharedSlots];  // no allocation here: big_free cannot throw
  int nevicted = 0;
  {
    std::lock_guard<std::mutex> lock(c.mutex);
    drop_old(c, now);
    // The oldest slot goes, then the oldest others until the total fits.
    SharedBlock* slot = &c.slots[0];
    for (SharedBlock& b : c.slots) {
      if (!b.p) {
        slot = &b;
        break;
      }
      if (b.freed < slot->freed) slot = &b;
    }
    if (slot->p) evicted[nevicted++] = *slot;
    *slot = SharedBlock{p, capacity, now};
    for (;;) {
      size_t total = 0;
      SharedBlock* oldest = nullptr;
      for (SharedBlock& b : c.slots) {
        if (!b.p) continue;
        total += b.cap;
        if (&b != slot && (!oldest || b.freed < oldest->freed)) oldest = &b;
      }
      if (total <= c.limit || !oldest) break;
      evicted[nevicted++] = *oldest;
      *oldest = SharedBlock{};
    }
  }
  for (int i = 0; i < nevicted; ++i) munmap(evicted[i].p, evicted[i].cap);  // outside the lock
  return true;
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

// A cached small block that holds `n` bytes, at most half as large again.
void* take_small(size_t n, size_t& capacity) {
  ThreadCache* c = cache();
  if (!c) return nullptr;
  return take_fitting(c->small, n, n / 2, capacity);
}

// Keeps a freed small block for reuse by this thread; false when not kept.
bool keep_small(void* p, size_t capacity) {
  ThreadCache* c = capacity <= kSmallBytes ? cache() : nullptr;
  return c && keep_in(c->small, p, capacity, kSmallBytes, [](const Block& b) { std::free(b.p); });
}

}  // namespace

void* big_alloc(size_t n, size_t align, size_t& capacity) {
  if (align == 0) align = 1;
  if (n >= kSmallMin && n < kBigBlock && align <= kSmallAlign) {
    if (void* p = take_small(n, capacity)) return p;
    const size_t cap = (n + kSmallAlign - 1) / kSmallAlign * kSmallAlign;
    void* p = std::aligned_alloc(kSmallAlign, cap);
    if (!p) throw std::bad_alloc();
    capacity = cap;
    return p;
  }
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
  if (align == kHugePage && size >= kSharedMin) {
    if (void* p = take_shared(size, capacity)) return p;
  }
  ThreadCache* c = align <= kPage && size <= kCacheMax ? cache() : nullptr;
  if (c) {
    // The smallest cached block that fits, unless it is more than twice the size.
    if (void* p = take_fitting(c->slots, size, size, capacity)) return p;
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
    // Every block under kBigBlock is malloc's; one 64-byte aligned and of at
    // least kSmallMin bytes can serve any later small request it fits.
    const bool small = capacity >= kSmallMin && capacity % kSmallAlign == 0 &&
                       reinterpret_cast<uintptr_t>(p) % kSmallAlign == 0;
    if (!small || !keep_small(p, capacity)) std::free(p);
    return;
  }
  const bool huge = reinterpret_cast<uintptr_t>(p) % kHugePage == 0;
  if (huge && capacity >= kSharedMin && keep_shared(p, capacity)) return;
  ThreadCache* c = capacity <= kCacheMax && !huge ? cache() : nullptr;
  if (c && keep_in(c->slots, p, capacity, kCacheBytes, [](const Block& b) { munmap(b.p, b.cap); })) return;
  munmap(p, capacity);
}

}  // namespace zarrnative
