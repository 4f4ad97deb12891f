// Reading metadata documents: typed fields with errors that name the file
// and the field. Private to cpp/src/metadata/.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "zarrnative/common/error.h"
#include "zarrnative/metadata/array_metadata.h"

namespace zarrnative::metadata::detail {

// "zarr.json at 'a/b': " -- the prefix of every message about one document.
inline std::string context(std::string_view file, std::string_view path) {
  return std::string(file) + " at '" + std::string(path) + "': ";
}

// A JSON value for a message, cut short so that a huge document cannot
// flood the error.
inline std::string describe(const json& v) {
  std::string s = v.dump();
  if (s.size() > 120) s = s.substr(0, 117) + "...";
  return s;
}

[[noreturn]] inline void fail(std::string_view ctx, const std::string& message) {
  throw Error(ErrorCode::kMetadata, std::string(ctx) + message);
}

// A list of integers, each >= `min` (0 for shapes, 1 for chunk shapes).
inline Shape read_extents(const json& v, std::string_view ctx, std::string_view field, int64_t min) {
  const char* what = min > 0 ? "positive" : "non-negative";
  bool ok = v.is_array();
  Shape out;
  if (ok) {
    for (const json& e : v) {
      if (!e.is_number_integer() ||
          (e.is_number_unsigned() && e.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) ||
          e.get<int64_t>() < min) {
        ok = false;
        break;
      }
      out.push_back(e.get<int64_t>());
    }
  }
  if (!ok) {
    fail(ctx, "'" + std::string(field) + "' must be a list of " + what + " integers, got " + describe(v));
  }
  return out;
}

// A member of an object, or null when absent.
inline const json& member(const json& obj, std::string_view key) {
  static const json kNull;
  auto it = obj.find(std::string(key));
  return it == obj.end() ? kNull : *it;
}

inline const json& required(const json& obj, std::string_view key, std::string_view ctx) {
  auto it = obj.find(std::string(key));
  if (it == obj.end()) fail(ctx, "'" + std::string(key) + "' is required");
  return *it;
}

// A structured type's fields, validated: `fields` in the v2 spelling (numpy's
// descr, typestrs) when `v3` is false, else v3's [[name, data_type], ...];
// `read_type` reads each field's type (a typestr, or a v3 data_type).
// Returns numpy's descr form (ArrayMetadata::struct_fields) and sets
// `itemsize`.
json read_struct_fields(const json& fields, bool v3, std::string_view ctx, uint32_t& itemsize,
                        const std::function<DType(const json&)>& read_type, int depth = 0);

// Standard base64 with padding (RFC 4648 section 4).
std::string base64_encode(ByteView in);

// Parses a fill value with the v2 leniencies (bool as 0/1) when `v2`.
std::vector<uint8_t> parse_fill_value_impl(const json& value, DType dtype, std::string_view ctx, bool v2);

// Throws kMetadata when a chunk's byte size does not fit in int64.
void check_chunk_size(const Shape& chunk_shape, const DType& dtype, std::string_view ctx);

// Validates the parts every format shares and fills `fill_value`; builds
// the pipeline once to validate the codecs.
void finish(ArrayMetadata& m, std::string_view ctx);

ArrayMetadata parse_v3_document(const json& doc, std::string_view path);
ArrayMetadata parse_v2_document(const json& zarray, const json* zattrs, std::string_view path);
json v3_document(const ArrayMetadata& m);
json v2_document(const ArrayMetadata& m);

}  // namespace zarrnative::metadata::detail
