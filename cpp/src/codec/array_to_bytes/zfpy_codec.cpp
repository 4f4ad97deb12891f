#include "codec/array_to_bytes/zfpy_codec.h"

#include <zfp.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <new>
#include <string>

#include "codec/array_to_array/numpy_cast.h"
#include "codec/config_util.h"
#include "zarrnative/codec/registry.h"
#include "zarrnative/common/error.h"

namespace zarrnative::codec {
namespace {

constexpr std::string_view kName = names::kZfpy;
constexpr int kModeRate = 2, kModePrecision = 3, kModeAccuracy = 4, kModeReversible = 5;

struct StreamDeleter {
  void operator()(zfp_stream* s) const { zfp_stream_close(s); }
};
struct FieldDeleter {
  void operator()(zfp_field* f) const { zfp_field_free(f); }
};
struct BitstreamDeleter {
  void operator()(bitstream* b) const { stream_close(b); }
};
using Stream = std::unique_ptr<zfp_stream, StreamDeleter>;
using Field = std::unique_ptr<zfp_field, FieldDeleter>;
using Bits = std::unique_ptr<bitstream, BitstreamDeleter>;

zfp_type zfp_type_of(const DType& t) {
  if (t.kind() == DTypeKind::kInt && t.itemsize() == 4) return zfp_type_int32;
  if (t.kind() == DTypeKind::kInt && t.itemsize() == 8) return zfp_type_int64;
  if (t.kind() == DTypeKind::kFloat && t.itemsize() == 4) return zfp_type_float;
  if (t.kind() == DTypeKind::kFloat && t.itemsize() == 8) return zfp_type_double;
  return zfp_type_none;
}

// zfp's field over `data` (C order): the last dimension is zfp's x.
Field make_field(void* data, zfp_type type, const Shape& shape) {
  const auto n = [&](size_t from_end) { return static_cast<size_t>(shape[shape.size() - 1 - from_end]); };
  switch (shape.size()) {
    case 1: return Field(zfp_field_1d(data, type, n(0)));
    case 2: return Field(zfp_field_2d(data, type, n(0), n(1)));
    case 3: return Field(zfp_field_3d(data, type, n(0), n(1), n(2)));
    default: return Field(zfp_field_4d(data, type, n(0), n(1), n(2), n(3)));
  }
}

// An upper bound on the bytes zfp writes or reads for `field` under the
// stream's parameters, whatever the data or the stream's bits. Not
// zfp_stream_maximum_size: when a block's bit budget is smaller than a float
// block's exponent (zfpy's low rates, a lying header), zfp's budget wraps
// around and a block runs to its full precision. Per block: the reversible
// and exponent flags and the exponent or precision (32 bits cover them);
// per bit plane at most every value verbatim; at most two bits per value and
// one per plane of run-length tests; and at least minbits.
size_t stream_bound(const zfp_stream* stream, const zfp_field* field) {
  const size_t dims[4] = {field->nx, field->ny, field->nz, field->nw};
  const unsigned ndim = zfp_field_dimensionality(field);
  uint64_t blocks = 1;
  for (unsigned i = 0; i < ndim; ++i) blocks *= (dims[i] + 3) / 4;
  const uint64_t values = uint64_t{1} << (2 * ndim);
  const uint64_t planes = zfp_type_size(field->type) * 8;
  unsigned minbits = 0, maxbits = 0, maxprec = 0;
  int minexp = 0;
  zfp_stream_params(stream, &minbits, &maxbits, &maxprec, &minexp);
  const uint64_t per_block = std::max<uint64_t>(32 + planes * values + 2 * values + planes, minbits);
  return static_cast<size_t>((ZFP_HEADER_MAX_BITS + blocks * per_block + 7) / 8 + 16);
}

class ZfpyCodec final : public ArrayToBytesCodec {
 public:
  ZfpyCodec(int mode, double tolerance, double rate, int64_t precision, zfp_type type)
      : mode_(mode), tolerance_(tolerance), rate_(rate), precision_(precision), type_(type) {}

  std::string_view name() const override { return kName; }

  json to_json() const override {
    return {{"id", kName}, {"mode", mode_}, {"tolerance", tolerance_}, {"rate", rate_}, {"precision", precision_}};
  }

  EncodedSize encoded_size(const ChunkSpec&) const override { return EncodedSize::unknown(); }

