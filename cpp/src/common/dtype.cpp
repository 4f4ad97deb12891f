#include "zarrnative/common/dtype.h"

#include <algorithm>
#include <cstring>
#include <iterator>

#include "zarrnative/common/error.h"
#include "zarrnative/common/vlen.h"

namespace zarrnative {
namespace {

bool valid_size(DTypeKind kind, uint32_t itemsize) {
  switch (kind) {
    case DTypeKind::kBool: return itemsize == 1;
    case DTypeKind::kInt:
    case DTypeKind::kUInt: return itemsize == 1 || itemsize == 2 || itemsize == 4 || itemsize == 8;
    case DTypeKind::kFloat: return itemsize == 2 || itemsize == 4 || itemsize == 8;
    case DTypeKind::kComplex: return itemsize == 8 || itemsize == 16;
    case DTypeKind::kString:
    case DTypeKind::kBytes: return itemsize == kVlenItemSize;
    case DTypeKind::kDatetime:
    case DTypeKind::kTimedelta: return itemsize == 8;
    case DTypeKind::kFixedBytes:
    case DTypeKind::kRaw: return itemsize >= 1 && itemsize <= DType::kMaxItemSize;
    case DTypeKind::kFixedUtf32: return itemsize >= 4 && itemsize % 4 == 0 && itemsize <= DType::kMaxItemSize;
  }
  return false;
}

constexpr std::string_view kUnitNames[] = {"generic", "Y",  "M",  "W",  "D",  "h",  "m",
                                           "s",       "ms", "us", "ns", "ps", "fs", "as"};

char kind_char(DTypeKind kind) {
  switch (kind) {
    case DTypeKind::kBool: return 'b';
    case DTypeKind::kInt: return 'i';
    case DTypeKind::kUInt: return 'u';
    case DTypeKind::kFloat: return 'f';
    case DTypeKind::kComplex: return 'c';
    case DTypeKind::kString:
    case DTypeKind::kBytes: return 'O';
    case DTypeKind::kDatetime: return 'M';
    case DTypeKind::kTimedelta: return 'm';
    case DTypeKind::kFixedBytes: return 'S';
    case DTypeKind::kFixedUtf32: return 'U';
    case DTypeKind::kRaw: return 'V';
  }
  return '?';
}

[[noreturn]] void unsupported(std::string_view what, std::string_view value) {
  throw Error(ErrorCode::kTypeError,
              "unsupported data type " + std::string(what) + " '" + std::string(value) +
                  "': zarrnative handles bool, int8..int64, uint8..uint64, float16/32/64, "
                  "complex64/128, datetime64, timedelta64, string, variable_length_bytes, and fixed-length "
                  "bytes, UTF-32 text and raw bytes");
}

// "[10ns]" -> (ns, 10); the brackets are optional only as a whole ("M8").
bool parse_time_suffix(std::string_view s, TimeUnit& unit, uint32_t& scale) {
  unit = TimeUnit::kGeneric;
  scale = 1;
  if (s.empty()) return true;
  if (s.size() < 3 || s.front() != '[' || s.back() != ']') return false;
  s = s.substr(1, s.size() - 2);
  size_t digits = 0;
  uint64_t n = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') {
    n = n * 10 + static_cast<uint64_t>(s[digits] - '0');
    if (n > INT32_MAX) return false;
    ++digits;
  }
  if (digits > 0) {
    if (n == 0) return false;
    scale = static_cast<uint32_t>(n);
  }
  auto u = time_unit_from_name(s.substr(digits));
  if (!u || *u == TimeUnit::kGeneric) return false;
  unit = *u;
  return true;
}

}  // namespace

std::string_view time_unit_name(TimeUnit unit) { return kUnitNames[static_cast<size_t>(unit)]; }

std::optional<TimeUnit> time_unit_from_name(std::string_view name) {
  for (size_t i = 0; i < std::size(kUnitNames); ++i) {
    if (kUnitNames[i] == name) return static_cast<TimeUnit>(i);
  }
  return std::nullopt;
}

uint32_t DType::swap_unit() const {
  switch (kind_) {
    case DTypeKind::kInt:
    case DTypeKind::kUInt:
    case DTypeKind::kFloat:
    case DTypeKind::kDatetime:
    case DTypeKind::kTimedelta: return itemsize_;
    case DTypeKind::kComplex: return itemsize_ / 2;
    case DTypeKind::kFixedUtf32: return 4;
    case DTypeKind::kBool:
    case DTypeKind::kString:
    case DTypeKind::kBytes:
    case DTypeKind::kFixedBytes:
    case DTypeKind::kRaw: return 1;
  }
  return 1;
}

