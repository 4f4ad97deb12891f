// zarrnative: the numeric data types of Zarr, in one small value type.
//
// A DType is a kind (bool, signed/unsigned integer, float, complex), an item
// size in bytes and a byte order. It converts to and from the three spellings
// the project meets:
//
//   DType t = DType::from_typestr("<u2");         // numpy typestr
//   t.typestr() == "<u2";  t.zarr_v3_name() == "uint16";
//   DType::from_dlpack(kDLUInt, 16, 1) == t;      // DLPack (native order only)
//
// Zarr v3 data_type names:
// https://zarr-specs.readthedocs.io/en/latest/v3/data-types/index.html
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace zarrnative {

enum class DTypeKind : uint8_t { kBool, kInt, kUInt, kFloat, kComplex };

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
  // bool, int8, uint8 get ByteOrder::kNotApplicable whatever `order` says.
  DType(DTypeKind kind, uint32_t itemsize, ByteOrder order = native_byte_order());

  DTypeKind kind() const { return kind_; }
  uint32_t itemsize() const { return itemsize_; }
  ByteOrder byte_order() const { return order_; }
  bool is_native() const {
    return order_ == ByteOrder::kNotApplicable || order_ == native_byte_order();
  }
  // The same type in another byte order (no-op for one-byte types).
  DType with_byte_order(ByteOrder order) const { return DType(kind_, itemsize_, order); }

  // numpy array-interface typestr: "<f4", ">i8", "|b1", "|u1".
  std::string typestr() const;
  // Zarr v3 data_type name: "float32", "complex128", "bool".
  std::string zarr_v3_name() const;
  // Python buffer-protocol (struct module) format: "f", ">i", "Zd", "?".
  std::string buffer_format() const;
  // DLPack type code (kDLInt=0, kDLUInt=1, kDLFloat=2, kDLComplex=5, kDLBool=6)
  // and bits; DLPack has no byte order, so callers check is_native() first.
  uint8_t dlpack_code() const;
  uint8_t dlpack_bits() const { return static_cast<uint8_t>(itemsize_ * 8); }

  static DType from_typestr(std::string_view typestr);
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
