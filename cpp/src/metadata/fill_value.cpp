// Fill values: every JSON form the Zarr specs allow, to one element's bytes
// and back.
// v3: https://zarr-specs.readthedocs.io/en/latest/v3/core/index.html#fill-value
// Floats travel as numbers, "NaN", "Infinity", "-Infinity" or "0x..." (the
// bit pattern, exactly two hex digits per byte); complex as [re, im] with
// each part in the float forms. Writing prefers numbers and the named
// specials and falls back to the bit pattern only for a NaN with a payload,
// so that every value round-trips exactly.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "codec/array_to_bytes/vlen_codec.h"
#include "metadata_util.h"

namespace zarrnative::metadata {
namespace {

using detail::base64_encode;
using detail::describe;
using detail::fail;

// IEEE binary16 <-> double. No compiler type is assumed (_Float16 is not
// everywhere); rounding is to nearest, ties to even, like numpy.
double half_to_double(uint16_t h) {
  int sign = h >> 15, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  double v;
  if (exp == 0) {
    v = std::ldexp(mant, -24);
  } else if (exp == 31) {
    v = mant ? std::numeric_limits<double>::quiet_NaN() : std::numeric_limits<double>::infinity();
  } else {
    v = std::ldexp(1024 + mant, exp - 25);
  }
  return sign ? -v : v;
}

// nullopt when a finite `d` rounds beyond the largest half.
std::optional<uint16_t> double_to_half(double d) {
  uint16_t sign = std::signbit(d) ? 0x8000 : 0;
  double a = std::fabs(d);
  if (std::isnan(d)) return static_cast<uint16_t>(sign | 0x7e00);
  if (std::isinf(d)) return static_cast<uint16_t>(sign | 0x7c00);
  if (a < std::ldexp(1.0, -14)) {  // subnormal (1024 rounds up into the smallest normal)
    return static_cast<uint16_t>(sign | static_cast<uint16_t>(std::nearbyint(std::ldexp(a, 24))));
  }
  int e;
  std::frexp(a, &e);  // a = f * 2^e, f in [0.5, 1)
  --e;                // a = s * 2^e, s in [1, 2)
  double m = std::nearbyint((std::ldexp(a, -e) - 1.0) * 1024.0);
  if (m == 1024) {
    m = 0;
    ++e;
  }
  if (e + 15 >= 31) return std::nullopt;
  return static_cast<uint16_t>(sign | ((e + 15) << 10) | static_cast<uint16_t>(m));
}

// The low `size` bytes of `bits`, written in `order` (independent of the
// machine's own order).
void put_bits(std::vector<uint8_t>& out, uint64_t bits, uint32_t size, ByteOrder order) {
  for (uint32_t i = 0; i < size; ++i) {
    uint32_t shift = 8 * (order == ByteOrder::kBig ? size - 1 - i : i);
    out.push_back(static_cast<uint8_t>(bits >> shift));
  }
}

uint64_t get_bits(ByteView bytes, ByteOrder order) {
  uint64_t v = 0;
  const size_t n = bytes.size();
  for (size_t i = 0; i < n; ++i) v |= uint64_t{bytes[order == ByteOrder::kBig ? n - 1 - i : i]} << (8 * i);
  return v;
}

uint64_t canonical_nan(uint32_t size) {
  return size == 2 ? 0x7e00 : size == 4 ? 0x7fc00000 : 0x7ff8000000000000ull;
}

std::string float_forms(uint32_t size) {
  return "a number, \"NaN\", \"Infinity\", \"-Infinity\" or \"0x\" followed by " + std::to_string(size * 2) +
         " hex digits";
}

// One IEEE float of `size` bytes from its JSON forms; nullopt for a value
// that is not one of them.
std::optional<uint64_t> float_bits(const json& v, uint32_t size, std::string* why) {
  double d;
  if (v.is_number()) {
    d = v.get<double>();
  } else if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (s == "NaN") return canonical_nan(size);
    if (s == "Infinity") d = std::numeric_limits<double>::infinity();
    else if (s == "-Infinity") d = -std::numeric_limits<double>::infinity();
    else if (s.size() == 2 + 2 * size && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
      uint64_t bits = 0;
      for (char c : s.substr(2)) {
        int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                                   : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (digit < 0) return std::nullopt;
        bits = (bits << 4) | static_cast<uint64_t>(digit);
      }
      return bits;
    } else {
      return std::nullopt;
    }
  } else {
    return std::nullopt;
  }
  if (size == 8) return std::bit_cast<uint64_t>(d);
  if (size == 4) {
    float f = static_cast<float>(d);
    if (std::isinf(f) && std::isfinite(d)) {
      *why = "is outside the range of float32";
      return std::nullopt;
    }
    return std::bit_cast<uint32_t>(f);
  }
  auto h = double_to_half(d);
  if (!h) *why = "is outside the range of float16";
  return h;
}

double bits_to_double(uint64_t bits, uint32_t size) {
  if (size == 8) return std::bit_cast<double>(bits);
  if (size == 4) return std::bit_cast<float>(static_cast<uint32_t>(bits));
  return half_to_double(static_cast<uint16_t>(bits));
}

json float_to_json(uint64_t bits, uint32_t size) {
  double d = bits_to_double(bits, size);
  if (std::isnan(d)) {
    if (bits == canonical_nan(size)) return "NaN";
    static const char* hex = "0123456789abcdef";
    std::string s = "0x";
    for (int i = static_cast<int>(size) * 2 - 1; i >= 0; --i) s += hex[(bits >> (4 * i)) & 0xf];
    return s;
  }
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  return d;  // nlohmann writes the shortest text that parses back to d
}

// Standard base64 with padding (RFC 4648 section 4): zarr-python's JSON
// form of a bytes fill value.
constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::optional<std::vector<uint8_t>> base64_decode(std::string_view s) {
  if (s.size() % 4 != 0) return std::nullopt;
  std::vector<uint8_t> out;
  for (size_t i = 0; i < s.size(); i += 4) {
    uint32_t n = 0;
    int pad = 0;
    for (size_t j = 0; j < 4; ++j) {
      char c = s[i + j];
      const char* at = c == '=' ? nullptr : std::strchr(kBase64, c);
      if (c == '=') {
        if (i + 4 != s.size() || j < 2) return std::nullopt;
        ++pad;
      } else if (!at || c == '\0' || pad) {
        return std::nullopt;
      }
      n = (n << 6) | static_cast<uint32_t>(at ? at - kBase64 : 0);
    }
    out.push_back(static_cast<uint8_t>(n >> 16));
    if (pad < 2) out.push_back(static_cast<uint8_t>(n >> 8));
    if (pad < 1) out.push_back(static_cast<uint8_t>(n));
  }
  return out;
}

void put_integer(std::vector<uint8_t>& out, const json& v, DType dtype, std::string_view ctx) {
  uint32_t size = dtype.itemsize();
  bool is_signed = dtype.kind() == DTypeKind::kInt;
  int64_t lo = is_signed ? (size == 8 ? INT64_MIN : -(int64_t{1} << (size * 8 - 1))) : 0;
  uint64_t hi = is_signed ? (uint64_t{1} << (size * 8 - 1)) - 1
                          : (size == 8 ? UINT64_MAX : (uint64_t{1} << (size * 8)) - 1);
  bool ok = false;
  uint64_t bits = 0;
  if (v.is_number_unsigned()) {
    uint64_t x = v.get<uint64_t>();
    ok = x <= hi;
    bits = x;
  } else if (v.is_number_integer()) {
    int64_t x = v.get<int64_t>();
    ok = x >= lo && (x < 0 || static_cast<uint64_t>(x) <= hi);
    bits = static_cast<uint64_t>(x);
  } else if (v.is_number_float()) {
    // An integral float (0.0) is accepted: some writers emit them.
    double x = v.get<double>();
    ok = std::isfinite(x) && std::trunc(x) == x && x >= static_cast<double>(lo) &&
         x < std::ldexp(1.0, static_cast<int>(size * 8) - (is_signed ? 1 : 0));
    if (ok) bits = x < 0 ? static_cast<uint64_t>(static_cast<int64_t>(x)) : static_cast<uint64_t>(x);
  }
  if (!ok) {
    fail(ctx, "'fill_value' must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                  "] for data type " + dtype.zarr_v3_name() + ", got " + describe(v));
  }
  put_bits(out, bits, size, dtype.byte_order());
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Fixed-length bytes and raw items: base64 of at most the item's bytes,
// zero-padded (numpy drops trailing zero bytes of "S" values, and so does
// zarr-python's JSON).
void put_padded_base64(std::vector<uint8_t>& out, const json& v, DType dtype, std::string_view ctx) {
  std::optional<std::vector<uint8_t>> bytes;
  if (v.is_string()) bytes = base64_decode(v.get_ref<const std::string&>());
  if (!bytes || bytes->size() > dtype.itemsize()) {
    fail(ctx, "'fill_value' must be a base64 string of at most " + std::to_string(dtype.itemsize()) +
                  " bytes for data type " + dtype.typestr() + ", got " + describe(v));
  }
  out = std::move(*bytes);
  out.resize(dtype.itemsize(), 0);
}

}  // namespace

namespace detail {

std::string base64_encode(ByteView in) {
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t n = uint32_t{in[i]} << 16;
    if (i + 1 < in.size()) n |= uint32_t{in[i + 1]} << 8;
    if (i + 2 < in.size()) n |= in[i + 2];
    out += kBase64[(n >> 18) & 63];
    out += kBase64[(n >> 12) & 63];
    out += i + 1 < in.size() ? kBase64[(n >> 6) & 63] : '=';
    out += i + 2 < in.size() ? kBase64[n & 63] : '=';
  }
  return out;
}

std::vector<uint8_t> parse_fill_value_impl(const json& v, DType dtype, std::string_view ctx, bool v2) {
  std::vector<uint8_t> out;
  const uint32_t size = dtype.itemsize();
  switch (dtype.kind()) {
    case DTypeKind::kBool:
      if (v.is_boolean()) {
        out.push_back(v.get<bool>() ? 1 : 0);
      } else if (v2 && v.is_number_integer() && (v.get<int64_t>() == 0 || v.get<int64_t>() == 1)) {
        out.push_back(static_cast<uint8_t>(v.get<int64_t>()));
      } else {
        fail(ctx, "'fill_value' must be true or false for data type bool, got " + describe(v));
      }
      break;
    case DTypeKind::kInt:
    case DTypeKind::kUInt:
      put_integer(out, v, dtype, ctx);
      break;
    case DTypeKind::kFloat: {
      std::string why = "must be " + float_forms(size);
      auto bits = float_bits(v, size, &why);
      if (!bits) fail(ctx, "'fill_value' " + why + " for data type " + dtype.zarr_v3_name() + ", got " + describe(v));
      put_bits(out, *bits, size, dtype.byte_order());
      break;
    }
    case DTypeKind::kComplex: {
      const uint32_t part = size / 2;
      std::string why = "must be a list [real, imaginary] of two floats, each " + float_forms(part);
      std::optional<uint64_t> re, im;
      if (v.is_array() && v.size() == 2) {
        re = float_bits(v[0], part, &why);
        if (re) im = float_bits(v[1], part, &why);
      }
      if (!re || !im) {
        fail(ctx, "'fill_value' " + why + " for data type " + dtype.zarr_v3_name() + ", got " + describe(v));
      }
      put_bits(out, *re, part, dtype.byte_order());
      put_bits(out, *im, part, dtype.byte_order());
      break;
    }
    // Variable-length types: the fill string's own bytes (codec::ChunkSpec's
    // convention). v2 documents say null or "" for "no fill", and zarr 2
    // wrote integers (0) for object arrays, which zarr-python 3 reads as text.
    case DTypeKind::kString:
      if (v.is_string()) {
        const std::string& s = v.get_ref<const std::string&>();
        out.assign(s.begin(), s.end());
      } else if (v2 && v.is_number_integer()) {
        std::string s = v.dump();
        out.assign(s.begin(), s.end());
      } else {
        fail(ctx, "'fill_value' must be a string for data type string, got " + describe(v));
      }
      break;
    case DTypeKind::kBytes: {
      std::optional<std::vector<uint8_t>> bytes;
      if (v.is_string()) bytes = base64_decode(v.get_ref<const std::string&>());
      else if (v2 && v == 0) bytes.emplace();
      if (!bytes) {
        fail(ctx, "'fill_value' must be a base64 string for data type variable_length_bytes, got " + describe(v));
      }
      out = std::move(*bytes);
      break;
    }
    // numpy datetime64 / timedelta64: the count as an integer, or "NaT"
    // (INT64_MIN), as zarr-python reads them.
    case DTypeKind::kDatetime:
    case DTypeKind::kTimedelta:
      if (v == "NaT")
        put_bits(out, static_cast<uint64_t>(INT64_MIN), 8, dtype.byte_order());
      else if (v.is_number_integer() || v.is_number_float())
        put_integer(out, v, DType(DTypeKind::kInt, 8, dtype.byte_order()), ctx);
      else
        fail(ctx,
             "'fill_value' must be an integer or \"NaT\" for data type " + dtype.typestr() + ", got " + describe(v));
      break;
    case DTypeKind::kFixedBytes:
    case DTypeKind::kRaw:
      put_padded_base64(out, v, dtype, ctx);
      break;
    case DTypeKind::kFixedUtf32: {
      std::optional<std::vector<uint32_t>> cps;
      if (v.is_string()) cps = codec::utf8_code_points(v.get_ref<const std::string&>());
      if (!cps || cps->size() > size / 4) {
        fail(ctx, "'fill_value' must be a string of at most " + std::to_string(size / 4) +
                      " characters for data type " + dtype.typestr() + ", got " + describe(v));
      }
      for (uint32_t cp : *cps) put_bits(out, cp, 4, dtype.byte_order());
      out.resize(size, 0);
      break;
    }
  }
  return out;
}

}  // namespace detail

