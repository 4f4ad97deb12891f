#include "codec/array_to_array/fixedscaleoffset_codec.h"

#include <limits>
#include <string>
#include <type_traits>

#include "codec/array_to_array/numpy_cast.h"
#include "codec/config_util.h"
#include "zarrnative/codec/registry.h"

namespace zarrnative::codec {
namespace {

using namespace numpy_like;

// A Python number from the configuration: numpy 2 treats ints and floats
// differently, so the distinction is kept.
struct PyNumber {
  json value;
  bool is_int = false;
  __int128 i = 0;  // when is_int
  double d = 0;    // when !is_int

  // The value converted to T the way numpy converts a Python scalar operand
  // to the array's type (integers were range-checked by the factory).
  template <class T>
  T as() const {
    if constexpr (std::is_integral_v<T>) return static_cast<T>(i);
    else return cast_value<T>(is_int ? static_cast<double>(i) : d);
  }
};

PyNumber get_number(std::string_view codec, const json& config, const char* key) {
  if (!has(config, key)) config_error(codec, std::string("configuration field '") + key + "' is required");
  const json& v = config.at(key);
  PyNumber n{v};
  if (v.is_number_unsigned()) {
    n.is_int = true;
    n.i = v.get<uint64_t>();
  } else if (v.is_number_integer()) {
    n.is_int = true;
    n.i = v.get<int64_t>();
  } else if (v.is_number_float()) {
    n.d = v.get<double>();
  } else {
    config_error(codec, std::string("'") + key + "' must be a number, got " + v.dump());
  }
  return n;
}

bool fits(const PyNumber& n, const DType& t) {
  bool ok = false;
  visit_type(t, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_integral_v<T>) {
      ok = n.i >= std::numeric_limits<T>::min() && n.i <= std::numeric_limits<T>::max();
    }
  });
  return ok;
}

const DType kFloat64(DTypeKind::kFloat, 8);

bool is_integer(const DType& t) { return t.kind() == DTypeKind::kInt || t.kind() == DTypeKind::kUInt; }

class FixedScaleOffsetCodec final : public ArrayToArrayCodec {
 public:
  // numpy 2's promotion with Python scalars: `x - offset` stays in dtype
  // unless an integer dtype meets a float offset (float64); likewise for
  // `* scale`. Division always gives a float: float64 for an integer (or
  // bool) astype.
  FixedScaleOffsetCodec(PyNumber offset, PyNumber scale, DType dtype, DType astype)
      : offset_(std::move(offset)),
        scale_(std::move(scale)),
        dtype_(dtype),
        astype_(astype),
        sub_type_(is_integer(dtype) && !offset_.is_int ? kFloat64 : native(dtype)),
        mul_type_(is_integer(sub_type_) && !scale_.is_int ? kFloat64 : sub_type_),
        div_type_(astype.kind() == DTypeKind::kFloat || astype.kind() == DTypeKind::kComplex ? native(astype)
                                                                                              : kFloat64) {}

  std::string_view name() const override { return names::kFixedScaleOffset; }

  json to_json() const override {
    return {{"id", names::kFixedScaleOffset}, {"scale", scale_.value}, {"offset", offset_.value},
            {"dtype", dtype_.typestr()},       {"astype", astype_.typestr()}};
  }

  ChunkSpec encoded_spec(const ChunkSpec& decoded) const override {
    return encoded_spec_of(*this, decoded, astype_);
  }

  NDArray encode(const NDArray& decoded) const override {
    const NDArray in = view_as(name(), decoded, dtype_);
    NDArray out = NDArray::empty(astype_, in.shape());
    ByteBuffer a(kRunElements * sub_type_.itemsize()), b(kRunElements * mul_type_.itemsize());
    auto* o = static_cast<uint8_t*>(out.data());
    const int64_t osize = astype_.itemsize();
    for_each_run(in, kRunElements, [&](const uint8_t* p, int64_t stride, int64_t n) {
      cast_elements(p, stride, dtype_, a.data(), sub_type_.itemsize(), sub_type_, n);
      visit_arithmetic(sub_type_, [&](auto tag) {
        using A = typename decltype(tag)::type;
        A* t = reinterpret_cast<A*>(a.data());
        const A off = offset_.as<A>();
        for (int64_t i = 0; i < n; ++i) t[i] = np_sub(t[i], off);
      });
      uint8_t* bp = a.data();
      if (mul_type_ != sub_type_) {
        cast_elements(a.data(), sub_type_.itemsize(), sub_type_, b.data(), mul_type_.itemsize(), mul_type_, n);
        bp = b.data();
      }
      visit_arithmetic(mul_type_, [&](auto tag) {
        using B = typename decltype(tag)::type;
        B* t = reinterpret_cast<B*>(bp);
        const B sc = scale_.as<B>();
        for (int64_t i = 0; i < n; ++i) t[i] = np_rint(np_mul(t[i], sc));
      });
      cast_elements(bp, mul_type_.itemsize(), mul_type_, o, osize, astype_, n);
      o += n * osize;
    });
    return out;
  }