  void encode(const NDArray& chunk, const ChunkSpec& spec, ByteBuffer& out, const CodecOptions&) const override {
    const DType native_type = spec.dtype.with_byte_order(native_byte_order());
    const bool direct = chunk.is_c_contiguous() && chunk.dtype().byte_order() == native_byte_order();
    const NDArray src = direct ? chunk : numpy_like::cast_array(chunk, native_type, spec.shape);
    Field field = make_field(const_cast<void*>(src.data()), type_, spec.shape);
    Stream stream(zfp_stream_open(nullptr));
    if (!field || !stream) throw std::bad_alloc();
    set_mode(stream.get(), spec.shape.size());
    unsigned minbits = 0, maxbits = 0, maxprec = 0;
    int minexp = 0;
    zfp_stream_params(stream.get(), &minbits, &maxbits, &maxprec, &minexp);
    if (minbits > ZFP_MAX_BITS) {  // a rate past what a block can hold (or past zfp's arithmetic)
      config_error(kName, "'rate' " + std::to_string(rate_) + " asks for more than the " +
                              std::to_string(ZFP_MAX_BITS) + " bits a zfp block can hold");
    }
    const size_t capacity = stream_bound(stream.get(), field.get());
    out.resize(capacity);
    Bits bits(stream_open(out.data(), capacity));
    if (!bits) throw std::bad_alloc();
    zfp_stream_set_bit_stream(stream.get(), bits.get());
    zfp_stream_rewind(stream.get());
    if (zfp_write_header(stream.get(), field.get(), ZFP_HEADER_FULL) == 0) {
      config_error(kName, "zfp cannot write the header of this chunk");
    }
    const size_t size = zfp_compress(stream.get(), field.get());
    if (size == 0) config_error(kName, "zfp compression failed");
    // zfpy's stream ends on a 64-bit word; this libzfp's words may be
    // smaller (Debian's are bytes): pad with zero bits as zfpy's does.
    const size_t padded = (size + 7) / 8 * 8;
    if (padded > out.size()) out.resize(padded);  // keeps the stream
    std::memset(out.data() + size, 0, padded - size);
    out.resize(padded);
  }

  void decode(ByteView in, const ChunkSpec& spec, NDArray& out, const CodecOptions&) const override {
    // The header first, from a copy padded past its largest size.
    Stream stream(zfp_stream_open(nullptr));
    Field field(zfp_field_alloc());
    if (!field || !stream) throw std::bad_alloc();
    ByteBuffer padded;
    Bits bits;
    auto read_header = [&](size_t size) {  // from a zero-padded copy of `in` of `size` bytes
      padded.resize(size);
      fill_padded(padded, in);
      bits.reset(stream_open(padded.data(), padded.size()));
      if (!bits) throw std::bad_alloc();
      zfp_stream_set_bit_stream(stream.get(), bits.get());
      zfp_stream_rewind(stream.get());
      return zfp_read_header(stream.get(), field.get(), ZFP_HEADER_FULL) != 0;
    };
    if (in.size() < 4 || !read_header(in.size() + kSlack)) {
      corrupt_error(kName, "not a zfp stream with a full header of this zfp version (" +
                               std::to_string(in.size()) + " bytes)");
    }
    check_header(*field, spec);
    // Then the blocks: a stream that lies can read no further than the
    // worst case its header allows, which the padding covers.
    const size_t worst = stream_bound(stream.get(), field.get());
    if (worst > padded.size() && !read_header(worst)) corrupt_error(kName, "the header cannot be read again");
    const bool direct = out.is_c_contiguous() && out.dtype().byte_order() == native_byte_order();
    NDArray target = direct ? out : NDArray::empty(spec.dtype.with_byte_order(native_byte_order()), spec.shape);
    zfp_field_set_pointer(field.get(), target.data());
    if (zfp_decompress(stream.get(), field.get()) == 0) corrupt_error(kName, "zfp decompression failed");
    if (!direct) out.copy_from(target);
  }

 private:
  static constexpr size_t kSlack = 64;  // more than the header and a word

  static void fill_padded(ByteBuffer& padded, ByteView in) {
    if (!in.empty()) std::memcpy(padded.data(), in.data(), in.size());
    std::memset(padded.data() + in.size(), 0, padded.size() - in.size());
  }

