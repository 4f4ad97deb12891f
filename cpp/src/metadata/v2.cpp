// Zarr v2 array metadata: .zarray (and .zattrs).
// https://zarr-specs.readthedocs.io/en/latest/v2/v2.0.html#arrays
#include "metadata_util.h"
#include "zarrnative/common/vlen.h"

namespace zarrnative::metadata::detail {
namespace {

// The fields of a .zarray, in the order zarr-python 3 writes them.
constexpr std::string_view kFields[] = {"shape",  "chunks",  "dtype",      "fill_value",         "order",
                                        "filters", "dimension_separator", "compressor", "zarr_format"};

bool is_known_field(std::string_view key) {
  for (auto f : kFields) {
    if (f == key) return true;
  }
  return false;
}

// `filters` (already checked) tells what numpy's object dtype "|O" holds.
// A list is a structured type: its fields go to `struct_fields`.
DType read_dtype(const json& v, const json& filters, std::string_view ctx, json& struct_fields) {
  if (v.is_array()) {
    uint32_t size = 0;
    struct_fields = read_struct_fields(v, false, ctx, size, [&](const json& t) {
      if (!t.is_string()) fail(ctx, "'dtype': a field's type must be a numpy type string, got " + describe(t));
      try {
        return DType::from_typestr(t.get_ref<const std::string&>());
      } catch (const Error& e) {
        fail(ctx, "'dtype': the field type " + describe(t) + " is not supported: " + e.what());
      }
    });
    return DType(DTypeKind::kRaw, size);
  }
  if (!v.is_string()) {
    fail(ctx, "'dtype' must be a numpy type string such as \"<f8\" or a list of fields, got " + describe(v));
  }
  const std::string& s = v.get_ref<const std::string&>();
  if (s == "|O") {
    for (const json& f : filters.is_array() ? filters : json::array()) {
      if (f.at("id") == "vlen-utf8") return DType(DTypeKind::kString, kVlenItemSize);
      if (f.at("id") == "vlen-bytes") return DType(DTypeKind::kBytes, kVlenItemSize);
    }
    fail(ctx, "'dtype' \"|O\" needs a \"vlen-utf8\" or \"vlen-bytes\" filter (other object codecs are not "
              "supported), got filters " + describe(filters));
  }
  try {
    return DType::from_typestr(s);
  } catch (const Error& e) {
    fail(ctx, "'dtype' " + describe(v) + " is not supported: " + e.what());
  }
}

void check_codec_object(const json& v, std::string_view field, std::string_view ctx) {
  if (!v.is_object() || !v.contains("id") || !v.at("id").is_string()) {
    fail(ctx, "'" + std::string(field) + "' must be null or an object with a string 'id', got " + describe(v));
  }
}

}  // namespace

ArrayMetadata parse_v2_document(const json& zarray, const json* zattrs, std::string_view path) {
  const std::string ctx = context(".zarray", path);
  if (!zarray.is_object()) fail(ctx, "the document must be a JSON object, got " + describe(zarray));
  ArrayMetadata m;
  m.path = std::string(path);
  m.zarr_format = 2;
  const json& fmt = required(zarray, "zarr_format", ctx);
  if (fmt != 2) fail(ctx, "'zarr_format' must be 2, got " + describe(fmt));

  m.shape = read_extents(required(zarray, "shape", ctx), ctx, "shape", 0);
  m.chunk_shape = read_extents(required(zarray, "chunks", ctx), ctx, "chunks", 1);
  if (m.chunk_shape.size() != m.shape.size()) {
    fail(ctx, "'chunks' " + describe(zarray.at("chunks")) + " has " + std::to_string(m.chunk_shape.size()) +
                  " dimensions, 'shape' has " + std::to_string(m.shape.size()));
  }

  m.compressor = member(zarray, "compressor");
  if (!m.compressor.is_null()) check_codec_object(m.compressor, "compressor", ctx);
  m.filters = member(zarray, "filters");
  if (!m.filters.is_null()) {
    if (!m.filters.is_array()) fail(ctx, "'filters' must be null or a list, got " + describe(m.filters));
    for (const json& f : m.filters) check_codec_object(f, "filters", ctx);
  }
  m.dtype = read_dtype(required(zarray, "dtype", ctx), m.filters, ctx, m.struct_fields);

  const json& order = member(zarray, "order");
  if (!order.is_null() && order != "C" && order != "F") {
    fail(ctx, "'order' must be \"C\" or \"F\", got " + describe(order));
  }
  m.order = order == "F" ? 'F' : 'C';

  const json& sep = member(zarray, "dimension_separator");
  if (!sep.is_null() && sep != "." && sep != "/") {
    fail(ctx, "'dimension_separator' must be \".\" or \"/\", got " + describe(sep));
  }
  m.chunk_key_encoding = {ChunkKeyEncoding::Kind::kV2, sep == "/" ? '/' : '.'};

  // v2 allows a null fill value: chunks that were never written are then
  // undefined; zarrnative reads them as zeros, and times as NaT (as
  // zarr-python does).
  m.fill_value_json = member(zarray, "fill_value");
  if (m.fill_value_json.is_null()) {
    if (m.dtype.is_time())
      m.fill_value = parse_fill_value_impl(json("NaT"), m.dtype, ctx, true);
    else if (!m.dtype.is_vlen())
      m.fill_value.assign(m.dtype.itemsize(), 0);
  } else {
    m.fill_value = parse_fill_value_impl(m.fill_value_json, m.dtype, ctx, true);
  }
  m.codecs = json::array();

  // v2 says nothing of unknown fields; they are kept and written back.
  for (auto it = zarray.begin(); it != zarray.end(); ++it) {
    if (!is_known_field(it.key())) m.extra_fields[it.key()] = it.value();
  }

  if (zattrs) {
    if (!zattrs->is_object()) fail(context(".zattrs", path), "the document must be a JSON object, got " + describe(*zattrs));
    m.attributes = *zattrs;
  } else {
    m.attributes = json::object();
  }
  finish(m, ctx);
  return m;
}

json v2_document(const ArrayMetadata& m) {
  json doc = json::object();
  doc["shape"] = m.shape;
  doc["chunks"] = m.chunk_shape;
  doc["dtype"] = m.struct_fields.is_null() ? json(m.dtype.typestr()) : m.struct_fields;
  doc["fill_value"] = m.fill_value_json;
  doc["order"] = std::string(1, m.order);
  doc["filters"] = m.filters;
  doc["dimension_separator"] = std::string(1, m.chunk_key_encoding.separator);
  doc["compressor"] = m.compressor;
  doc["zarr_format"] = 2;
  for (auto it = m.extra_fields.begin(); it != m.extra_fields.end(); ++it) doc[it.key()] = it.value();
  return doc;
}

}  // namespace zarrnative::metadata::detail
