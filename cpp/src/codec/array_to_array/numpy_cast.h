// numpy's element semantics for the numcodecs filters (delta,
// fixedscaleoffset, astype). Private to the codec implementations.
//
// The filters must write the bytes numcodecs writes, so arithmetic and casts
// follow numpy 2 exactly where numpy defines them:
//   - integers wrap around (two's complement);
//   - float16 arithmetic is done in float32 and rounded back per operation;
//   - complex multiply/divide use numpy's formulas (not std::complex's
//     Annex G versions, whose last bits may differ);
//   - casts are those of ndarray.astype(casting='unsafe'): float -> int
//     truncates toward zero, complex -> real drops the imaginary part,
//     anything -> bool is "!= 0".
// Float -> int casts of NaN or out-of-range values are undefined in C and in
// numpy (which warns "invalid value encountered in cast"); here they give what
// numpy's scalar loops give on x86-64 (cvttsd2si). numpy's SIMD loops differ
// for uint32 targets, so there numpy's own answer depends on the array length.
#pragma once

#include <cmath>
#include <complex>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <string_view>
#include <type_traits>

#include "zarrnative/codec/codec.h"
#include "zarrnative/common/dtype.h"
#include "zarrnative/common/error.h"
#include "zarrnative/ndarray/ndarray.h"