DType::DType(DTypeKind kind, uint32_t itemsize, ByteOrder order) : kind_(kind), itemsize_(itemsize), order_(order) {
  if (!valid_size(kind, itemsize)) {
    unsupported("kind/size", std::string(1, kind_char(kind)) + std::to_string(itemsize));
  }
  // Nothing swaps in one-byte items, text or raw bytes, nor in strings and
  // bytes, whose items are pointers in this process.
  if (swap_unit() == 1) {
    order_ = ByteOrder::kNotApplicable;
  } else if (order_ == ByteOrder::kNotApplicable) {
    order_ = native_byte_order();
  }
}

namespace {

// A float of 2, 4 or 8 bytes in `order` is a NaN: all exponent bits set and
// a mantissa that is not zero.
bool is_nan_bits(const uint8_t* p, uint32_t size, ByteOrder order) {
  uint8_t b[8];
  std::memcpy(b, p, size);
  if (order != ByteOrder::kNotApplicable && order != native_byte_order()) std::reverse(b, b + size);
  uint64_t v = 0;
  if (size == 2) {
    uint16_t h;
    std::memcpy(&h, b, 2);
    return (h & 0x7C00u) == 0x7C00u && (h & 0x03FFu) != 0;
  }
  if (size == 4) {
    uint32_t f;
    std::memcpy(&f, b, 4);
    return (f & 0x7F800000u) == 0x7F800000u && (f & 0x007FFFFFu) != 0;
  }
  std::memcpy(&v, b, 8);
  return (v & 0x7FF0000000000000ull) == 0x7FF0000000000000ull && (v & 0x000FFFFFFFFFFFFFull) != 0;
}

uint32_t float_part_size(const DType& t) {
  if (t.kind() == DTypeKind::kFloat) return t.itemsize();
  if (t.kind() == DTypeKind::kComplex) return t.itemsize() / 2;
  return 0;
}

}  // namespace

bool has_nan(const uint8_t* item, const DType& t) {
  const uint32_t part = float_part_size(t);
  if (part == 0) return false;
  for (uint32_t o = 0; o < t.itemsize(); o += part) {
    if (is_nan_bits(item + o, part, t.byte_order())) return true;
  }
  return false;
}

bool same_as_fill(const uint8_t* x, const uint8_t* fill, const DType& t) {
  const uint32_t part = float_part_size(t);
  if (part == 0) return std::memcmp(x, fill, t.itemsize()) == 0;
  for (uint32_t o = 0; o < t.itemsize(); o += part) {
    if (std::memcmp(x + o, fill + o, part) == 0) continue;
    if (!(is_nan_bits(x + o, part, t.byte_order()) && is_nan_bits(fill + o, part, t.byte_order()))) return false;
  }
  return true;
}

void swap_elements(uint8_t* p, size_t nbytes, const DType& t) {
  const size_t unit = t.swap_unit();
  if (unit < 2) return;
  for (size_t i = 0; i + unit <= nbytes; i += unit) std::reverse(p + i, p + i + unit);
}

DType DType::time(DTypeKind kind, TimeUnit unit, uint32_t scale, ByteOrder order) {
  check(kind == DTypeKind::kDatetime || kind == DTypeKind::kTimedelta, ErrorCode::kInvalidArgument,
        "DType::time: the kind must be kDatetime or kTimedelta");
  check(scale >= 1 && scale <= INT32_MAX, ErrorCode::kTypeError,
        [&] { return "datetime/timedelta scale factor must be in [1, 2^31), got " + std::to_string(scale); });
  DType t(kind, 8, order);
  t.unit_ = unit;
  t.scale_ = scale;
  return t;
}

std::string DType::typestr() const {
  if (is_vlen()) return "|O";  // numpy's object dtype
  char order = order_ == ByteOrder::kLittle ? '<' : order_ == ByteOrder::kBig ? '>' : '|';
  std::string s{order, kind_char(kind_)};
  if (is_time()) {
    s += '8';
    if (unit_ != TimeUnit::kGeneric) {
      s += '[' + (scale_ != 1 ? std::to_string(scale_) : std::string()) + std::string(time_unit_name(unit_)) + ']';
    }
    return s;
  }
  return s + std::to_string(kind_ == DTypeKind::kFixedUtf32 ? itemsize_ / 4 : itemsize_);
}

