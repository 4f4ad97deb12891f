#include "codec/array_to_array/delta_codec.h"

#include <string>
#include <type_traits>

#include "codec/array_to_array/numpy_cast.h"
#include "codec/config_util.h"
#include "zarrnative/codec/registry.h"
#include "zarrnative/common/error.h"

namespace zarrnative::codec {
namespace {

using namespace numpy_like;

class DeltaCodec final : public ArrayToArrayCodec {
 public:
  DeltaCodec(DType dtype, DType astype)
      : dtype_(dtype), astype_(astype), sum_type_(promote_types(astype, dtype)) {}

  std::string_view name() const override { return names::kDelta; }

  json to_json() const override {
    return {{"id", names::kDelta}, {"dtype", dtype_.typestr()}, {"astype", astype_.typestr()}};
  }

  ChunkSpec encoded_spec(const ChunkSpec& decoded) const override {
    return encoded_spec_of(*this, decoded, astype_);
  }

  NDArray encode(const NDArray& decoded) const override {
    const NDArray in = view_as(name(), decoded, dtype_);
    NDArray out = NDArray::empty(astype_, in.shape());
    const DType work = native(dtype_);
    ByteBuffer scratch(static_cast<size_t>(kRunElements) * work.itemsize());
    auto* o = static_cast<uint8_t*>(out.data());
    const int64_t osize = astype_.itemsize();
    visit_arithmetic(work, [&](auto tag) {  // booleans are refused by the factory
      using T = typename decltype(tag)::type;
      T prev{};
      bool first = true;
      for_each_run(in, kRunElements, [&](const uint8_t* p, int64_t stride, int64_t n) {
        T* t = reinterpret_cast<T*>(scratch.data());
        cast_elements(p, stride, dtype_, scratch.data(), sizeof(T), work, n);
        const T last = t[n - 1];
        // Backwards, in place: each difference reads an original value.
        for (int64_t i = n - 1; i > 0; --i) t[i] = np_sub(t[i], t[i - 1]);
        if (!first) t[0] = np_sub(t[0], prev);
        first = false;
        prev = last;
        cast_elements(scratch.data(), sizeof(T), work, o, osize, astype_, n);
        o += n * osize;
      });
    });
    return out;
  }

  NDArray decode(const NDArray& encoded, const ChunkSpec& decoded_spec) const override {
    const NDArray in = view_as(name(), encoded, astype_);
    check_element_count(name(), in, decoded_spec);
    NDArray out = NDArray::empty(dtype_, decoded_spec.shape);
    ByteBuffer scratch(static_cast<size_t>(kRunElements) * sum_type_.itemsize());
    auto* o = static_cast<uint8_t*>(out.data());
    const int64_t osize = dtype_.itemsize();
    visit_arithmetic(sum_type_, [&](auto tag) {
      using S = typename decltype(tag)::type;
      S acc{};
      bool first = true;
      for_each_run(in, kRunElements, [&](const uint8_t* p, int64_t stride, int64_t n) {
        S* t = reinterpret_cast<S*>(scratch.data());
        cast_elements(p, stride, astype_, scratch.data(), sizeof(S), sum_type_, n);
        int64_t i = 0;
        if (first) {  // np.cumsum starts from the first element itself (keeps -0.0)
          acc = t[0];
          i = 1;
          first = false;
        }
        for (; i < n; ++i) t[i] = acc = np_add(acc, t[i]);
        cast_elements(scratch.data(), sizeof(S), sum_type_, o, osize, dtype_, n);
        o += n * osize;
      });
    });
    return decoded_spec.dtype == dtype_ ? out : view_as(name(), out, decoded_spec.dtype);
  }

 private:
  DType dtype_;     // decoded
  DType astype_;    // encoded
  DType sum_type_;  // what np.cumsum accumulates in
};

}  // namespace

std::shared_ptr<const ArrayToArrayCodec> make_delta_codec(const json& config, const ChunkSpec& input) {
  constexpr std::string_view kName = names::kDelta;
  require_object(kName, config);
  allow_only(kName, config, {"id", "dtype", "astype"});
  check_id(kName, config);
  const DType dtype = get_dtype(kName, config, "dtype", std::nullopt);
  const DType astype = get_dtype(kName, config, "astype", dtype);
  if (dtype.kind() == DTypeKind::kBool || astype.kind() == DTypeKind::kBool) {
    config_error(kName, "boolean data types are not supported (numpy's diff of booleans is XOR and its "
                        "cumsum OR, so numcodecs' Delta does not round-trip them)");
  }
  if (dtype.itemsize() != input.dtype.itemsize()) {
    config_error(kName, "'dtype' " + dtype.typestr() + " has " + std::to_string(dtype.itemsize()) +
                            "-byte items, the array's data type " + input.dtype.zarr_v3_name() + " has " +
                            std::to_string(input.dtype.itemsize()));
  }
  return std::make_shared<DeltaCodec>(dtype, astype);
}

}  // namespace zarrnative::codec
