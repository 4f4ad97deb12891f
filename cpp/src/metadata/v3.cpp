// Zarr v3 array metadata: zarr.json.
// https://zarr-specs.readthedocs.io/en/latest/v3/core/index.html#array-metadata
#include <algorithm>

#include "metadata_util.h"

namespace zarrnative::metadata::detail {
namespace {

// The fields of an array's zarr.json, in the order zarr-python 3 writes them.
constexpr std::string_view kFields[] = {"shape",  "data_type",  "chunk_grid", "chunk_key_encoding",
                                        "fill_value", "codecs", "attributes", "dimension_names",
                                        "zarr_format", "node_type", "storage_transformers"};

bool is_known_field(std::string_view key) {
  for (auto f : kFields) {
    if (f == key) return true;
  }
  return false;
}

// An extension point: {"name": ..., "configuration": {...}}, or the bare
// name when there is no configuration. Returns the name.
std::string read_named(const json& v, std::string_view field, std::string_view ctx, json* config) {
  if (v.is_string()) {
    *config = json::object();
    return v.get<std::string>();
  }
  if (!v.is_object() || !v.contains("name") || !v.at("name").is_string()) {
    fail(ctx, "'" + std::string(field) + "' must be an object with a string 'name', got " + describe(v));
  }
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (it.key() != "name" && it.key() != "configuration") {
      fail(ctx, "'" + std::string(field) + "' has an unknown field '" + it.key() + "'");
    }
  }
  *config = member(v, "configuration");
  if (config->is_null()) *config = json::object();
  if (!config->is_object()) {
    fail(ctx, "'" + std::string(field) + "' configuration must be an object, got " + describe(*config));
  }
  return v.at("name").get<std::string>();
}

// An integer configuration member in [lo, hi].
int64_t config_int(const json& config, std::string_view key, int64_t lo, int64_t hi, const json& v,
                   std::string_view ctx) {
  const json& x = member(config, key);
  if (!x.is_number_integer() || (x.is_number_unsigned() && x.get<uint64_t>() > static_cast<uint64_t>(hi)) ||
      x.get<int64_t>() < lo || x.get<int64_t>() > hi) {
    fail(ctx, "'data_type' " + describe(v) + ": '" + std::string(key) + "' must be an integer in [" +
                  std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  return x.get<int64_t>();
}

// The data types that take a configuration (zarr-python 3's names):
// numpy.datetime64 / numpy.timedelta64 {unit, scale_factor},
// null_terminated_bytes / fixed_length_utf32 / raw_bytes {length_bytes}.
DType read_configured_type(const json& v, std::string_view ctx) {
  json config;
  const std::string name = read_named(v, "data_type", ctx, &config);
  auto only = [&](std::initializer_list<std::string_view> keys) {
    for (auto it = config.begin(); it != config.end(); ++it) {
      if (std::find(keys.begin(), keys.end(), it.key()) == keys.end()) {
        fail(ctx, "'data_type' " + describe(v) + ": unknown configuration member '" + it.key() + "'");
      }
    }
  };
  if (name == "numpy.datetime64" || name == "numpy.timedelta64") {
    only({"unit", "scale_factor"});
    const json& unit = member(config, "unit");
    std::optional<TimeUnit> u =
        unit.is_string() ? time_unit_from_name(unit.get_ref<const std::string&>()) : std::nullopt;
    if (!u) {
      fail(ctx, "'data_type' " + describe(v) +
                    ": 'unit' must be one of \"generic\", \"Y\", \"M\", \"W\", \"D\", \"h\", \"m\", \"s\", "
                    "\"ms\", \"us\", \"ns\", \"ps\", \"fs\", \"as\"");
    }
    const auto scale = static_cast<uint32_t>(config_int(config, "scale_factor", 1, INT32_MAX, v, ctx));
    return DType::time(name == "numpy.datetime64" ? DTypeKind::kDatetime : DTypeKind::kTimedelta, *u, scale);
  }
  if (name == "null_terminated_bytes" || name == "raw_bytes" || name == "fixed_length_utf32") {
    only({"length_bytes"});
    const bool utf32 = name == "fixed_length_utf32";
    const auto n =
        static_cast<uint32_t>(config_int(config, "length_bytes", utf32 ? 4 : 1, DType::kMaxItemSize, v, ctx));
    if (utf32 && n % 4 != 0) fail(ctx, "'data_type' " + describe(v) + ": 'length_bytes' must be a multiple of 4");
    return DType(name == "raw_bytes" ? DTypeKind::kRaw : utf32 ? DTypeKind::kFixedUtf32 : DTypeKind::kFixedBytes, n);
  }
  if (config.empty()) {  // {"name": "float32"}
    try {
      return DType::from_zarr_v3_name(name);
    } catch (const Error& e) {
      fail(ctx, "'data_type' " + describe(v) + " is not supported: " + e.what());
    }
  }
  fail(ctx, "'data_type' " + describe(v) + " is not supported");
}

DType read_data_type(const json& v, std::string_view ctx, json* struct_fields) {
  if (v.is_object() && member(v, "name") == "structured") {
    json config;
    read_named(v, "data_type", ctx, &config);
    for (auto it = config.begin(); it != config.end(); ++it) {
      if (it.key() != "fields") fail(ctx, "'data_type' structured: unknown configuration member '" + it.key() + "'");
    }
    if (!struct_fields) fail(ctx, "'data_type': a structured type's field types are read by the caller");
    uint32_t size = 0;
    *struct_fields = read_struct_fields(member(config, "fields"), true, ctx, size,
                                        [&](const json& t) { return read_data_type(t, ctx, nullptr); });
    return DType(DTypeKind::kRaw, size);
  }
  if (v.is_object()) return read_configured_type(v, ctx);
  if (!v.is_string()) {
    fail(ctx,
         "'data_type' must be a data type name such as \"float64\" or an object with a name and a "
         "configuration, got " +
             describe(v));
  }
  const std::string& name = v.get_ref<const std::string&>();
  // The core spec's raw bits type "r<bits>" (a multiple of 8).
  if (name.size() > 1 && name[0] == 'r' && name.find_first_not_of("0123456789", 1) == std::string::npos &&
      name.size() < 12) {
    const int64_t bits = std::stoll(name.substr(1));
    if (bits > 0 && bits % 8 == 0 && bits / 8 <= DType::kMaxItemSize) {
      return DType(DTypeKind::kRaw, static_cast<uint32_t>(bits / 8));
    }
  }
  try {
    return DType::from_zarr_v3_name(name);
  } catch (const Error& e) {
    fail(ctx, "'data_type' " + describe(v) + " is not supported: " + e.what());
  }
}

json data_type_json(const DType& t);

// A structured type's v3 fields from numpy's descr (ArrayMetadata::struct_fields).
json v3_struct_fields(const json& descr) {
  json out = json::array();
  for (const json& f : descr) {
    const json& type = f[1];
    out.push_back(json::array(
        {f[0], type.is_array() ? json{{"name", "structured"}, {"configuration", {{"fields", v3_struct_fields(type)}}}}
                               : data_type_json(DType::from_typestr(type.get<std::string>()))}));
  }
  return out;
}

// The data_type member for a type, as zarr-python 3 writes it.
json data_type_json(const DType& t) {
  switch (t.kind()) {
    case DTypeKind::kDatetime:
    case DTypeKind::kTimedelta:
      return {
          {"name", t.zarr_v3_name()},
          {"configuration", {{"unit", std::string(time_unit_name(t.time_unit()))}, {"scale_factor", t.time_scale()}}}};
    case DTypeKind::kFixedBytes:
    case DTypeKind::kFixedUtf32:
    case DTypeKind::kRaw:
      return {{"name", t.zarr_v3_name()}, {"configuration", {{"length_bytes", t.itemsize()}}}};
    default:
      return t.zarr_v3_name();
  }
}

Shape read_chunk_grid(const json& v, size_t ndim, std::string_view ctx) {
  json config;
  std::string name = read_named(v, "chunk_grid", ctx, &config);
  if (name != "regular") {
    fail(ctx, "'chunk_grid' \"" + name + "\" is not supported (only \"regular\")");
  }
  for (auto it = config.begin(); it != config.end(); ++it) {
    if (it.key() != "chunk_shape") fail(ctx, "'chunk_grid' has an unknown configuration field '" + it.key() + "'");
  }
  if (!config.contains("chunk_shape")) fail(ctx, "'chunk_grid' configuration needs 'chunk_shape'");
  Shape chunks = read_extents(config.at("chunk_shape"), ctx, "chunk_shape", 1);
  if (chunks.size() != ndim) {
    fail(ctx, "'chunk_shape' " + describe(config.at("chunk_shape")) + " has " + std::to_string(chunks.size()) +
                  " dimensions, 'shape' has " + std::to_string(ndim));
  }
  return chunks;
}

ChunkKeyEncoding read_chunk_key_encoding(const json& v, std::string_view ctx) {
  json config;
  std::string name = read_named(v, "chunk_key_encoding", ctx, &config);
  ChunkKeyEncoding e;
  if (name == "default") {
    e = {ChunkKeyEncoding::Kind::kDefault, '/'};
  } else if (name == "v2") {
    e = {ChunkKeyEncoding::Kind::kV2, '.'};
  } else {
    fail(ctx, "'chunk_key_encoding' \"" + name + "\" is not supported (\"default\" or \"v2\")");
  }
  for (auto it = config.begin(); it != config.end(); ++it) {
    if (it.key() != "separator") {
      fail(ctx, "'chunk_key_encoding' has an unknown configuration field '" + it.key() + "'");
    }
  }
  if (config.contains("separator")) {
    const json& s = config.at("separator");
    if (s != "/" && s != ".") {
      fail(ctx, "'chunk_key_encoding' separator must be \"/\" or \".\", got " + describe(s));
    }
    e.separator = s.get<std::string>()[0];
  }
  return e;
}

std::optional<std::vector<std::optional<std::string>>> read_dimension_names(const json& v, size_t ndim,
                                                                            std::string_view ctx) {
  if (v.is_null()) return std::nullopt;
  bool ok = v.is_array() && v.size() == ndim;
  std::vector<std::optional<std::string>> names;
  for (size_t i = 0; ok && i < v.size(); ++i) {
    if (v[i].is_string()) names.push_back(v[i].get<std::string>());
    else if (v[i].is_null()) names.push_back(std::nullopt);
    else ok = false;
  }
  if (!ok) {
    fail(ctx, "'dimension_names' must be null or a list of " + std::to_string(ndim) +
                  " strings or nulls (one per dimension), got " + describe(v));
  }
  return names;
}

}  // namespace

ArrayMetadata parse_v3_document(const json& doc, std::string_view path) {
  const std::string ctx = context("zarr.json", path);
  if (!doc.is_object()) fail(ctx, "the document must be a JSON object, got " + describe(doc));
  ArrayMetadata m;
  m.path = std::string(path);
  m.zarr_format = 3;
  const json& fmt = required(doc, "zarr_format", ctx);
  if (fmt != 3) fail(ctx, "'zarr_format' must be 3, got " + describe(fmt));
  const json& node_type = required(doc, "node_type", ctx);
  if (node_type != "array") {
    fail(ctx, "'node_type' must be \"array\", got " + describe(node_type) +
                  (node_type == "group" ? " (this is a group, not an array)" : ""));
  }

  m.shape = read_extents(required(doc, "shape", ctx), ctx, "shape", 0);
  m.dtype = read_data_type(required(doc, "data_type", ctx), ctx, &m.struct_fields);
  m.chunk_shape = read_chunk_grid(required(doc, "chunk_grid", ctx), m.shape.size(), ctx);
  m.chunk_key_encoding = read_chunk_key_encoding(required(doc, "chunk_key_encoding", ctx), ctx);
  m.fill_value_json = required(doc, "fill_value", ctx);
  m.fill_value = parse_fill_value_impl(m.fill_value_json, m.dtype, ctx, false);

  m.codecs = required(doc, "codecs", ctx);
  if (!m.codecs.is_array() || m.codecs.empty()) {
    fail(ctx, "'codecs' must be a non-empty list, got " + describe(m.codecs));
  }
  m.attributes = member(doc, "attributes");
  if (m.attributes.is_null()) m.attributes = json::object();
  if (!m.attributes.is_object()) fail(ctx, "'attributes' must be an object, got " + describe(m.attributes));
  m.dimension_names = read_dimension_names(member(doc, "dimension_names"), m.shape.size(), ctx);

  const json& transformers = member(doc, "storage_transformers");
  if (!transformers.is_null() && !transformers.is_array()) {
    fail(ctx, "'storage_transformers' must be a list, got " + describe(transformers));
  }
  if (transformers.is_array() && !transformers.empty()) {
    fail(ctx, "storage transformers are not supported, got " + describe(transformers));
  }

  // The spec: an unknown field stops the reader unless it is an object
  // saying "must_understand": false.
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if (is_known_field(it.key())) continue;
    const json& v = it.value();
    if (!v.is_object() || member(v, "must_understand") != false) {
      fail(ctx, "unknown field '" + it.key() +
                    "' (Zarr v3 readers must refuse fields they do not know unless they are objects with "
                    "\"must_understand\": false)");
    }
    m.extra_fields[it.key()] = v;
  }
  m.order = 'C';
  m.filters = nullptr;
  m.compressor = nullptr;
  finish(m, ctx);
  return m;
}

json v3_document(const ArrayMetadata& m) {
  json doc = json::object();
  doc["shape"] = m.shape;
  doc["data_type"] =
      m.struct_fields.is_null()
          ? data_type_json(m.dtype)
          : json{{"name", "structured"}, {"configuration", {{"fields", v3_struct_fields(m.struct_fields)}}}};
  doc["chunk_grid"] = {{"name", "regular"}, {"configuration", {{"chunk_shape", m.chunk_shape}}}};
  doc["chunk_key_encoding"] = m.chunk_key_encoding.to_json();
  doc["fill_value"] = m.fill_value_json;
  doc["codecs"] = m.codecs;
  doc["attributes"] = m.attributes;
  if (m.dimension_names) {
    json names = json::array();
    for (const auto& n : *m.dimension_names) names.push_back(n ? json(*n) : json(nullptr));
    doc["dimension_names"] = names;
  }
  doc["zarr_format"] = 3;
  doc["node_type"] = "array";
  doc["storage_transformers"] = json::array();
  for (auto it = m.extra_fields.begin(); it != m.extra_fields.end(); ++it) doc[it.key()] = it.value();
  return doc;
}

}  // namespace zarrnative::metadata::detail
