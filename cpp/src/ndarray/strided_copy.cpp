#include <cstring>
#include <vector>

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

template <int kSize>
void copy_items(char* dst, int64_t ds, const char* src, int64_t ss, int64_t n) {
  for (int64_t i = 0; i < n; ++i) std::memcpy(dst + i * ds, src + i * ss, kSize);
}

void copy_row(char* dst, int64_t ds, const char* src, int64_t ss, int64_t n, int64_t itemsize) {
  if (ds == itemsize && ss == itemsize) {
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
  while (true) {
    copy_row(out, d.dst[n - 1], in, d.src[n - 1], row, itemsize);
    int k = n - 2;
    for (; k >= 0; --k) {
      out += d.dst[k];
      in += d.src[k];
      if (++index[k] < d.shape[k]) break;
      out -= d.dst[k] * d.shape[k];
      in -= d.src[k] * d.shape[k];
      index[k] = 0;
    }
    if (k < 0) return;
  }
}

}  // namespace zarrnative
