// zarrnative: memory for large blocks (encoded chunks, chunk-sized
// temporaries, results), taken from the kernel directly.
//
// Blocks of 128 KiB and more are mapped with mmap and given back with munmap
// when freed, so a read's temporaries never stay behind in malloc's arenas
// (glibc raises its mmap threshold after the first large free, and later
// chunk buffers then pile up in per-thread arenas: a 32 MiB read left 7 MiB
// behind). Each thread keeps up to twelve recently freed blocks of up to
// 8 MiB (8 MiB in all) for reuse, so decoding chunk after chunk does not fault in fresh
// pages for every chunk. Smaller blocks come from malloc; each thread keeps up
// to eight freed ones of 1 KiB and more (256 KiB in all) for reuse: on reads
// of 4 KiB chunks, a 64-byte aligned malloc and free per buffer was a tenth of
// the work outside decoding.
//
// Blocks of 4 MiB and more (results, whole shards) are 2 MiB aligned with
// transparent huge pages. When freed, up to four of them (at most an eighth
// of the machine's memory, 2 GiB at most) wait process-wide for the next
// allocation of about their size, marked MADV_FREE so that the kernel can
// take their pages back under memory pressure; reading array after array of
// one size then skips the kernel's zeroing of fresh pages. A block waits at
// most 5 s (checked at the next large allocation or free).
//
//   size_t cap = 0;
//   void* p = big_alloc(n, 64, cap);   // cap >= n: what to pass back
//   ...
//   big_free(p, cap);
#pragma once

#include <cstddef>

namespace zarrnative {

// At least `n` bytes aligned to `align` (a power of two, at most 2 MiB);
// `capacity` receives the usable size. Throws std::bad_alloc.
void* big_alloc(size_t n, size_t align, size_t& capacity);

// Frees a block from big_alloc (`capacity` as it returned); null is ignored.
void big_free(void* p, size_t capacity) noexcept;

// Blocks at least this large are mapped (and cached per thread).
inline constexpr size_t kBigBlock = size_t{128} << 10;

}  // namespace zarrnative
