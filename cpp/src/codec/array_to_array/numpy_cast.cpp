#include "codec/array_to_array/numpy_cast.h"

#include <algorithm>
#include <string>
#include <vector>

#include "codec/config_util.h"
#include "zarrnative/common/error.h"

namespace zarrnative::codec::numpy_like {

float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1Fu;
  const uint32_t man = h & 0x3FFu;
  uint32_t bits;
  if (exp == 0) {
    // zero or subnormal: man * 2^-24, exact in float
    float f = static_cast<float>(man) * 5.9604644775390625e-8f;
    return sign ? -f : f;
  } else if (exp == 31) {
    bits = sign | 0x7F800000u | (man << 13);  // inf, or NaN keeping its payload
  } else {
    bits = sign | ((exp + 112) << 23) | (man << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

uint16_t double_to_half(double d) {
  uint64_t b;
  std::memcpy(&b, &d, 8);
  const auto sign = static_cast<uint16_t>((b >> 48) & 0x8000u);
  const uint64_t abs = b & 0x7FFFFFFFFFFFFFFFull;
  if (abs >= 0x7FF0000000000000ull) {
    if (abs == 0x7FF0000000000000ull) return sign | 0x7C00u;
    // NaN: keep the top of the payload, but never let it become inf (numpy does the same)
    auto r = static_cast<uint16_t>(0x7C00u + ((abs & 0xFFFFFFFFFFFFFull) >> 42));
    return sign | (r == 0x7C00u ? 0x7C01u : r);
  }
  if (abs >= 0x40EFFE0000000000ull) return sign | 0x7C00u;  // >= 65520 rounds to inf
  const int e = static_cast<int>(abs >> 52) - 1023;
  const uint64_t sig = (abs & 0xFFFFFFFFFFFFFull) | (uint64_t{1} << 52);
  // Keep `sig >> shift` (the half's significand with its implicit bit), round
  // the rest to nearest even; a carry into the exponent field is correct.
  int shift;
  uint64_t high;
  if (e >= -14) {
    shift = 42;
    high = static_cast<uint64_t>(e + 14) << 10;  // exponent field minus the implicit bit
  } else {
    shift = 28 - e;  // subnormal: units of 2^-24
    high = 0;
    if (shift >= 64) return sign;
  }
  uint64_t keep = sig >> shift;
  const uint64_t rest = sig & ((uint64_t{1} << shift) - 1);
  const uint64_t half = uint64_t{1} << (shift - 1);
  if (rest > half || (rest == half && (keep & 1))) ++keep;
  return static_cast<uint16_t>(sign | (high + keep));
}

namespace {

template <size_t N> struct UnsignedOf;
template <> struct UnsignedOf<2> { using type = uint16_t; };
template <> struct UnsignedOf<4> { using type = uint32_t; };
template <> struct UnsignedOf<8> { using type = uint64_t; };

inline uint16_t bswap(uint16_t v) { return __builtin_bswap16(v); }
inline uint32_t bswap(uint32_t v) { return __builtin_bswap32(v); }
inline uint64_t bswap(uint64_t v) { return __builtin_bswap64(v); }

// Complex numbers swap each part on its own.
template <class T> inline constexpr size_t kUnit = is_complex_v<T> ? sizeof(T) / 2 : sizeof(T);

template <class T>
T load(const uint8_t* p, bool swap) {
  if constexpr (std::is_same_v<T, bool>) {
    return *p != 0;
  } else {
    T v;
    if constexpr (kUnit<T> > 1) {
      if (swap) {
        using U = typename UnsignedOf<kUnit<T>>::type;
        U parts[sizeof(T) / sizeof(U)];
        std::memcpy(parts, p, sizeof(T));
        for (U& u : parts) u = bswap(u);
        std::memcpy(&v, parts, sizeof(T));
        return v;
      }
    }
    std::memcpy(&v, p, sizeof(T));
    return v;
  }
}

template <class T>
void store(uint8_t* p, T v, bool swap) {
  if constexpr (std::is_same_v<T, bool>) {
    *p = v ? 1 : 0;
  } else {
    if constexpr (kUnit<T> > 1) {
      if (swap) {
        using U = typename UnsignedOf<kUnit<T>>::type;
        U parts[sizeof(T) / sizeof(U)];
        std::memcpy(parts, &v, sizeof(T));
        for (U& u : parts) u = bswap(u);
        std::memcpy(p, parts, sizeof(T));
        return;
      }
    }
    std::memcpy(p, &v, sizeof(T));
  }
}

template <class S, class D>
void cast_loop(const uint8_t* src, int64_t ss, bool src_swap, uint8_t* dst, int64_t ds, bool dst_swap,
               int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    store<D>(dst + i * ds, cast_value<D>(load<S>(src + i * ss, src_swap)), dst_swap);
  }
}

int kind_rank(DTypeKind k) {
  switch (k) {
    case DTypeKind::kBool: return 0;
    case DTypeKind::kInt:
    case DTypeKind::kUInt: return 1;
    case DTypeKind::kFloat: return 2;
    case DTypeKind::kComplex: return 3;
    case DTypeKind::kString:
    case DTypeKind::kBytes: break;  // not numeric: numpy casts never see them
  }
  return 0;
}

}  // namespace

void cast_elements(const uint8_t* src, int64_t src_stride, const DType& src_type, uint8_t* dst,
                   int64_t dst_stride, const DType& dst_type, int64_t n) {
  if (n <= 0) return;
  const bool src_swap = !src_type.is_native(), dst_swap = !dst_type.is_native();
  visit_type(src_type, [&](auto s) {
    visit_type(dst_type, [&](auto d) {
      using S = typename decltype(s)::type;
      using D = typename decltype(d)::type;
      cast_loop<S, D>(src, src_stride, src_swap, dst, dst_stride, dst_swap, n);
    });
  });
}

DType promote_types(const DType& a0, const DType& b0) {
  // Order the pair so that `a` is of the lower kind (bool < int < float < complex).
  const bool flip = kind_rank(a0.kind()) > kind_rank(b0.kind());
  const DType a = native(flip ? b0 : a0), b = native(flip ? a0 : b0);
  const uint32_t na = a.itemsize(), nb = b.itemsize();
  if (a.kind() == b.kind()) return DType(a.kind(), std::max(na, nb));
  if (a.kind() == DTypeKind::kBool) return b;
  if (kind_rank(a.kind()) == 1 && kind_rank(b.kind()) == 1) {  // signed with unsigned
    const DType& s = a.kind() == DTypeKind::kInt ? a : b;
    const DType& u = a.kind() == DTypeKind::kInt ? b : a;
    if (s.itemsize() > u.itemsize()) return s;
    if (u.itemsize() < 8) return DType(DTypeKind::kInt, 2 * u.itemsize());
    return DType(DTypeKind::kFloat, 8);
  }
  if (kind_rank(a.kind()) == 1) {
    // An integer needs a float of at least 2, 4 or 8 bytes to hold it
    // (numpy: int8 -> float16, int16 -> float32, wider -> float64).
    const uint32_t need = na == 1 ? 2 : na == 2 ? 4 : 8;
    if (b.kind() == DTypeKind::kFloat) return DType(DTypeKind::kFloat, std::max(nb, need));
    return DType(DTypeKind::kComplex, std::max(nb, std::max(need, 4u) * 2));
  }
  // float with complex
  return DType(DTypeKind::kComplex, std::max(nb, std::max(na, 4u) * 2));
}

void for_each_run(const NDArray& a, int64_t max_run,
                  const std::function<void(const uint8_t*, int64_t, int64_t)>& fn) {
  std::vector<int64_t> shape, strides;
  for (int i = 0; i < a.ndim(); ++i) {
    const int64_t n = a.shape()[i], s = a.strides()[i];
    if (n == 0) return;
    if (n == 1) continue;
    if (!shape.empty() && strides.back() == s * n) {
      shape.back() *= n;
      strides.back() = s;
    } else {
      shape.push_back(n);
      strides.push_back(s);
    }
  }
  const auto* p = static_cast<const uint8_t*>(a.data());
  if (shape.empty()) {
    fn(p, a.itemsize(), 1);
    return;
  }
  const int nd = static_cast<int>(shape.size());
  const int64_t row = shape[nd - 1], row_stride = strides[nd - 1];
  std::vector<int64_t> index(static_cast<size_t>(nd), 0);
  while (true) {
    for (int64_t at = 0; at < row; at += max_run) fn(p + at * row_stride, row_stride, std::min(max_run, row - at));
    int k = nd - 2;
    for (; k >= 0; --k) {
      p += strides[k];
      if (++index[k] < shape[k]) break;
      p -= strides[k] * shape[k];
      index[k] = 0;
    }
    if (k < 0) return;
  }
}

void check_id(std::string_view codec, const json& config) {
  if (!has(config, "id")) return;
  const json& id = config.at("id");
  if (!id.is_string() || id.get<std::string>() != codec) {
    config_error(codec, "configuration 'id' is " + id.dump() + ", expected \"" + std::string(codec) + "\"");
  }
}

DType get_dtype(std::string_view codec, const json& config, std::string_view key,
                std::optional<DType> fallback) {
  if (!has(config, key)) {
    if (!fallback) config_error(codec, "configuration field '" + std::string(key) + "' is required");
    return *fallback;
  }
  const json& v = config.at(std::string(key));
  if (!v.is_string()) config_error(codec, "'" + std::string(key) + "' must be a numpy type string, got " + v.dump());
  std::string s = v.get<std::string>();
  std::optional<DType> t;
  try {
    if (!s.empty() && s[0] >= 'a' && s[0] <= 'z' && s.size() <= 3) {
      t = DType::from_typestr("=" + s);
    } else if (!s.empty() && (s[0] == '<' || s[0] == '>' || s[0] == '|' || s[0] == '=')) {
      t = DType::from_typestr(s);
    } else {
      t = DType::from_zarr_v3_name(s);
    }
  } catch (const Error&) {  // not a type at all: refused below
  }
  // Only numbers: the casts compute with them (times, text and raw bytes
  // parse as types but are not numbers).
  if (!t || !t->is_number()) {
    config_error(codec, "'" + std::string(key) + "' \"" + s +
                            "\" is not a supported numeric type (bool, [u]int8..64, float16/32/64, complex64/128)");
  }
  return *t;
}

NDArray cast_array(const NDArray& in, const DType& type, const Shape& shape) {
  NDArray out = NDArray::empty(type, shape);
  auto* o = static_cast<uint8_t*>(out.data());
  const int64_t osize = type.itemsize();
  for_each_run(in, INT64_MAX, [&](const uint8_t* p, int64_t stride, int64_t n) {
    cast_elements(p, stride, in.dtype(), o, osize, type, n);
    o += n * osize;
  });
  return out;
}

void check_element_count(std::string_view codec, const NDArray& encoded, const ChunkSpec& decoded) {
  if (encoded.size() != decoded.num_elements()) {
    corrupt_error(codec, "got " + std::to_string(encoded.size()) + " encoded elements, the chunk has " +
                             std::to_string(decoded.num_elements()));
  }
}

NDArray cast_back(std::string_view codec, const NDArray& encoded, const DType& encoded_type,
                  const DType& decoded_type, const ChunkSpec& decoded) {
  const NDArray in = view_as(codec, encoded, encoded_type);
  check_element_count(codec, in, decoded);
  NDArray out = cast_array(in, decoded_type, decoded.shape);
  return decoded.dtype == decoded_type ? out : view_as(codec, out, decoded.dtype);
}

NDArray view_as(std::string_view codec, const NDArray& a, const DType& type) {
  if (!host_accessible(a.kind())) {
    throw Error(ErrorCode::kInvalidArgument, std::string(codec) + ": needs host memory, got " + to_string(a.kind()));
  }
  if (a.itemsize() != type.itemsize()) {
    throw Error(ErrorCode::kInvalidArgument, std::string(codec) + ": got an array of " + a.dtype().typestr() +
                                                 ", expected items of " + std::to_string(type.itemsize()) +
                                                 " bytes (" + type.typestr() + ")");
  }
  return a.dtype() == type ? a : a.with_dtype(type);
}

ChunkSpec encoded_spec_of(const ArrayToArrayCodec& codec, const ChunkSpec& decoded, const DType& encoded_type) {
  ChunkSpec out{encoded_type, decoded.shape, {}};
  // The encoded fill value: one fill element (zero bytes when none is given)
  // through the filter.
  alignas(16) uint8_t fill[16] = {};
  if (!decoded.fill_value.empty()) {
    if (decoded.fill_value.size() != decoded.dtype.itemsize()) {
      config_error(codec.name(), "fill value has " + std::to_string(decoded.fill_value.size()) +
                                     " bytes, the data type " + decoded.dtype.typestr() + " has " +
                                     std::to_string(decoded.dtype.itemsize()));
    }
    std::memcpy(fill, decoded.fill_value.data(), decoded.fill_value.size());
  }
  auto buffer = Buffer::wrap(fill, sizeof(fill), BufferKind::kHost, 0, true, nullptr);
  NDArray one(buffer, decoded.dtype, Shape(decoded.shape.size(), 1), Shape(decoded.shape.size(), 0), 0, true);
  NDArray enc = codec.encode(one);
  out.fill_value.resize(encoded_type.itemsize());
  std::memcpy(out.fill_value.data(), enc.data(), out.fill_value.size());
  return out;
}

}  // namespace zarrnative::codec::numpy_like