  void check_header(const zfp_field& f, const ChunkSpec& spec) const {
    if (f.type != type_) {
      corrupt_error(kName, "the stream holds " + std::string(type_name(f.type)) + " values, the chunk " +
                               type_name(type_));
    }
    // zarr-python reshapes what zfpy decodes: the element count must match
    // (counted without overflow: a lying header may hold any sizes).
    const size_t dims[4] = {f.nx, f.ny, f.nz, f.nw};
    const unsigned ndim = zfp_field_dimensionality(&f);  // the leading nonzero sizes
    const auto want = static_cast<uint64_t>(spec.num_elements());
    uint64_t count = ndim > 0 ? 1 : 0;
    for (unsigned i = 0; i < ndim; ++i) {
      if (__builtin_mul_overflow(count, static_cast<uint64_t>(dims[i]), &count) || count > want) break;
    }
    if (count != want || want == 0) {
      corrupt_error(kName, "the stream's dimensions (" + std::to_string(f.nx) + ", " + std::to_string(f.ny) + ", " +
                               std::to_string(f.nz) + ", " + std::to_string(f.nw) + ") do not hold the chunk's " +
                               std::to_string(want) + " elements");
    }
  }

  static const char* type_name(zfp_type t) {
    switch (t) {
      case zfp_type_int32: return "int32";
      case zfp_type_int64: return "int64";
      case zfp_type_float: return "float32";
      case zfp_type_double: return "float64";
      default: return "unknown";
    }
  }

  // What zfpy.compress_numpy does with what numcodecs passes it: the
  // parameter of the mode if it is not negative, else reversible.
  void set_mode(zfp_stream* s, size_t ndim) const {
    if (mode_ == kModeAccuracy && tolerance_ >= 0) {
      zfp_stream_set_accuracy(s, tolerance_);
    } else if (mode_ == kModeRate && rate_ >= 0) {
      // zfpy passes no scalar type: no floor of an exponent's bits per block.
      zfp_stream_set_rate(s, rate_, zfp_type_none, static_cast<unsigned>(ndim), zfp_false);
    } else if (mode_ == kModePrecision && precision_ >= 0) {
      zfp_stream_set_precision(s, static_cast<unsigned>(precision_));
    } else {
      zfp_stream_set_reversible(s);
    }
  }

  int mode_;
  double tolerance_, rate_;
  int64_t precision_;
  zfp_type type_;
};

double get_double(const json& config, std::string_view key) {
  if (!has(config, key)) return -1;
  const json& v = config.at(std::string(key));
  if (!v.is_number()) config_error(kName, "'" + std::string(key) + "' must be a number, got " + v.dump());
  return v.get<double>();
}

}  // namespace

std::shared_ptr<const ArrayToBytesCodec> make_zfpy_codec(const json& config, const ChunkSpec& input) {
  require_object(kName, config);
  allow_only(kName, config, {"id", "mode", "tolerance", "rate", "precision", "compression_kwargs"});
  const int mode = static_cast<int>(get_int(kName, config, "mode", kModeAccuracy, 0, 255));
  if (mode != kModeRate && mode != kModePrecision && mode != kModeAccuracy && mode != kModeReversible) {
    config_error(kName, "'mode' " + std::to_string(mode) + " is not one numcodecs encodes (2 fixed rate, 3 fixed "
                        "precision, 4 fixed accuracy, 5 reversible)");
  }
  const double tolerance = get_double(config, "tolerance");
  const double rate = get_double(config, "rate");
  const int64_t precision = get_int(kName, config, "precision", -1, INT32_MIN, 64);
  if (has(config, "compression_kwargs") && !config.at("compression_kwargs").is_object()) {
    config_error(kName, "'compression_kwargs' must be an object, got " + config.at("compression_kwargs").dump());
  }
  const zfp_type type = zfp_type_of(input.dtype);
  if (type == zfp_type_none) {
    config_error(kName, "zfp compresses int32, int64, float32 and float64, not " + input.dtype.zarr_v3_name());
  }
  if (input.dtype.itemsize() > 1 && input.dtype.byte_order() != native_byte_order()) {
    config_error(kName, "zfpy compresses arrays in the machine's byte order, not " + input.dtype.typestr());
  }
  if (input.shape.empty() || input.shape.size() > 4) {
    config_error(kName, "zfp compresses chunks of 1 to 4 dimensions, not " + std::to_string(input.shape.size()));
  }
  return std::make_shared<ZfpyCodec>(mode, tolerance, rate, precision, type);
}

}  // namespace zarrnative::codec
