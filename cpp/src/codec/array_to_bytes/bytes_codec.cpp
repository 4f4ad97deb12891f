#include "codec/array_to_bytes/bytes_codec.h"

#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "codec/config_util.h"
#include "zarrnative/codec/registry.h"
#include "zarrnative/common/error.h"

namespace zarrnative::codec {
namespace {

std::string shape_string(const Shape& s) {
  std::string out = "(";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + (s.size() == 1 ? ",)" : ")");
}

inline uint16_t bswap(uint16_t v) { return __builtin_bswap16(v); }
inline uint32_t bswap(uint32_t v) { return __builtin_bswap32(v); }
inline uint64_t bswap(uint64_t v) { return __builtin_bswap64(v); }

// One row of byte-swapped units; the contiguous case is a loop that
// compilers vectorise (a byte shuffle per vector).
template <class U>
void swap_row(uint8_t* dst, int64_t ds, const uint8_t* src, int64_t ss, int64_t n) {
  constexpr int64_t k = sizeof(U);
  if (ds == k && ss == k) {
    for (int64_t i = 0; i < n; ++i) {
      U v;
      std::memcpy(&v, src + i * k, k);
      v = bswap(v);
      std::memcpy(dst + i * k, &v, k);
    }
    return;
  }
  for (int64_t i = 0; i < n; ++i) {
    U v;
    std::memcpy(&v, src + i * ss, k);
    v = bswap(v);
    std::memcpy(dst + i * ds, &v, k);
  }
}

// Copies an n-d region of `unit`-byte values between two strided layouts,
// reversing the bytes of each value: the byte swap fused with the copy.
void swap_copy(uint8_t* dst, const Shape& dst_strides, const uint8_t* src, const Shape& src_strides,
               const Shape& shape, int64_t unit) {
  // Drop unit dimensions, merge neighbours that are contiguous in both.
  std::vector<int64_t> n, ds, ss;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 0) return;
    if (shape[i] == 1) continue;
    if (!n.empty() && ds.back() == dst_strides[i] * shape[i] && ss.back() == src_strides[i] * shape[i]) {
      n.back() *= shape[i];
      ds.back() = dst_strides[i];
      ss.back() = src_strides[i];
    } else {
      n.push_back(shape[i]);
      ds.push_back(dst_strides[i]);
      ss.push_back(src_strides[i]);
    }
  }
  if (n.empty()) {  // a single value
    n.push_back(1);
    ds.push_back(unit);
    ss.push_back(unit);
  }
  auto row = unit == 2 ? &swap_row<uint16_t> : unit == 4 ? &swap_row<uint32_t> : &swap_row<uint64_t>;
  const int nd = static_cast<int>(n.size());
  std::vector<int64_t> index(static_cast<size_t>(nd), 0);
  while (true) {
    row(dst, ds[nd - 1], src, ss[nd - 1], n[nd - 1]);
    int k = nd - 2;
    for (; k >= 0; --k) {
      dst += ds[k];
      src += ss[k];
      if (++index[k] < n[k]) break;
      dst -= ds[k] * n[k];
      src -= ss[k] * n[k];
      index[k] = 0;
    }
    if (k < 0) return;
  }
}

class BytesCodec final : public ArrayToBytesCodec {
 public:
  explicit BytesCodec(std::optional<ByteOrder> endian) : endian_(endian) {}

  std::string_view name() const override { return names::kBytes; }

  json to_json() const override {
    // As zarr-python 3 writes it: no configuration when there is no endian.
    if (!endian_) return {{"name", names::kBytes}};
    return {{"name", names::kBytes},
            {"configuration", {{"endian", *endian_ == ByteOrder::kBig ? "big" : "little"}}}};
  }

  EncodedSize encoded_size(const ChunkSpec& spec) const override { return EncodedSize::fixed(spec.nbytes()); }

  bool is_identity_for(const ChunkSpec& spec) const override {
    return spec.dtype.swap_unit() == 1 || (endian_ && *endian_ == native_byte_order());
  }

  void encode(const NDArray& chunk, const ChunkSpec& spec, ByteBuffer& out, const CodecOptions&) const override {
    check_array(chunk, spec, "chunk");
    out.resize(static_cast<size_t>(spec.nbytes()));
    if (chunk.size() == 0) return;
    const Shape dense = NDArray::c_strides(chunk.shape(), chunk.itemsize());
    copy(out.data(), dense, static_cast<const uint8_t*>(chunk.data()), chunk.strides(), chunk);
  }