  NDArray decode(const NDArray& encoded, const ChunkSpec& decoded_spec) const override {
    const NDArray in = view_as(name(), encoded, astype_);
    check_element_count(name(), in, decoded_spec);
    NDArray out = NDArray::empty(dtype_, decoded_spec.shape);
    ByteBuffer scratch(kRunElements * div_type_.itemsize());
    auto* o = static_cast<uint8_t*>(out.data());
    const int64_t osize = dtype_.itemsize();
    for_each_run(in, kRunElements, [&](const uint8_t* p, int64_t stride, int64_t n) {
      cast_elements(p, stride, astype_, scratch.data(), div_type_.itemsize(), div_type_, n);
      visit_arithmetic(div_type_, [&](auto tag) {
        using D = typename decltype(tag)::type;
        if constexpr (is_float_v<D>) {  // always: see the constructor
          D* t = reinterpret_cast<D*>(scratch.data());
          const D sc = scale_.as<D>(), off = offset_.as<D>();
          for (int64_t i = 0; i < n; ++i) t[i] = np_add(np_div(t[i], sc), off);
        }
      });
      cast_elements(scratch.data(), div_type_.itemsize(), div_type_, o, osize, dtype_, n);
      o += n * osize;
    });
    return decoded_spec.dtype == dtype_ ? out : view_as(name(), out, decoded_spec.dtype);
  }

 private:
  PyNumber offset_, scale_;
  DType dtype_;      // decoded
  DType astype_;     // encoded
  DType sub_type_;   // x - offset is computed in this type,
  DType mul_type_;   // then * scale in this one (and rounded),
  DType div_type_;   // and decoding in this one.
};

}  // namespace

std::shared_ptr<const ArrayToArrayCodec> make_fixedscaleoffset_codec(const json& config, const ChunkSpec& input) {
  constexpr std::string_view kName = names::kFixedScaleOffset;
  require_object(kName, config);
  allow_only(kName, config, {"id", "offset", "scale", "dtype", "astype"});
  check_id(kName, config);
  PyNumber offset = get_number(kName, config, "offset");
  PyNumber scale = get_number(kName, config, "scale");
  const DType dtype = get_dtype(kName, config, "dtype", std::nullopt);
  const DType astype = get_dtype(kName, config, "astype", dtype);
  if (dtype.kind() == DTypeKind::kBool) {
    config_error(kName, "'dtype' bool is not supported (numpy computes bool - offset in int64)");
  }
  if (dtype.itemsize() != input.dtype.itemsize()) {
    config_error(kName, "'dtype' " + dtype.typestr() + " has " + std::to_string(dtype.itemsize()) +
                            "-byte items, the array's data type " + input.dtype.zarr_v3_name() + " has " +
                            std::to_string(input.dtype.itemsize()));
  }
  // numpy 2 refuses a Python int operand that its integer array type cannot
  // hold (OverflowError); refuse it here, once.
  if (is_integer(dtype) && offset.is_int && !fits(offset, dtype)) {
    config_error(kName, "'offset' " + offset.value.dump() + " is out of range for " + dtype.zarr_v3_name() +
                            " (numpy refuses it too)");
  }
  if (is_integer(dtype) && offset.is_int && scale.is_int && !fits(scale, dtype)) {
    config_error(kName, "'scale' " + scale.value.dump() + " is out of range for " + dtype.zarr_v3_name() +
                            " (numpy refuses it too)");
  }
  return std::make_shared<FixedScaleOffsetCodec>(std::move(offset), std::move(scale), dtype, astype);
}

}  // namespace zarrnative::codec