std::string DType::zarr_v3_name() const {
  switch (kind_) {
    case DTypeKind::kBool: return "bool";
    case DTypeKind::kInt: return "int" + std::to_string(itemsize_ * 8);
    case DTypeKind::kUInt: return "uint" + std::to_string(itemsize_ * 8);
    case DTypeKind::kFloat: return "float" + std::to_string(itemsize_ * 8);
    case DTypeKind::kComplex: return "complex" + std::to_string(itemsize_ * 8);
    case DTypeKind::kString: return "string";
    case DTypeKind::kBytes: return "variable_length_bytes";
    case DTypeKind::kDatetime: return "numpy.datetime64";
    case DTypeKind::kTimedelta: return "numpy.timedelta64";
    case DTypeKind::kFixedBytes: return "null_terminated_bytes";
    case DTypeKind::kFixedUtf32: return "fixed_length_utf32";
    case DTypeKind::kRaw: return "raw_bytes";
  }
  return "";
}

std::string DType::buffer_format() const {
  // struct-module codes with standard sizes; a byte-order prefix only when
  // the order is not native, since memoryview only indexes native formats.
  std::string code;
  switch (kind_) {
    case DTypeKind::kBool: code = "?"; break;
    case DTypeKind::kInt: code = itemsize_ == 1 ? "b" : itemsize_ == 2 ? "h" : itemsize_ == 4 ? "i" : "q"; break;
    case DTypeKind::kUInt: code = itemsize_ == 1 ? "B" : itemsize_ == 2 ? "H" : itemsize_ == 4 ? "I" : "Q"; break;
    case DTypeKind::kFloat: code = itemsize_ == 2 ? "e" : itemsize_ == 4 ? "f" : "d"; break;
    case DTypeKind::kComplex: code = itemsize_ == 8 ? "Zf" : "Zd"; break;
    case DTypeKind::kString:
    case DTypeKind::kBytes:
      throw Error(ErrorCode::kTypeError, "data type " + zarr_v3_name() +
                                             " has no buffer-protocol format: its elements are pointers to "
                                             "variable-length items, not values");
    case DTypeKind::kDatetime:
    case DTypeKind::kTimedelta:
    case DTypeKind::kFixedBytes:
    case DTypeKind::kFixedUtf32:
    case DTypeKind::kRaw:
      throw Error(ErrorCode::kTypeError, "data type " + typestr() +
                                             " has no buffer-protocol format here; numpy takes it through "
                                             "__array_interface__");
  }
  if (is_native()) return code;
  return (order_ == ByteOrder::kLittle ? "<" : ">") + code;
}

uint8_t DType::dlpack_code() const {
  switch (kind_) {
    case DTypeKind::kInt: return 0;
    case DTypeKind::kUInt: return 1;
    case DTypeKind::kFloat: return 2;
    case DTypeKind::kComplex: return 5;
    case DTypeKind::kBool: return 6;
    case DTypeKind::kString:
    case DTypeKind::kBytes:
      throw Error(ErrorCode::kTypeError, "data type " + zarr_v3_name() +
                                             " has no DLPack type: its elements are pointers to variable-length "
                                             "items, not values");
    case DTypeKind::kDatetime:
    case DTypeKind::kTimedelta:
    case DTypeKind::kFixedBytes:
    case DTypeKind::kFixedUtf32:
    case DTypeKind::kRaw:
      throw Error(ErrorCode::kTypeError, "data type " + typestr() + " has no DLPack type");
  }
  return 255;
}

DType DType::from_typestr(std::string_view s) {
  if (s.size() >= 2 && s[1] == 'O') {
    throw Error(ErrorCode::kTypeError,
                "typestr '" + std::string(s) + "' (numpy object) does not say whether it holds text or bytes; "
                "name the data type \"string\" or \"variable_length_bytes\" instead");
  }
  if (s.size() < 3) unsupported("typestr", s);
  ByteOrder order;
  switch (s[0]) {
    case '<': order = ByteOrder::kLittle; break;
    case '>': order = ByteOrder::kBig; break;
    case '|': case '=': order = native_byte_order(); break;
    default: unsupported("typestr", s);
  }
  DTypeKind kind;
  switch (s[1]) {
    case 'b': kind = DTypeKind::kBool; break;
    case 'i': kind = DTypeKind::kInt; break;
    case 'u': kind = DTypeKind::kUInt; break;
    case 'f': kind = DTypeKind::kFloat; break;
    case 'c': kind = DTypeKind::kComplex; break;
    case 'M': kind = DTypeKind::kDatetime; break;
    case 'm': kind = DTypeKind::kTimedelta; break;
    case 'S': kind = DTypeKind::kFixedBytes; break;
    case 'U': kind = DTypeKind::kFixedUtf32; break;
    case 'V': kind = DTypeKind::kRaw; break;
    default: unsupported("typestr", s);
  }
  if (kind == DTypeKind::kDatetime || kind == DTypeKind::kTimedelta) {
    TimeUnit unit;
    uint32_t scale;
    if (s[2] != '8' || !parse_time_suffix(s.substr(3), unit, scale)) unsupported("typestr", s);
    return time(kind, unit, scale, order);
  }
  uint64_t size = 0;
  for (char c : s.substr(2)) {
    if (c < '0' || c > '9' || size > DType::kMaxItemSize) unsupported("typestr", s);
    size = size * 10 + static_cast<uint64_t>(c - '0');
  }
  if (kind == DTypeKind::kFixedUtf32) size *= 4;  // numpy counts characters
  if (size > DType::kMaxItemSize || !valid_size(kind, static_cast<uint32_t>(size))) unsupported("typestr", s);
  return DType(kind, static_cast<uint32_t>(size), order);
}

