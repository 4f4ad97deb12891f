// Zarr v3 array metadata: zarr.json.
// https://zarr-specs.readthedocs.io/en/latest/v3/core/index.html#array-metadata
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

DType read_data_type(const json& v, std::string_view ctx) {
  if (!v.is_string()) {
    fail(ctx, "'data_type' must be a data type name such as \"float64\", got " + describe(v) +
                  " (extension data types are not supported)");
  }
  try {
    return DType::from_zarr_v3_name(v.get<std::string>());
  } catch (const Error& e) {
    fail(ctx, "'data_type' " + describe(v) + " is not supported: " + e.what());
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
  m.dtype = read_data_type(required(doc, "data_type", ctx), ctx);
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
  doc["data_type"] = m.dtype.zarr_v3_name();
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
