#include "codec/bytes_to_bytes/byte_shuffle.h"

#include <immintrin.h>

#include <algorithm>
#include <cstring>

namespace zarrnative::codec {
namespace {

// Elements per block: a block's input stays in L1 while each of its byte
// planes is written out.
constexpr size_t kBlock = 256;

// kSize: the element size when known at compile time (0: use `size`).
template <size_t kSize>
void shuffle_scalar(const uint8_t* in, uint8_t* out, size_t count, size_t size) {
  const size_t es = kSize ? kSize : size;
  for (size_t i0 = 0; i0 < count; i0 += kBlock) {
    const size_t m = std::min(kBlock, count - i0);
    for (size_t b = 0; b < es; ++b) {
      const uint8_t* s = in + i0 * es + b;
      uint8_t* d = out + b * count + i0;
      for (size_t i = 0; i < m; ++i) d[i] = s[i * es];
    }
  }
}

template <size_t kSize>
void unshuffle_scalar(const uint8_t* in, uint8_t* out, size_t count, size_t size) {
  const size_t es = kSize ? kSize : size;
  for (size_t i0 = 0; i0 < count; i0 += kBlock) {
    const size_t m = std::min(kBlock, count - i0);
    for (size_t b = 0; b < es; ++b) {
      const uint8_t* s = in + b * count + i0;
      uint8_t* d = out + i0 * es + b;
      for (size_t i = 0; i < m; ++i) d[i * es] = s[i];
    }
  }
}

#if defined(__x86_64__)
// 16 elements of 2 bytes per step: each 128-bit lane gathers its even and its
// odd bytes, then the 64-bit quarters are put in plane order.
__attribute__((target("avx2"))) void shuffle2_avx2(const uint8_t* in, uint8_t* out, size_t count, size_t) {
  uint8_t* d0 = out;
  uint8_t* d1 = out + count;
  const __m256i gather = _mm256_setr_epi8(0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15,  //
                                          0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15);
  size_t j = 0;
  for (; j + 16 <= count; j += 16) {
    __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + 2 * j));
    v = _mm256_shuffle_epi8(v, gather);
    v = _mm256_permute4x64_epi64(v, 0xD8);  // quarters 0, 2, 1, 3
    _mm_storeu_si128(reinterpret_cast<__m128i*>(d0 + j), _mm256_castsi256_si128(v));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(d1 + j), _mm256_extracti128_si256(v, 1));
  }
  for (; j < count; ++j) {
    d0[j] = in[2 * j];
    d1[j] = in[2 * j + 1];
  }
}

__attribute__((target("avx2"))) void unshuffle2_avx2(const uint8_t* in, uint8_t* out, size_t count, size_t) {
  const uint8_t* s0 = in;
  const uint8_t* s1 = in + count;
  size_t j = 0;
  for (; j + 16 <= count; j += 16) {
    __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s0 + j));
    __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s1 + j));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 2 * j), _mm_unpacklo_epi8(a, b));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 2 * j + 16), _mm_unpackhi_epi8(a, b));
  }
  for (; j < count; ++j) {
    out[2 * j] = s0[j];
    out[2 * j + 1] = s1[j];
  }
}

// 8 elements of 4 bytes per step: each lane gathers its four byte planes,
// then the 32-bit pieces are paired across lanes.
__attribute__((target("avx2"))) void shuffle4_avx2(const uint8_t* in, uint8_t* out, size_t count, size_t) {
  const __m256i gather = _mm256_setr_epi8(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15,  //
                                          0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
  const __m256i pair = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  size_t j = 0;
  for (; j + 8 <= count; j += 8) {
    __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + 4 * j));
    v = _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(v, gather), pair);
    uint64_t plane[4];
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(plane), v);
    for (size_t b = 0; b < 4; ++b) std::memcpy(out + b * count + j, &plane[b], 8);
  }
  for (; j < count; ++j) {
    for (size_t b = 0; b < 4; ++b) out[b * count + j] = in[4 * j + b];
  }
}

__attribute__((target("avx2"))) void unshuffle4_avx2(const uint8_t* in, uint8_t* out, size_t count, size_t) {
  size_t j = 0;
  for (; j + 16 <= count; j += 16) {
    __m128i p0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + j));
    __m128i p1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + count + j));
    __m128i p2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + 2 * count + j));
    __m128i p3 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + 3 * count + j));
    __m128i lo01 = _mm_unpacklo_epi8(p0, p1), hi01 = _mm_unpackhi_epi8(p0, p1);
    __m128i lo23 = _mm_unpacklo_epi8(p2, p3), hi23 = _mm_unpackhi_epi8(p2, p3);
    __m128i* d = reinterpret_cast<__m128i*>(out + 4 * j);
    _mm_storeu_si128(d + 0, _mm_unpacklo_epi16(lo01, lo23));
    _mm_storeu_si128(d + 1, _mm_unpackhi_epi16(lo01, lo23));
    _mm_storeu_si128(d + 2, _mm_unpacklo_epi16(hi01, hi23));
    _mm_storeu_si128(d + 3, _mm_unpackhi_epi16(hi01, hi23));
  }
  for (; j < count; ++j) {
    for (size_t b = 0; b < 4; ++b) out[4 * j + b] = in[b * count + j];
  }
}

bool have_avx2() {
  static const bool yes = __builtin_cpu_supports("avx2");
  return yes;
}
#else
bool have_avx2() { return false; }
#endif

}  // namespace

bool shuffle_is_vectorised(size_t size) { return have_avx2() && (size == 2 || size == 4); }

namespace {

// One direction's kernels: vectorised ones (null where there are none) and
// the scalar ones for each element size.
struct KernelSet {
  ShuffleKernel avx2_2, avx2_4;
  ShuffleKernel scalar_2, scalar_4, scalar_8, scalar_16, scalar_any;
};

ShuffleKernel pick(const KernelSet& k, size_t size) {
  if (have_avx2() && size == 2 && k.avx2_2) return k.avx2_2;
  if (have_avx2() && size == 4 && k.avx2_4) return k.avx2_4;
  switch (size) {
    case 2: return k.scalar_2;
    case 4: return k.scalar_4;
    case 8: return k.scalar_8;
    case 16: return k.scalar_16;
    default: return k.scalar_any;
  }
}

#if defined(__x86_64__)
constexpr ShuffleKernel kShuffle2Avx2 = &shuffle2_avx2, kShuffle4Avx2 = &shuffle4_avx2;
constexpr ShuffleKernel kUnshuffle2Avx2 = &unshuffle2_avx2, kUnshuffle4Avx2 = &unshuffle4_avx2;
#else
constexpr ShuffleKernel kShuffle2Avx2 = nullptr, kShuffle4Avx2 = nullptr;
constexpr ShuffleKernel kUnshuffle2Avx2 = nullptr, kUnshuffle4Avx2 = nullptr;
#endif

constexpr KernelSet kShuffle{kShuffle2Avx2, kShuffle4Avx2, &shuffle_scalar<2>, &shuffle_scalar<4>,
                             &shuffle_scalar<8>, &shuffle_scalar<16>, &shuffle_scalar<0>};
constexpr KernelSet kUnshuffle{kUnshuffle2Avx2, kUnshuffle4Avx2, &unshuffle_scalar<2>, &unshuffle_scalar<4>,
                               &unshuffle_scalar<8>, &unshuffle_scalar<16>, &unshuffle_scalar<0>};

}  // namespace

ShuffleKernel shuffle_kernel(size_t size) { return pick(kShuffle, size); }

ShuffleKernel unshuffle_kernel(size_t size) { return pick(kUnshuffle, size); }

}  // namespace zarrnative::codec
