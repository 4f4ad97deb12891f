// zarrnative: the data types of Zarr, in one small value type.
//
// A DType is a kind (bool, signed/unsigned integer, float, complex, or a
// variable-length string or byte string), an item size in bytes and a byte
// order. It converts to and from the three spellings the project meets:
//
//   DType t = DType::from_typestr("<u2");         // numpy typestr
//   t.typestr() == "<u2";  t.zarr_v3_name() == "uint16";
//   DType::from_dlpack(kDLUInt, 16, 1) == t;      // DLPack (native order only)
//
// Variable-length kinds (kString: UTF-8 text, Zarr "string"; kBytes: raw
// bytes, Zarr "variable_length_bytes") have 16-byte elements, each a VlenItem
// (common/vlen.h) pointing into a heap that the array's Buffer keeps alive.
// Their typestr is numpy's object "|O" for both; zarr_v3_name() tells them
// apart. They have no buffer-protocol format and no DLPack code (both
// throw kTypeError): their memory holds pointers, never exported as data.
//
// numpy's other fixed-size types, as zarr-python 3 names them:
//   kDatetime / kTimedelta  "<M8[10ns]" / "<m8[s]": 64-bit integers counting
//       scale x unit (numpy.datetime64 / numpy.timedelta64); INT64_MIN is NaT.
//   kFixedBytes  "|S5": zero-padded bytes (null_terminated_bytes).
//   kFixedUtf32  "<U5": zero-padded UTF-32 code units, 4 bytes per
//       character, each in the type's byte order (fixed_length_utf32).
//   kRaw  "|V5": opaque bytes (raw_bytes); also the storage of structured
//       types, whose fields the metadata keeps (metadata/array_metadata.h).
// None of them has a buffer-protocol format or a DLPack code (kTypeError);
// numpy takes them through the array interface's typestr.
//
// Zarr v3 data_type names:
// https://zarr-specs.readthedocs.io/en/latest/v3/data-types/index.html
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace zarrnative {

enum class DTypeKind : uint8_t {
  kBool,
  kInt,
  kUInt,
  kFloat,
  kComplex,
  kString,
  kBytes,
  kDatetime,
  kTimedelta,
  kFixedBytes,
  kFixedUtf32,
  kRaw
};

// numpy's datetime units, coarsest first; kGeneric is numpy's unit-less "M8".
enum class TimeUnit : uint8_t { kGeneric, kY, kM, kW, kD, kh, km, ks, kms, kus, kns, kps, kfs, kas };

// numpy's spelling of a unit ("generic", "Y", ..., "as"), and back (nullopt
// for anything else).
std::string_view time_unit_name(TimeUnit unit);
std::optional<TimeUnit> time_unit_from_name(std::string_view name);

enum class ByteOrder : uint8_t { kLittle, kBig, kNotApplicable };

// The byte order of this machine.
constexpr ByteOrder native_byte_order() {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  return ByteOrder::kBig;
#else
  return ByteOrder::kLittle;
#endif
}

class DType {
 public:
  // Types whose swap_unit() is 1 (bool, int8, uint8, string, bytes, fixed
  // bytes, raw) get ByteOrder::kNotApplicable whatever `order` says.
  // kDatetime and kTimedelta are made by time() (here: unit generic, scale 1).
  DType(DTypeKind kind, uint32_t itemsize, ByteOrder order = native_byte_order());
  // A datetime64 / timedelta64 counting `scale` x `unit` (scale >= 1).
  static DType time(DTypeKind kind, TimeUnit unit, uint32_t scale, ByteOrder order = native_byte_order());
  // The largest item size of kFixedBytes, kFixedUtf32 and kRaw types.
  static constexpr uint32_t kMaxItemSize = 1u << 24;

  DTypeKind kind() const { return kind_; }
  uint32_t itemsize() const { return itemsize_; }
  // kDatetime / kTimedelta: the unit and how many of it one step counts.
  TimeUnit time_unit() const { return unit_; }
  uint32_t time_scale() const { return scale_; }
  bool is_time() const { return kind_ == DTypeKind::kDatetime || kind_ == DTypeKind::kTimedelta; }
  // bool, integers, floats or complex: what casts compute with and what GPU
  // frameworks (and DLPack) can hold.
  bool is_number() const {
    return kind_ == DTypeKind::kBool || kind_ == DTypeKind::kInt || kind_ == DTypeKind::kUInt ||
           kind_ == DTypeKind::kFloat || kind_ == DTypeKind::kComplex;
  }
  // The bytes that change places when the byte order changes: the item size
  // for integers, floats and times, half of it for complex (each part swaps
  // alone), 4 for UTF-32, and 1 (nothing swaps) for the rest.
  uint32_t swap_unit() const;
  // kString or kBytes: elements are VlenItems (common/vlen.h).
  bool is_vlen() const { return kind_ == DTypeKind::kString || kind_ == DTypeKind::kBytes; }
  ByteOrder byte_order() const { return order_; }
  bool is_native() const {
    return order_ == ByteOrder::kNotApplicable || order_ == native_byte_order();
  }
  // The same type in another byte order (no-op where swap_unit() is 1); a
  // time keeps its unit and scale.
  DType with_byte_order(ByteOrder order) const {
    DType t(kind_, itemsize_, order);
    t.unit_ = unit_;
    t.scale_ = scale_;
    return t;
  }

  // numpy array-interface typestr: "<f4", ">i8", "|b1", "|u1", "<M8[10ns]",
  // "|S5", "<U5" (characters), "|V5"; "|O" for string and bytes.
  std::string typestr() const;
  // Zarr v3 data_type name: "float32", "complex128", "bool", "string",
  // "variable_length_bytes"; for the types that take a configuration, their
  // name alone ("numpy.datetime64", "null_terminated_bytes",
  // "fixed_length_utf32", "raw_bytes"): metadata/ writes the whole object.
  std::string zarr_v3_name() const;
  // Python buffer-protocol (struct module) format: "f", ">i", "Zd", "?".
  // Throws kTypeError for string and bytes.
  std::string buffer_format() const;
  // DLPack type code (kDLInt=0, kDLUInt=1, kDLFloat=2, kDLComplex=5, kDLBool=6)
  // and bits; DLPack has no byte order, so callers check is_native() first.
  // Throws kTypeError for string and bytes.
  uint8_t dlpack_code() const;
  uint8_t dlpack_bits() const { return static_cast<uint8_t>(itemsize_ * 8); }

  // "|O" is refused (kTypeError): numpy's object dtype does not say whether
  // it holds text or bytes; use from_zarr_v3_name("string") and the like.
  static DType from_typestr(std::string_view typestr);
  // Also takes zarr-python's alias "bytes" for "variable_length_bytes".
  static DType from_zarr_v3_name(std::string_view name);
  static DType from_buffer_format(std::string_view format, size_t itemsize);
  static DType from_dlpack(uint8_t code, uint8_t bits, uint16_t lanes);

  bool operator==(const DType& o) const {
    return kind_ == o.kind_ && itemsize_ == o.itemsize_ && order_ == o.order_ && unit_ == o.unit_ && scale_ == o.scale_;
  }
  bool operator!=(const DType& o) const { return !(*this == o); }

 private:
  DTypeKind kind_;
  uint32_t itemsize_;
  ByteOrder order_;
  TimeUnit unit_ = TimeUnit::kGeneric;
  uint32_t scale_ = 1;
};

// Reverses the bytes of each swap unit of the `nbytes` bytes at `p` (whole
// elements of `t`): their change of byte order.
void swap_elements(uint8_t* p, size_t nbytes, const DType& t);

// Whether a float item, or a part of a complex one, at `item` (in t's byte
// order) is a NaN. False for every other kind.
bool has_nan(const uint8_t* item, const DType& t);

// Whether the item at `x` counts as the fill value at `fill` (one item of
// `t` each, in t's byte order), the rule for chunks that are not stored:
// the same bytes, or for floats (and each part of a complex number) both
// NaN, whatever their payload or sign. So -0.0 is not the fill value 0.0.
// Not for strings' items (pointers): compare their texts.
bool same_as_fill(const uint8_t* x, const uint8_t* fill, const DType& t);

}  // namespace zarrnative