std::vector<uint8_t> parse_fill_value(const json& value, DType dtype, std::string_view context) {
  return detail::parse_fill_value_impl(value, dtype, context, false);
}

json fill_value_to_json(ByteView element, DType dtype) {
  if (dtype.kind() == DTypeKind::kString) return std::string(element.begin(), element.end());
  if (dtype.kind() == DTypeKind::kBytes) return base64_encode(element);
  check(element.size() == dtype.itemsize(), ErrorCode::kInvalidArgument, [&] {
    return "fill_value_to_json: " + std::to_string(element.size()) + " bytes for data type " + dtype.zarr_v3_name();
  });
  const uint32_t size = dtype.itemsize();
  const ByteOrder order = dtype.byte_order();
  switch (dtype.kind()) {
    case DTypeKind::kBool: return element[0] != 0;
    case DTypeKind::kInt: {
      uint64_t bits = get_bits(element, order);
      int shift = 64 - static_cast<int>(size) * 8;  // sign-extend
      return static_cast<int64_t>(bits << shift) >> shift;
    }
    case DTypeKind::kUInt: return get_bits(element, order);
    case DTypeKind::kFloat: return float_to_json(get_bits(element, order), size);
    case DTypeKind::kComplex: {
      uint32_t part = size / 2;
      return json::array({float_to_json(get_bits(element.subspan(0, part), order), part),
                          float_to_json(get_bits(element.subspan(part, part), order), part)});
    }
    case DTypeKind::kDatetime:
    case DTypeKind::kTimedelta:
      return static_cast<int64_t>(get_bits(element, order));
    case DTypeKind::kFixedBytes: {  // trailing zero bytes are not part of the value (numpy)
      size_t n = element.size();
      while (n > 0 && element[n - 1] == 0) --n;
      return base64_encode(element.subspan(0, n));
    }
    case DTypeKind::kRaw:
      return base64_encode(element);
    case DTypeKind::kFixedUtf32: {
      std::string text;
      size_t n = size / 4;
      while (n > 0 && get_bits(element.subspan((n - 1) * 4, 4), order) == 0) --n;
      for (size_t i = 0; i < n; ++i) {
        const auto cp = static_cast<uint32_t>(get_bits(element.subspan(i * 4, 4), order));
        // What parsing refused cannot be written: a surrogate or a value
        // past U+10FFFF becomes U+FFFD.
        append_utf8(text, cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ? 0xFFFD : cp);
      }
      return text;
    }
    case DTypeKind::kString:
    case DTypeKind::kBytes: break;  // above
  }
  return nullptr;
}

}  // namespace zarrnative::metadata
