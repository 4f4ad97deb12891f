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
// Zarr v3 data_type names:
// https://zarr-specs.readthedocs.io/en/latest/v3/data-types/index.html
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace zarrnative {

enum class DTypeKind : uint8_t { kBool, kInt, kUInt, kFloat, kComplex, kString, kBytes };

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
  // bool, int8, uint8, string and bytes get ByteOrder::kNotApplicable
  // whatever `order` says.
  DType(DTypeKind kind, uint32_t itemsize, ByteOrder order = native_byte_order());

  DTypeKind kind() const { return kind_; }
  uint32_t itemsize() const { return itemsize_; }
  // kString or kBytes: elements are VlenItems (common/vlen.h).
  bool is_vlen() const { return kind_ == DTypeKind::kString || kind_ == DTypeKind::kBytes; }
  ByteOrder byte_order() const { return order_; }
  bool is_native() const {
    return order_ == ByteOrder::kNotApplicable || order_ == native_byte_order();
  }
  // The same type in another byte order (no-op for one-byte types).
  DType with_byte_order(ByteOrder order) const { return DType(kind_, itemsize_, order); }

  // numpy array-interface typestr: "<f4", ">i8", "|b1", "|u1"; "|O" for
  // string and bytes.
  std::string typestr() const;
  // Zarr v3 data_type name: "float32", "complex128", "bool", "string",
  // "variable_length_bytes".
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
    return kind_ == o.kind_ && itemsize_ == o.itemsize_ && order_ == o.order_;
  }
  bool operator!=(const DType& o) const { return !(*this == o); }

 private:
  DTypeKind kind_;
  uint32_t itemsize_;
  ByteOrder order_;
};

}  // namespace zarrnative
