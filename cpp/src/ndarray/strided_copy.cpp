#include <cstring>
#include <vector>

#if defined(__x86_64__) || defined(_M_X64)
#include <emmintrin.h>
#define ZN_STREAM_STORES 1
#endif

#include "zarrnative/ndarray/ndarray.h"

namespace zarrnative {
namespace {

struct Dims {
  std::vector<int64_t> shape, dst, src;
};

// Drops unit dimensions and merges neighbours that are contiguous in both
// arrays, so that the innermost loop runs as long as possible.
Dims coalesce(const int64_t* dst_strides, const int64_t* src_strides, const int64_t* shape, int ndim) {
  Dims d;
  for (int i = 0; i < ndim; ++i) {
    if (shape[i] == 1) continue;
    if (!d.shape.empty() && d.dst.back() == dst_strides[i] * shape[i] &&
        d.src.back() == src_strides[i] * shape[i]) {
      d.shape.back() *= shape[i];
      d.dst.back() = dst_strides[i];
      d.src.back() = src_strides[i];
      continue;
    }
    d.shape.push_back(shape[i]);
    d.dst.push_back(dst_strides[i]);
    d.src.push_back(src_strides[i]);
  }
  return d;
}

// Destinations whose copied rows spread over more than this many bytes are
// larger than the last-level cache: their lines are not worth reading in
// before they are overwritten (a whole chunk scattered into a large result).
constexpr int64_t kStreamSpan = int64_t{16} << 20;
// Rows shorter than this are copied with ordinary stores.
constexpr int64_t kStreamRow = 64;
// Source rows up to this long are prefetched this many rows ahead.
constexpr int64_t kPrefetchRowMax = 512;
constexpr int64_t kPrefetchRows = 16;

#ifdef ZN_STREAM_STORES
// memcpy whose aligned middle is written with non-temporal stores, which skip
// the read-for-ownership of each destination line. The caller fences.
void copy_stream(char* dst, const char* src, int64_t n) {
  const int64_t head = static_cast<int64_t>((16 - (reinterpret_cast<uintptr_t>(dst) & 15)) & 15);
  std::memcpy(dst, src, static_cast<size_t>(head));
  int64_t i = head;
  for (; i + 64 <= n; i += 64) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i + 16));
    const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i + 32));
    const __m128i d = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i + 48));
    _mm_stream_si128(reinterpret_cast<__m128i*>(dst + i), a);
    _mm_stream_si128(reinterpret_cast<__m128i*>(dst + i + 16), b);
    _mm_stream_si128(reinterpret_cast<__m128i*>(dst + i + 32), c);
    _mm_stream_si128(reinterpret_cast<__m128i*>(dst + i + 48), d);
  }
  for (; i + 16 <= n; i += 16) {
    _mm_stream_si128(reinterpret_cast<__m128i*>(dst + i),
                     _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i)));
  }
  std::memcpy(dst + i, src + i, static_cast<size_t>(n - i));
}
#endif

template <int kSize>
void copy_items(char* dst, int64_t ds, const char* src, int64_t ss, int64_t n) {
  for (int64_t i = 0; i < n; ++i) std::memcpy(dst + i * ds, src + i * ss, kSize);
}

void copy_row(char* dst, int64_t ds, const char* src, int64_t ss, int64_t n, int64_t itemsize, bool stream) {
  if (ds == itemsize && ss == itemsize) {
#ifdef ZN_STREAM_STORES
    if (stream) return copy_stream(dst, src, n * itemsize);
#else
    (void)stream;
#endif
    std::memcpy(dst, src, static_cast<size_t>(n * itemsize));
    return;
  }
  switch (itemsize) {
    case 1: return copy_items<1>(dst, ds, src, ss, n);
    case 2: return copy_items<2>(dst, ds, src, ss, n);
    case 4: return copy_items<4>(dst, ds, src, ss, n);
    case 8: return copy_items<8>(dst, ds, src, ss, n);
    case 16: return copy_items<16>(dst, ds, src, ss, n);
    default:
      for (int64_t i = 0; i < n; ++i) std::memcpy(dst + i * ds, src + i * ss, static_cast<size_t>(itemsize));
  }
}

}  // namespace

void strided_copy_host(void* dst, const int64_t* dst_strides, const void* src,
                       const int64_t* src_strides, const int64_t* shape, int ndim, int64_t itemsize) {
  for (int i = 0; i < ndim; ++i) {
    if (shape[i] == 0) return;
  }
  Dims d = coalesce(dst_strides, src_strides, shape, ndim);
  char* out = static_cast<char*>(dst);
  const char* in = static_cast<const char*>(src);
  const int n = static_cast<int>(d.shape.size());
  if (n == 0) {
    std::memcpy(out, in, static_cast<size_t>(itemsize));
    return;
  }
  // Odometer over the outer dimensions; the innermost one is a row.
  std::vector<int64_t> index(n, 0);
  const int64_t row = d.shape[n - 1];
  int64_t span = 0;  // bytes between the first and the last destination row
  for (int i = 0; i + 1 < n; ++i) span += (d.shape[i] - 1) * (d.dst[i] < 0 ? -d.dst[i] : d.dst[i]);
  const int64_t row_bytes = row * itemsize;
  const bool stream = n > 1 && span >= kStreamSpan && row_bytes >= kStreamRow;
  // Short contiguous source rows far apart (a chunk gathered out of a large
  // array): the row kPrefetchRows ahead in the next dimension out is asked
  // for now, which the hardware's stride prefetcher does not do for rows this
  // short. A prefetch never faults, so running past the array is harmless.
  const bool prefetch = n > 1 && d.src[n - 1] == itemsize && row_bytes <= kPrefetchRowMax &&
                        (d.src[n - 2] > 2 * row_bytes || d.src[n - 2] < 0);
  const int64_t ahead = prefetch ? kPrefetchRows * d.src[n - 2] : 0;
  while (true) {
    if (prefetch) {
      for (int64_t b = 0; b < row_bytes; b += 64) __builtin_prefetch(in + ahead + b);
      __builtin_prefetch(in + ahead + row_bytes - 1);
    }
    copy_row(out, d.dst[n - 1], in, d.src[n - 1], row, itemsize, stream);
    int k = n - 2;
    for (; k >= 0; --k) {
      out += d.dst[k];
      in += d.src[k];
      if (++index[k] < d.shape[k]) break;
      out -= d.dst[k] * d.shape[k];
      in -= d.src[k] * d.shape[k];
      index[k] = 0;
    }
    if (k < 0) break;
  }
#ifdef ZN_STREAM_STORES
  if (stream) _mm_sfence();  // other threads read the result next
#endif
}

}  // namespace zarrnative
