// zarrnative: CRC32 and Adler-32 of a buffer computed in pieces.
//
// The GPU verifies gzip's CRC32 and zlib's Adler-32 of decoded chunks by
// splitting each chunk into segments, one thread per segment, and
// combining the segments' checksums. The combination is arithmetic, the
// same on the host and the device, so these functions compile for both
// (nvcc: __host__ __device__) and the host tests check them against
// libdeflate's whole-buffer checksums.
//
//   uint32_t a = crc32_bytes(table, 0, p, n1), b = crc32_bytes(table, 0, p + n1, n2);
//   crc32_combine(a, b, n2) == crc32_bytes(table, 0, p, n1 + n2)
//
// CRC32 here is the one of gzip and zlib (reflected polynomial 0xEDB88320,
// initial and final inversion), in GF(2) arithmetic modulo that polynomial:
// the CRC of A||B is CRC(A) times x^(8 |B|) plus CRC(B).
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(__CUDACC__)
#define ZN_HD __host__ __device__
#else
#define ZN_HD
#endif

namespace zarrnative::gpu {

inline constexpr uint32_t kCrc32Poly = 0xEDB88320u;
inline constexpr uint32_t kAdlerBase = 65521u;

// The byte-at-a-time table (256 entries).
ZN_HD inline void crc32_make_table(uint32_t* table) {
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ kCrc32Poly : c >> 1;
    table[i] = c;
  }
}

// Continues the CRC32 `crc` (0 for none yet) over n bytes.
ZN_HD inline uint32_t crc32_bytes(const uint32_t* table, uint32_t crc, const uint8_t* p, size_t n) {
  uint32_t c = ~crc;
  for (size_t i = 0; i < n; ++i) c = table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
  return ~c;
}

// a * b modulo the CRC polynomial; bit 31 holds x^0 (reflected order).
ZN_HD inline uint32_t gf2_multmod(uint32_t a, uint32_t b) {
  uint32_t product = 0;
  for (uint32_t m = 1u << 31; m != 0; m >>= 1) {
    if (a & m) product ^= b;
    b = (b & 1) ? (b >> 1) ^ kCrc32Poly : b >> 1;  // b *= x
  }
  return product;
}

// x^(8 n) modulo the polynomial: the factor that shifts a CRC past n bytes.
ZN_HD inline uint32_t crc32_shift_factor(uint64_t n) {
  uint32_t result = 1u << 31;  // 1
  uint32_t square = 1u << 23;  // x^8
  while (n) {
    if (n & 1) result = gf2_multmod(square, result);
    square = gf2_multmod(square, square);
    n >>= 1;
  }
  return result;
}

// The CRC32 of A||B from crc_a = CRC(A), crc_b = CRC(B) and |B|.
ZN_HD inline uint32_t crc32_combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b) {
  return gf2_multmod(crc32_shift_factor(len_b), crc_a) ^ crc_b;
}
// The same with the factor of |B| computed once (equal-length segments).
ZN_HD inline uint32_t crc32_combine_factor(uint32_t crc_a, uint32_t crc_b, uint32_t factor_b) {
  return gf2_multmod(factor_b, crc_a) ^ crc_b;
}

// Continues the Adler-32 `adler` (1 for none yet) over n bytes.
ZN_HD inline uint32_t adler32_bytes(uint32_t adler, const uint8_t* p, size_t n) {
  uint32_t a = adler & 0xFFFF, b = adler >> 16;
  while (n > 0) {
    // 5552 bytes is the most that can be summed before b overflows 32 bits.
    size_t step = n < 5552 ? n : 5552;
    n -= step;
    while (step--) {
      a += *p++;
      b += a;
    }
    a %= kAdlerBase;
    b %= kAdlerBase;
  }
  return b << 16 | a;
}

// The Adler-32 of A||B from those of A and B and |B|: with a = 1 + sum,
// a(AB) = a(A) + a(B) - 1 and b(AB) = b(A) + b(B) + |B| (a(A) - 1).
ZN_HD inline uint32_t adler32_combine(uint32_t adler_a, uint32_t adler_b, uint64_t len_b) {
  const uint64_t a1 = adler_a & 0xFFFF, b1 = adler_a >> 16, a2 = adler_b & 0xFFFF, b2 = adler_b >> 16;
  const uint64_t a = (a1 + a2 + kAdlerBase - 1) % kAdlerBase;
  const uint64_t b = (b1 + b2 + (len_b % kAdlerBase) * ((a1 + kAdlerBase - 1) % kAdlerBase)) % kAdlerBase;
  return static_cast<uint32_t>(b << 16 | a);
}

// --- the tables of the device checksum step -----------------------------------
// One thread per Segment computes its checksum (segment_sum); then one
// thread per CheckedChunk combines its segments' (combine_segments). The
// host tests run these same functions over the same tables.

enum ChecksumKind : uint32_t { kChecksumCrc32 = 1, kChecksumAdler32 = 2 };

struct Segment {
  uint64_t ptr = 0;  // address of the segment's first byte
  uint32_t len = 0;
  uint32_t kind = 0;  // ChecksumKind
};

struct CheckedChunk {
  uint64_t first_segment = 0;
  uint32_t nsegments = 0;
  uint32_t kind = 0;
  uint64_t last_len = 0;  // bytes of the last segment (the others: the segment size)
};

ZN_HD inline uint32_t segment_sum(const Segment& s, const uint32_t* crc_table) {
  const uint8_t* p = reinterpret_cast<const uint8_t*>(s.ptr);
  return s.kind == kChecksumCrc32 ? crc32_bytes(crc_table, 0, p, s.len) : adler32_bytes(1, p, s.len);
}

ZN_HD inline uint32_t combine_segments(const CheckedChunk& c, const uint32_t* sums, uint64_t segment_bytes) {
  if (c.nsegments == 0) return c.kind == kChecksumCrc32 ? 0u : 1u;  // the checksums of no bytes
  sums += c.first_segment;
  uint32_t total = sums[0];
  if (c.kind == kChecksumCrc32) {
    const uint32_t factor = crc32_shift_factor(segment_bytes);
    for (uint32_t k = 1; k + 1 < c.nsegments; ++k) total = crc32_combine_factor(total, sums[k], factor);
    if (c.nsegments > 1) total = crc32_combine(total, sums[c.nsegments - 1], c.last_len);
  } else {
    for (uint32_t k = 1; k + 1 < c.nsegments; ++k) total = adler32_combine(total, sums[k], segment_bytes);
    if (c.nsegments > 1) total = adler32_combine(total, sums[c.nsegments - 1], c.last_len);
  }
  return total;
}

}  // namespace zarrnative::gpu