DType DType::from_zarr_v3_name(std::string_view name) {
  static const struct { const char* name; DTypeKind kind; uint32_t size; } table[] = {
      {"bool", DTypeKind::kBool, 1},       {"int8", DTypeKind::kInt, 1},
      {"int16", DTypeKind::kInt, 2},       {"int32", DTypeKind::kInt, 4},
      {"int64", DTypeKind::kInt, 8},       {"uint8", DTypeKind::kUInt, 1},
      {"uint16", DTypeKind::kUInt, 2},     {"uint32", DTypeKind::kUInt, 4},
      {"uint64", DTypeKind::kUInt, 8},     {"float16", DTypeKind::kFloat, 2},
      {"float32", DTypeKind::kFloat, 4},   {"float64", DTypeKind::kFloat, 8},
      {"complex64", DTypeKind::kComplex, 8}, {"complex128", DTypeKind::kComplex, 16},
      {"string", DTypeKind::kString, kVlenItemSize},
      {"variable_length_bytes", DTypeKind::kBytes, kVlenItemSize},
      {"bytes", DTypeKind::kBytes, kVlenItemSize},  // zarr-python 3.1 reads this alias too
  };
  for (const auto& e : table) {
    if (name == e.name) return DType(e.kind, e.size);
  }
  unsupported("name", name);
}

DType DType::from_buffer_format(std::string_view f, size_t itemsize) {
  std::string_view original = f;
  ByteOrder order = native_byte_order();
  bool native_sizes = true;
  if (!f.empty() && (f[0] == '@' || f[0] == '=' || f[0] == '<' || f[0] == '>' || f[0] == '!')) {
    if (f[0] == '<') order = ByteOrder::kLittle;
    if (f[0] == '>' || f[0] == '!') order = ByteOrder::kBig;
    native_sizes = f[0] == '@';
    f.remove_prefix(1);
  }
  (void)native_sizes;  // sizes are taken from `itemsize`, which the exporter reports
  DTypeKind kind;
  if (f == "?") kind = DTypeKind::kBool;
  else if (f == "b" || f == "h" || f == "i" || f == "l" || f == "q" || f == "n") kind = DTypeKind::kInt;
  else if (f == "B" || f == "H" || f == "I" || f == "L" || f == "Q" || f == "N" || f == "c") kind = DTypeKind::kUInt;
  else if (f == "e" || f == "f" || f == "d") kind = DTypeKind::kFloat;
  else if (f == "Zf" || f == "Zd") kind = DTypeKind::kComplex;
  else unsupported("buffer format", original);
  if (!valid_size(kind, static_cast<uint32_t>(itemsize))) unsupported("buffer format", original);
  return DType(kind, static_cast<uint32_t>(itemsize), order);
}

DType DType::from_dlpack(uint8_t code, uint8_t bits, uint16_t lanes) {
  std::string desc = "code " + std::to_string(code) + ", bits " + std::to_string(bits) +
                     ", lanes " + std::to_string(lanes);
  if (lanes != 1 || bits % 8 != 0) unsupported("DLPack type", desc);
  DTypeKind kind;
  switch (code) {
    case 0: kind = DTypeKind::kInt; break;
    case 1: kind = DTypeKind::kUInt; break;
    case 2: kind = DTypeKind::kFloat; break;
    case 5: kind = DTypeKind::kComplex; break;
    case 6: kind = DTypeKind::kBool; break;
    default: unsupported("DLPack type", desc);
  }
  if (!valid_size(kind, bits / 8u)) unsupported("DLPack type", desc);
  return DType(kind, bits / 8u);
}

}  // namespace zarrnative
