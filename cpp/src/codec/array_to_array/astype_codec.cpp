#include "codec/array_to_array/astype_codec.h"

#include <string>

#include "codec/array_to_array/numpy_cast.h"
#include "codec/config_util.h"
#include "zarrnative/codec/registry.h"

namespace zarrnative::codec {
namespace {

using namespace numpy_like;

class AsTypeCodec final : public ArrayToArrayCodec {
 public:
  AsTypeCodec(DType encode_dtype, DType decode_dtype) : encode_(encode_dtype), decode_(decode_dtype) {}

  std::string_view name() const override { return names::kAstype; }

  json to_json() const override {
    return {{"id", names::kAstype}, {"encode_dtype", encode_.typestr()}, {"decode_dtype", decode_.typestr()}};
  }

  ChunkSpec encoded_spec(const ChunkSpec& decoded) const override {
    return encoded_spec_of(*this, decoded, encode_);
  }

  NDArray encode(const NDArray& decoded) const override {
    const NDArray in = view_as(name(), decoded, decode_);
    return cast_array(in, encode_, in.shape());
  }

  NDArray decode(const NDArray& encoded, const ChunkSpec& decoded_spec) const override {
    return cast_back(name(), encoded, encode_, decode_, decoded_spec);
  }

 private:
  DType encode_, decode_;
};

}  // namespace

std::shared_ptr<const ArrayToArrayCodec> make_astype_codec(const json& config, const ChunkSpec& input) {
  constexpr std::string_view kName = names::kAstype;
  require_object(kName, config);
  allow_only(kName, config, {"id", "encode_dtype", "decode_dtype"});
  check_id(kName, config);
  const DType encode_dtype = get_dtype(kName, config, "encode_dtype", std::nullopt);
  const DType decode_dtype = get_dtype(kName, config, "decode_dtype", std::nullopt);
  if (decode_dtype.itemsize() != input.dtype.itemsize()) {
    config_error(kName, "'decode_dtype' " + decode_dtype.typestr() + " has " +
                            std::to_string(decode_dtype.itemsize()) + "-byte items, the array's data type " +
                            input.dtype.zarr_v3_name() + " has " + std::to_string(input.dtype.itemsize()));
  }
  return std::make_shared<AsTypeCodec>(encode_dtype, decode_dtype);
}

}  // namespace zarrnative::codec