namespace zarrnative::codec::numpy_like {

// IEEE binary16, stored as its bits.
struct Half {
  uint16_t bits = 0;
};
float half_to_float(uint16_t h);
// Correctly rounded (nearest, ties to even), as numpy's npy_double_to_half.
uint16_t double_to_half(double d);

template <class T> struct is_complex : std::false_type {};
template <class T> struct is_complex<std::complex<T>> : std::true_type {};
template <class T> inline constexpr bool is_complex_v = is_complex<T>::value;
template <class T> inline constexpr bool is_float_v =
    std::is_floating_point_v<T> || std::is_same_v<T, Half> || is_complex_v<T>;

// Calls f(std::type_identity<T>{}) with the C++ type of `t`'s kind and size
// (byte order is the caller's business).
template <class F>
decltype(auto) visit_type(const DType& t, F&& f) {
  const uint32_t n = t.itemsize();
  switch (t.kind()) {
    case DTypeKind::kBool: return f(std::type_identity<bool>{});
    case DTypeKind::kInt:
      if (n == 1) return f(std::type_identity<int8_t>{});
      if (n == 2) return f(std::type_identity<int16_t>{});
      if (n == 4) return f(std::type_identity<int32_t>{});
      return f(std::type_identity<int64_t>{});
    case DTypeKind::kUInt:
      if (n == 1) return f(std::type_identity<uint8_t>{});
      if (n == 2) return f(std::type_identity<uint16_t>{});
      if (n == 4) return f(std::type_identity<uint32_t>{});
      return f(std::type_identity<uint64_t>{});
    case DTypeKind::kFloat:
      if (n == 2) return f(std::type_identity<Half>{});
      if (n == 4) return f(std::type_identity<float>{});
      return f(std::type_identity<double>{});
    case DTypeKind::kComplex:
      if (n == 8) return f(std::type_identity<std::complex<float>>{});
      return f(std::type_identity<std::complex<double>>{});
    case DTypeKind::kString:
    case DTypeKind::kBytes: break;  // not numeric: numpy casts never see them
  }
  return f(std::type_identity<uint8_t>{});  // unreachable: DType validates kinds
}

// visit_type for arithmetic: f is not instantiated for bool (whose
// arithmetic numpy defines differently); a bool `t` is an internal error.
template <class F>
void visit_arithmetic(const DType& t, F&& f) {
  visit_type(t, [&](auto tag) {
    if constexpr (std::is_same_v<typename decltype(tag)::type, bool>) {
      throw Error(ErrorCode::kInternal, "boolean arithmetic requested from a numcodecs filter");
    } else {
      f(tag);
    }
  });
}

// x86-64 scalar conversions (cvttsd2si): out of range or NaN -> INT_MIN.
inline int32_t trunc_i32(double x) {
  return x > -2147483649.0 && x < 2147483648.0 ? static_cast<int32_t>(x) : INT32_MIN;
}
inline int64_t trunc_i64(double x) {
  return x >= -9223372036854775808.0 && x < 9223372036854775808.0 ? static_cast<int64_t>(x) : INT64_MIN;
}

template <class To>
To float_to_int(double x) {
  if constexpr (sizeof(To) < 4) {
    return static_cast<To>(trunc_i32(x));  // through int32, then wrap
  } else if constexpr (std::is_same_v<To, int32_t>) {
    return trunc_i32(x);
  } else if constexpr (std::is_same_v<To, uint32_t>) {
    return static_cast<uint32_t>(trunc_i64(x));
  } else if constexpr (std::is_same_v<To, int64_t>) {
    return trunc_i64(x);
  } else {
    constexpr double k2p63 = 9223372036854775808.0;
    if (!(x >= k2p63)) return static_cast<uint64_t>(trunc_i64(x));  // NaN takes this branch too
    return static_cast<uint64_t>(trunc_i64(x - k2p63)) ^ (uint64_t{1} << 63);
  }
}

// numpy's astype of one value.
template <class To, class From>
To cast_value(From v) {
  if constexpr (std::is_same_v<To, From>) {
    return v;
  } else if constexpr (is_complex_v<From>) {
    if constexpr (std::is_same_v<To, bool>) {
      return v.real() != 0 || v.imag() != 0;
    } else if constexpr (is_complex_v<To>) {
      using C = typename To::value_type;
      return To(static_cast<C>(v.real()), static_cast<C>(v.imag()));
    } else {
      return cast_value<To>(v.real());
    }
  } else if constexpr (std::is_same_v<From, Half>) {
    if constexpr (std::is_same_v<To, bool>) return (v.bits & 0x7FFF) != 0;
    else return cast_value<To>(half_to_float(v.bits));
  } else if constexpr (std::is_same_v<From, bool>) {
    return cast_value<To>(static_cast<uint8_t>(v ? 1 : 0));
  } else if constexpr (std::is_same_v<To, bool>) {
    return v != 0;
  } else if constexpr (is_complex_v<To>) {
    using C = typename To::value_type;
    return To(cast_value<C>(v), C(0));
  } else if constexpr (std::is_same_v<To, Half>) {
    return Half{double_to_half(static_cast<double>(v))};
  } else if constexpr (std::is_floating_point_v<To> || std::is_integral_v<From>) {
    return static_cast<To>(v);  // int -> int wraps (C++20), others round to nearest
  } else {
    return float_to_int<To>(static_cast<double>(v));
  }
}

// Arithmetic in T as numpy's ufuncs do it for two operands of type T.
template <class T>
T np_add(T a, T b) {
  if constexpr (std::is_same_v<T, Half>) {
    return Half{double_to_half(half_to_float(a.bits) + half_to_float(b.bits))};
  } else if constexpr (std::is_integral_v<T>) {
    using W = std::conditional_t<(sizeof(T) < 4), uint32_t, std::make_unsigned_t<T>>;
    return static_cast<T>(static_cast<W>(a) + static_cast<W>(b));
  } else {
    return a + b;
  }
}
template <class T>
T np_sub(T a, T b) {
  if constexpr (std::is_same_v<T, Half>) {
    return Half{double_to_half(half_to_float(a.bits) - half_to_float(b.bits))};
  } else if constexpr (std::is_integral_v<T>) {
    using W = std::conditional_t<(sizeof(T) < 4), uint32_t, std::make_unsigned_t<T>>;
    return static_cast<T>(static_cast<W>(a) - static_cast<W>(b));
  } else {
    return a - b;
  }
}
template <class T>
T np_mul(T a, T b) {
  if constexpr (std::is_same_v<T, Half>) {
    return Half{double_to_half(half_to_float(a.bits) * half_to_float(b.bits))};
  } else if constexpr (std::is_integral_v<T>) {
    using W = std::conditional_t<(sizeof(T) < 4), uint32_t, std::make_unsigned_t<T>>;
    return static_cast<T>(static_cast<W>(a) * static_cast<W>(b));
  } else if constexpr (is_complex_v<T>) {
    return T(a.real() * b.real() - a.imag() * b.imag(), a.real() * b.imag() + a.imag() * b.real());
  } else {
    return a * b;
  }
}
// True division for floating types (numpy's Smith-style complex division).
template <class T>
T np_div(T a, T b) {
  if constexpr (std::is_same_v<T, Half>) {
    return Half{double_to_half(half_to_float(a.bits) / half_to_float(b.bits))};
  } else if constexpr (is_complex_v<T>) {
    using C = typename T::value_type;
    const C ar = a.real(), ai = a.imag(), br = b.real(), bi = b.imag();
    if (std::fabs(br) >= std::fabs(bi)) {
      if (br == 0 && bi == 0) return T(ar / std::fabs(br), ai / std::fabs(br));
      const C rat = bi / br, scl = C(1) / (br + bi * rat);
      return T((ar + ai * rat) * scl, (ai - ar * rat) * scl);
    }
    const C rat = br / bi, scl = C(1) / (bi + br * rat);
    return T((ar * rat + ai) * scl, (ai * rat - ar) * scl);
  } else {
    static_assert(std::is_floating_point_v<T>, "np_div is for floating types");
    return a / b;
  }
}
// np.around(x) (decimals=0): round half to even; integers unchanged.
template <class T>
T np_rint(T a) {
  if constexpr (std::is_same_v<T, Half>) {
    return Half{double_to_half(std::nearbyint(half_to_float(a.bits)))};
  } else if constexpr (is_complex_v<T>) {
    return T(std::nearbyint(a.real()), std::nearbyint(a.imag()));
  } else if constexpr (std::is_floating_point_v<T>) {
    return std::nearbyint(a);
  } else {
    return a;
  }
}

// Converts n elements as numpy's astype does: src elements of `src_type`
// (its byte order) every `src_stride` bytes, into dst elements of `dst_type`
// (its byte order) every `dst_stride` bytes.
void cast_elements(const uint8_t* src, int64_t src_stride, const DType& src_type, uint8_t* dst,
                   int64_t dst_stride, const DType& dst_type, int64_t n);

// numpy.result_type(a, b), in the machine's byte order.
DType promote_types(const DType& a, const DType& b);

// `t` in the machine's byte order: the type of scratch buffers.
inline DType native(const DType& t) { return t.with_byte_order(native_byte_order()); }

// Walks the elements of a host array in C order, as runs of at most
// `max_run` elements: fn(const uint8_t* first, int64_t stride_bytes, int64_t n).
// Dimensions that are contiguous with each other are merged first.
void for_each_run(const NDArray& a, int64_t max_run,
                  const std::function<void(const uint8_t*, int64_t, int64_t)>& fn);

// Elements per run in the filters' scratch buffers (64 KiB of complex128).
inline constexpr int64_t kRunElements = 4096;

// --- shared by the numcodecs filters ---------------------------------------

// A numcodecs config may carry its "id"; if so it must name this codec.
void check_id(std::string_view codec, const json& config);

// The data type in config[key]: a numpy typestr ("<i4", ">f8", "|u1"; "i4"
// means the machine's order) or a Zarr v3 name ("int32"). `fallback` when
// absent (nullopt: required).
DType get_dtype(std::string_view codec, const json& config, std::string_view key,
                std::optional<DType> fallback);

// `in` (host, any strides) cast as numpy's astype into a new C-ordered
// array of `type` and `shape` (of as many elements).
NDArray cast_array(const NDArray& in, const DType& type, const Shape& shape);

// An encoded chunk must hold as many elements as the decoded chunk; a
// corrupt-chunk error naming `codec` otherwise.
void check_element_count(std::string_view codec, const NDArray& encoded, const ChunkSpec& decoded);

// decode() of a filter that only casts (astype, quantize): `encoded`, of
// `encoded_type`, cast back to `decoded_type` in the decoded chunk's shape,
// and relabelled as the chunk's own type where that differs in byte order.
NDArray cast_back(std::string_view codec, const NDArray& encoded, const DType& encoded_type,
                  const DType& decoded_type, const ChunkSpec& decoded);

// `a` (host memory) relabelled as `type`, as numcodecs' ndarray.view(type)
// does; refuses device memory and a different item size. The filters are
// elementwise: any shape is fine.
NDArray view_as(std::string_view codec, const NDArray& a, const DType& type);

// The encoded spec of an elementwise filter: same shape, `encoded_type`, and
// the fill value passed through the filter's encode().
ChunkSpec encoded_spec_of(const ArrayToArrayCodec& codec, const ChunkSpec& decoded, const DType& encoded_type);

}  // namespace zarrnative::codec::numpy_like
