#include "codec/array_to_array/quantize_codec.h"

#include <cmath>
#include <cstdint>
#include <string>
#include <type_traits>

#include "codec/array_to_array/numpy_cast.h"
#include "codec/config_util.h"
#include "zarrnative/codec/registry.h"

namespace zarrnative::codec {
namespace {

using namespace numpy_like;

// The power of two numcodecs' Quantize multiplies by for `digits`.
double quantize_scale(int64_t digits) {
  const double precision = std::pow(10.0, static_cast<double>(-digits));
  const double e = std::log10(precision);
  const double exp = e < 0 ? std::floor(e) : std::ceil(e);
  const double bits = std::ceil(std::log2(std::pow(10.0, -exp)));
  return std::pow(2.0, bits);
}

class QuantizeCodec final : public ArrayToArrayCodec {
 public:
  QuantizeCodec(int64_t digits, DType dtype, DType astype)
      : digits_(digits), scale_(quantize_scale(digits)), dtype_(dtype), astype_(astype) {}

  std::string_view name() const override { return names::kQuantize; }

  json to_json() const override {
    return {{"id", names::kQuantize}, {"digits", digits_}, {"dtype", dtype_.typestr()}, {"astype", astype_.typestr()}};
  }

  ChunkSpec encoded_spec(const ChunkSpec& decoded) const override { return encoded_spec_of(*this, decoded, astype_); }

  NDArray encode(const NDArray& decoded) const override {
    const NDArray in = view_as(name(), decoded, dtype_);
    const DType work = native(dtype_);
    NDArray out = NDArray::empty(astype_, in.shape());
    ByteBuffer scratch(static_cast<size_t>(kRunElements * work.itemsize()));
    auto* o = static_cast<uint8_t*>(out.data());
    const int64_t osize = astype_.itemsize();
    for_each_run(in, kRunElements, [&](const uint8_t* p, int64_t stride, int64_t n) {
      cast_elements(p, stride, dtype_, scratch.data(), work.itemsize(), work, n);
      visit_arithmetic(work, [&](auto tag) {
        using T = typename decltype(tag)::type;
        if constexpr (is_float_v<T> && !is_complex_v<T>) {  // always: the factory checks
          T* t = reinterpret_cast<T*>(scratch.data());
          const T s = cast_value<T>(scale_);  // a Python float meets a float array: the array's type
          for (int64_t i = 0; i < n; ++i) t[i] = np_div(np_rint(np_mul(t[i], s)), s);
        }
      });
      cast_elements(scratch.data(), work.itemsize(), work, o, osize, astype_, n);
      o += n * osize;
    });
    return out;
  }

  NDArray decode(const NDArray& encoded, const ChunkSpec& decoded_spec) const override {
    return cast_back(name(), encoded, astype_, dtype_, decoded_spec);
  }

 private:
  int64_t digits_;
  double scale_;
  DType dtype_, astype_;
};

// The bits of a float's mantissa (numcodecs' table).
int mantissa_bits(const DType& t) { return t.itemsize() == 2 ? 10 : t.itemsize() == 4 ? 23 : 52; }

class BitRoundCodec final : public ArrayToArrayCodec {
 public:
  explicit BitRoundCodec(int64_t keepbits) : keepbits_(keepbits) {}

  std::string_view name() const override { return names::kBitRound; }
  json to_json() const override { return {{"id", names::kBitRound}, {"keepbits", keepbits_}}; }
  ChunkSpec encoded_spec(const ChunkSpec& decoded) const override {
    return encoded_spec_of(*this, decoded, decoded.dtype);
  }