  void decode(ByteView in, const ChunkSpec& spec, NDArray& out, const CodecOptions&) const override {
    if (in.size() != spec.nbytes()) {
      corrupt_error(name(), "chunk holds " + std::to_string(in.size()) + " bytes, expected " +
                                std::to_string(spec.nbytes()) + " (shape " + shape_string(spec.shape) + " of " +
                                spec.dtype.zarr_v3_name() + ")");
    }
    check_array(out, spec, "destination");
    if (out.readonly()) throw Error(ErrorCode::kInvalidArgument, "bytes: the destination array is read-only");
    if (out.size() == 0) return;
    const Shape dense = NDArray::c_strides(out.shape(), out.itemsize());
    copy(static_cast<uint8_t*>(out.data()), out.strides(), in.data(), dense, out);
  }

 private:
  void check_array(const NDArray& a, const ChunkSpec& spec, const char* what) const {
    if (!host_accessible(a.kind())) {
      throw Error(ErrorCode::kInvalidArgument,
                  std::string("bytes: the ") + what + " must be in host memory, not " + to_string(a.kind()));
    }
    if (a.shape() != spec.shape) {
      throw Error(ErrorCode::kInvalidArgument, std::string("bytes: the ") + what + " has shape " +
                                                   shape_string(a.shape()) + ", the chunk " +
                                                   shape_string(spec.shape));
    }
    if (a.dtype().kind() != spec.dtype.kind() || a.itemsize() != spec.dtype.itemsize()) {
      throw Error(ErrorCode::kTypeError, std::string("bytes: the ") + what + " holds " + a.dtype().typestr() +
                                             ", the chunk " + spec.dtype.typestr());
    }
    if (a.dtype().swap_unit() > 1 && !endian_) {
      config_error(name(), "'endian' is required for " + spec.dtype.zarr_v3_name());
    }
  }

  // Copies `like`'s elements between the two layouts, swapping bytes when
  // `like`'s byte order is not the encoded one.
  void copy(uint8_t* dst, const Shape& dst_strides, const uint8_t* src, const Shape& src_strides,
            const NDArray& like) const {
    const int64_t isz = like.itemsize(), unit = like.dtype().swap_unit();
    const bool swap = unit > 1 && like.dtype().byte_order() != *endian_;
    if (!swap) {  // contiguous runs become memcpy
      strided_copy_host(dst, dst_strides.data(), src, src_strides.data(), like.shape().data(), like.ndim(), isz);
      return;
    }
    if (unit == isz) {
      swap_copy(dst, dst_strides, src, src_strides, like.shape(), isz);
      return;
    }
    // Complex parts and UTF-32 characters swap one by one: they become a last
    // dimension of values.
    Shape shape = like.shape(), ds = dst_strides, ss = src_strides;
    shape.push_back(isz / unit);
    ds.push_back(unit);
    ss.push_back(unit);
    swap_copy(dst, ds, src, ss, shape, unit);
  }

  std::optional<ByteOrder> endian_;
};

}  // namespace

std::shared_ptr<const ArrayToBytesCodec> make_bytes_codec(const json& config, const ChunkSpec& input) {
  constexpr std::string_view kName = names::kBytes;
  require_object(kName, config);
  allow_only(kName, config, {"endian"});
  if (input.dtype.is_vlen()) {
    config_error(kName, "cannot serialise the variable-length data type " + input.dtype.zarr_v3_name() + "; use '" +
                            std::string(input.dtype.kind() == DTypeKind::kString ? names::kVlenUtf8
                                                                                 : names::kVlenBytes) +
                            "'");
  }
  std::optional<ByteOrder> endian;
  if (has(config, "endian")) {
    const std::string e = get_string(kName, config, "endian", std::nullopt);
    if (e == "little") endian = ByteOrder::kLittle;
    else if (e == "big") endian = ByteOrder::kBig;
    else config_error(kName, "'endian' must be \"little\" or \"big\", got \"" + e + "\"");
  } else if (input.dtype.swap_unit() > 1) {
    config_error(kName, "'endian' is required for " + input.dtype.zarr_v3_name());
  }
  return std::make_shared<BytesCodec>(endian);
}

}  // namespace zarrnative::codec
