#include "codec/array_to_array/transpose_codec.h"

#include <string>
#include <vector>

#include "codec/config_util.h"
#include "zarrnative/codec/registry.h"
#include "zarrnative/common/error.h"

namespace zarrnative::codec {
namespace {

std::string dims_string(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

class TransposeCodec final : public ArrayToArrayCodec {
 public:
  explicit TransposeCodec(std::vector<int64_t> order) : order_(std::move(order)), inverse_(order_.size()) {
    for (size_t i = 0; i < order_.size(); ++i) inverse_[static_cast<size_t>(order_[i])] = static_cast<int64_t>(i);
  }

  std::string_view name() const override { return names::kTranspose; }

  json to_json() const override { return {{"name", names::kTranspose}, {"configuration", {{"order", order_}}}}; }

  ChunkSpec encoded_spec(const ChunkSpec& decoded) const override {
    check_ndim(decoded.shape.size(), "chunk");
    ChunkSpec out = decoded;
    out.shape = permute(decoded.shape, order_);
    return out;
  }

  NDArray encode(const NDArray& decoded) const override { return view(decoded, order_); }

  // encode() is a view of the same buffer: a pipeline decodes straight into
  // encode(destination).
  bool encodes_to_view() const override { return true; }

  NDArray decode(const NDArray& encoded, const ChunkSpec& decoded_spec) const override {
    NDArray out = view(encoded, inverse_);
    if (out.shape() != decoded_spec.shape) {
      corrupt_error(name(), "encoded array of shape " + dims_string(encoded.shape()) +
                                " does not transpose to the chunk's shape " + dims_string(decoded_spec.shape));
    }
    return out;
  }

 private:
  void check_ndim(size_t ndim, const char* what) const {
    if (ndim != order_.size()) {
      throw Error(ErrorCode::kInvalidArgument, "transpose: order " + dims_string(order_) + " does not fit a " +
                                                   what + " of " + std::to_string(ndim) + " dimensions");
    }
  }

  static Shape permute(const Shape& s, const std::vector<int64_t>& perm) {
    Shape out(perm.size());
    for (size_t i = 0; i < perm.size(); ++i) out[i] = s[static_cast<size_t>(perm[i])];
    return out;
  }

  // The view whose dimension i is `a`'s dimension perm[i].
  NDArray view(const NDArray& a, const std::vector<int64_t>& perm) const {
    check_ndim(static_cast<size_t>(a.ndim()), "array");
    NDArray out(a.buffer(), a.dtype(), permute(a.shape(), perm), permute(a.strides(), perm), a.byte_offset(),
                a.readonly());
    out.set_stream(a.stream());
    return out;
  }

  std::vector<int64_t> order_;
  std::vector<int64_t> inverse_;
};

}  // namespace

std::shared_ptr<const ArrayToArrayCodec> make_transpose_codec(const json& config, const ChunkSpec& input) {
  constexpr std::string_view kName = names::kTranspose;
  require_object(kName, config);
  allow_only(kName, config, {"order"});
  if (!has(config, "order")) config_error(kName, "configuration field 'order' is required");
  const json& v = config.at("order");
  if (v.is_string()) {
    config_error(kName, "'order' " + v.dump() +
                            " is not supported: give the permutation as a list of integers (zarr-python 3 "
                            "refuses the \"C\"/\"F\" strings too)");
  }
  if (!v.is_array()) config_error(kName, "'order' must be a list of integers, got " + v.dump());
  const size_t ndim = input.shape.size();
  if (v.size() != ndim) {
    config_error(kName, "'order' " + v.dump() + " has " + std::to_string(v.size()) + " entries, the array has " +
                            std::to_string(ndim) + " dimensions");
  }
  std::vector<int64_t> order;
  std::vector<bool> seen(ndim, false);
  for (const json& e : v) {
    if (!e.is_number_integer()) config_error(kName, "'order' " + v.dump() + " must hold integers only");
    const int64_t d = e.is_number_unsigned() && e.get<uint64_t>() > ndim ? static_cast<int64_t>(ndim) : e.get<int64_t>();
    if (d < 0 || d >= static_cast<int64_t>(ndim)) {
      config_error(kName, "'order' " + v.dump() + ": " + e.dump() + " is not a dimension in [0, " +
                              std::to_string(ndim) + ")");
    }
    if (seen[static_cast<size_t>(d)]) config_error(kName, "'order' " + v.dump() + " names dimension " + e.dump() + " twice");
    seen[static_cast<size_t>(d)] = true;
    order.push_back(d);
  }
  return std::make_shared<TransposeCodec>(std::move(order));
}

}  // namespace zarrnative::codec
