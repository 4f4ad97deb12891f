#include "codec/array_to_array/packbits_codec.h"

#include <cstring>
#include <string>

#include "codec/array_to_array/numpy_cast.h"
#include "codec/config_util.h"
#include "zarrnative/codec/registry.h"
#include "zarrnative/common/error.h"

namespace zarrnative::codec {
namespace {

using namespace numpy_like;

constexpr std::string_view kName = names::kPackBits;

const DType kByte(DTypeKind::kUInt, 1);

int64_t packed_bytes(int64_t n) { return 1 + (n + 7) / 8; }

class PackBitsCodec final : public ArrayToArrayCodec {
 public:
  std::string_view name() const override { return kName; }
  json to_json() const override { return {{"id", kName}}; }

  ChunkSpec encoded_spec(const ChunkSpec& decoded) const override {
    ChunkSpec out{kByte, {packed_bytes(decoded.num_elements())}, {}};
    // The fill value cast to uint8, as zarr-python keeps it: 0 or 1.
    const bool set = !decoded.fill_value.empty() && decoded.fill_value[0] != 0;
    out.fill_value.assign(1, set ? 1 : 0);
    return out;
  }

  NDArray encode(const NDArray& decoded) const override {
    const int64_t n = decoded.size();
    NDArray out = NDArray::empty(kByte, {packed_bytes(n)});
    auto* o = static_cast<uint8_t*>(out.data());
    o[0] = static_cast<uint8_t>((8 - n % 8) % 8);
    uint8_t* dst = o + 1;
    unsigned acc = 0;
    int bits = 0;
    for_each_run(decoded, kRunElements, [&](const uint8_t* p, int64_t stride, int64_t count) {
      for (int64_t i = 0; i < count; ++i, p += stride) {
        acc = acc << 1 | (*p != 0 ? 1u : 0u);
        if (++bits == 8) {
          *dst++ = static_cast<uint8_t>(acc);
          acc = 0;
          bits = 0;
        }
      }
    });
    if (bits > 0) *dst = static_cast<uint8_t>(acc << (8 - bits));
    return out;
  }

  NDArray decode(const NDArray& encoded, const ChunkSpec& decoded_spec) const override {
    const NDArray in = view_as(name(), encoded, kByte);
    const int64_t n = decoded_spec.num_elements();
    if (in.size() != packed_bytes(n)) {
      corrupt_error(kName, "holds " + std::to_string(in.size()) + " bytes, a chunk of " + std::to_string(n) +
                               " items packs into " + std::to_string(packed_bytes(n)));
    }
    const NDArray packed = in.is_c_contiguous() ? in : cast_array(in, kByte, in.shape());
    const auto* p = static_cast<const uint8_t*>(packed.data());
    if (p[0] != (8 - n % 8) % 8) {
      corrupt_error(kName, "the header says " + std::to_string(p[0]) + " padding bits, a chunk of " +
                               std::to_string(n) + " items has " + std::to_string((8 - n % 8) % 8));
    }
    NDArray out = NDArray::empty(decoded_spec.dtype, decoded_spec.shape);
    auto* o = static_cast<uint8_t*>(out.data());
    for (int64_t i = 0; i < n; ++i) o[i] = (p[1 + (i >> 3)] >> (7 - (i & 7))) & 1;
    return out;
  }
};

}  // namespace

std::shared_ptr<const ArrayToArrayCodec> make_packbits_codec(const json& config, const ChunkSpec& input) {
  require_object(kName, config);
  allow_only(kName, config, {"id"});
  check_id(kName, config);
  const DType& t = input.dtype;
  if (t.itemsize() != 1 || !(t.kind() == DTypeKind::kBool || t.kind() == DTypeKind::kInt ||
                             t.kind() == DTypeKind::kUInt)) {
    config_error(kName, "packs 1-byte booleans or integers, not " + t.zarr_v3_name() + " (" + t.typestr() + ")");
  }
  return std::make_shared<PackBitsCodec>();
}

}  // namespace zarrnative::codec