  NDArray encode(const NDArray& decoded) const override {
    const DType& t = decoded.dtype();
    check(t.kind() == DTypeKind::kFloat, ErrorCode::kTypeError, "bitround: only float arrays can be bit-rounded");
    const DType work = native(t);
    NDArray out = NDArray::empty(t, decoded.shape());
    ByteBuffer scratch(static_cast<size_t>(kRunElements * work.itemsize()));
    auto* o = static_cast<uint8_t*>(out.data());
    const int bits = mantissa_bits(t);
    for_each_run(decoded, kRunElements, [&](const uint8_t* p, int64_t stride, int64_t n) {
      cast_elements(p, stride, t, scratch.data(), work.itemsize(), work, n);  // to the machine's order
      if (keepbits_ < bits) {
        auto round = [&](auto* u) {
          using U = std::remove_pointer_t<decltype(u)>;
          const int drop = bits - static_cast<int>(keepbits_);
          const U mask = static_cast<U>(~U{0} << drop);
          const U half_quantum = static_cast<U>((U{1} << (drop - 1)) - 1);
          for (int64_t i = 0; i < n; ++i) {
            U v = u[i];
            v = static_cast<U>(v + ((v >> drop) & U{1}) + half_quantum);  // wraps, as numpy's integers
            u[i] = static_cast<U>(v & mask);
          }
        };
        if (t.itemsize() == 2) round(reinterpret_cast<uint16_t*>(scratch.data()));
        else if (t.itemsize() == 4) round(reinterpret_cast<uint32_t*>(scratch.data()));
        else round(reinterpret_cast<uint64_t*>(scratch.data()));
      }
      cast_elements(scratch.data(), work.itemsize(), work, o, t.itemsize(), t, n);
      o += n * t.itemsize();
    });
    return out;
  }

  NDArray decode(const NDArray& encoded, const ChunkSpec& decoded_spec) const override {
    check_element_count(name(), encoded, decoded_spec);
    return view_as(name(), encoded, decoded_spec.dtype);
  }

 private:
  int64_t keepbits_;
};

}  // namespace

std::shared_ptr<const ArrayToArrayCodec> make_quantize_codec(const json& config, const ChunkSpec& input) {
  constexpr std::string_view kName = names::kQuantize;
  require_object(kName, config);
  allow_only(kName, config, {"id", "digits", "dtype", "astype"});
  check_id(kName, config);
  const int64_t digits = get_int(kName, config, "digits", std::nullopt, -300, 300);
  const DType dtype = get_dtype(kName, config, "dtype", std::nullopt);
  const DType astype = get_dtype(kName, config, "astype", dtype);
  if (dtype.kind() != DTypeKind::kFloat || astype.kind() != DTypeKind::kFloat) {
    config_error(kName, "only floating point data types are supported (dtype " + dtype.typestr() + ", astype " +
                            astype.typestr() + ")");
  }
  if (dtype.itemsize() != input.dtype.itemsize()) {
    config_error(kName, "'dtype' " + dtype.typestr() + " has " + std::to_string(dtype.itemsize()) +
                            "-byte items, the array's data type " + input.dtype.zarr_v3_name() + " has " +
                            std::to_string(input.dtype.itemsize()));
  }
  return std::make_shared<QuantizeCodec>(digits, dtype, astype);
}

std::shared_ptr<const ArrayToArrayCodec> make_bitround_codec(const json& config, const ChunkSpec& input) {
  constexpr std::string_view kName = names::kBitRound;
  require_object(kName, config);
  allow_only(kName, config, {"id", "keepbits"});
  check_id(kName, config);
  const int64_t keepbits = get_int(kName, config, "keepbits", std::nullopt, INT64_MIN, INT64_MAX);
  if (input.dtype.kind() != DTypeKind::kFloat) {
    config_error(kName, "only float arrays (16 to 64 bits) can be bit-rounded, got " + input.dtype.zarr_v3_name());
  }
  if (keepbits < 0) config_error(kName, "'keepbits' must be zero or positive");
  if (keepbits > mantissa_bits(input.dtype)) {
    config_error(kName, "'keepbits' " + std::to_string(keepbits) + " is more than the " +
                            std::to_string(mantissa_bits(input.dtype)) + " mantissa bits of " +
                            input.dtype.zarr_v3_name());
  }
  return std::make_shared<BitRoundCodec>(keepbits);
}

}  // namespace zarrnative::codec
