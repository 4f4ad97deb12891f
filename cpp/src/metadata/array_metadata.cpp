// ArrayMetadata: what both formats share (chunk grid, chunk keys, the codec
// pipeline) and the entry points that dispatch to v2.cpp / v3.cpp.
#include "zarrnative/metadata/array_metadata.h"

#include <algorithm>
#include <cctype>

#include "metadata_util.h"

namespace zarrnative::metadata {

using detail::context;
using detail::describe;
using detail::fail;

std::string ChunkKeyEncoding::key(std::span<const int64_t> chunk_coords) const {
  std::string k = kind == Kind::kDefault ? "c" : "";
  if (chunk_coords.empty()) return kind == Kind::kDefault ? k : "0";
  for (size_t i = 0; i < chunk_coords.size(); ++i) {
    if (kind == Kind::kDefault || i > 0) k += separator;
    k += std::to_string(chunk_coords[i]);
  }
  return k;
}

json ChunkKeyEncoding::to_json() const {
  return {{"name", kind == Kind::kDefault ? "default" : "v2"},
          {"configuration", {{"separator", std::string(1, separator)}}}};
}

namespace {
// U+FDD0, a Unicode noncharacter, in UTF-8: the prefix of the marker strings
// that stand for the bare non-finite tokens.
constexpr std::string_view kNonFiniteMarker = "\xEF\xB7\x90";
constexpr std::string_view kNonFiniteTokens[] = {"-Infinity", "Infinity", "NaN"};

// The token of kNonFiniteTokens that starts at text[i], or empty.
std::string_view non_finite_token_at(std::string_view text, size_t i) {
  for (std::string_view t : kNonFiniteTokens) {
    if (text.substr(i, t.size()) != t) continue;
    const size_t end = i + t.size();
    const bool ends = end == text.size() || !(std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_');
    if (ends) return t;
  }
  return {};
}
}  // namespace

json parse_json_document(std::string_view text, std::string_view ctx) {
  // nlohmann parses without recursion, but copies and destroys documents
  // recursively: bound the depth before parsing. The same pass finds the bare
  // non-finite tokens outside strings and rewrites them as marker strings.
  int depth = 0;
  bool in_string = false;
  std::string rewritten;
  size_t copied = 0;  // text[0, copied) is already in `rewritten`
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) fail(ctx, "the document is nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    } else if (c == ']' || c == '}') {
      --depth;
    } else if (c == 'N' || c == 'I' || c == '-') {
      std::string_view token = non_finite_token_at(text, i);
      if (!token.empty()) {
        rewritten.append(text.substr(copied, i - copied));
        rewritten += '"';
        rewritten += kNonFiniteMarker;
        rewritten += token;
        rewritten += '"';
        i += token.size() - 1;
        copied = i + 1;
      }
    }
  }
  if (copied > 0) {
    rewritten.append(text.substr(copied));
    text = rewritten;
  }
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    fail(ctx, std::string("malformed JSON: ") + e.what());
  }
}

std::string dump_json_document(const json& doc, int indent) {
  std::string out = doc.dump(indent);
  if (out.find(kNonFiniteMarker) == std::string::npos) return out;
  std::string restored;
  restored.reserve(out.size());
  bool in_string = false;
  for (size_t i = 0; i < out.size(); ++i) {
    const char c = out[i];
    if (in_string) {
      restored += c;
      if (c == '\\') restored += out[++i];
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"' && out.compare(i + 1, kNonFiniteMarker.size(), kNonFiniteMarker) == 0) {
      const size_t start = i + 1 + kNonFiniteMarker.size();
      bool replaced = false;
      for (std::string_view t : kNonFiniteTokens) {
        if (out.compare(start, t.size(), t) == 0 && start + t.size() < out.size() && out[start + t.size()] == '"') {
          restored += t;
          i = start + t.size();  // the closing quote
          replaced = true;
          break;
        }
      }
      if (replaced) continue;
    }
    restored += c;
    if (c == '"') in_string = true;
  }
  return restored;
}

namespace detail {

json read_struct_fields(const json& fields, bool v3, std::string_view ctx, uint32_t& itemsize,
                        const std::function<DType(const json&)>& read_type, int depth) {
  const std::string what = v3 ? "'data_type' structured 'fields'" : "'dtype'";
  if (depth > 32) fail(ctx, what + " nests structured types more than 32 deep");
  if (!fields.is_array() || fields.empty()) {
    fail(ctx, what + " must be a non-empty list of fields, got " + describe(fields));
  }
  json out = json::array();
  std::vector<std::string> names;
  uint64_t total = 0;
  for (const json& f : fields) {
    if (!f.is_array() || f.size() < 2 || f.size() > (v3 ? 2u : 3u) || !f[0].is_string() ||
        f[0].get_ref<const std::string&>().empty()) {
      fail(ctx, what + ": each field must be " + (v3 ? "[name, data_type]" : "[name, type] or [name, type, shape]") +
                    " with a non-empty name, got " + describe(f));
    }
    const std::string& name = f[0].get_ref<const std::string&>();
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      fail(ctx, what + ": the field name \"" + name + "\" appears twice");
    }
    names.push_back(name);
    json entry = json::array({name});
    uint64_t size = 0;
    const bool nested = v3 ? (f[1].is_object() && member(f[1], "name") == "structured") : f[1].is_array();
    if (nested) {
      uint32_t inner = 0;
      const json& config = v3 ? member(f[1], "configuration") : f[1];
      if (v3 && (!config.is_object() || f[1].size() != 2)) {
        fail(ctx, what + ": field \"" + name + "\" must be {\"name\": \"structured\", \"configuration\": {\"fields\": [...]}}");
      }
      const json& sub = v3 ? member(config, "fields") : f[1];
      entry.push_back(read_struct_fields(sub, v3, ctx, inner, read_type, depth + 1));
      size = inner;
    } else {
      DType t = read_type(f[1]);
      if (t.is_vlen())
        fail(ctx, what + ": field \"" + name + "\" has a variable-length type, which records cannot hold");
      entry.push_back(t.typestr());
      size = t.itemsize();
    }
    if (f.size() == 3) {  // a subarray field
      Shape shape = read_extents(f[2], ctx, "dtype' field '" + name + "' shape", 1);
      for (int64_t n : shape) {
        size *= static_cast<uint64_t>(n);
        if (size > DType::kMaxItemSize) break;
      }
      entry.push_back(shape);
    }
    total += size;
    if (total > DType::kMaxItemSize) {
      fail(ctx, what + ": a record of more than " + std::to_string(DType::kMaxItemSize) + " bytes");
    }
    out.push_back(std::move(entry));
  }
  itemsize = static_cast<uint32_t>(total);
  return out;
}

void check_chunk_size(const Shape& chunk_shape, const DType& dtype, std::string_view ctx) {
  int64_t bytes = dtype.itemsize();
  for (int64_t e : chunk_shape) {
    if (e > 0 && bytes > INT64_MAX / e) {
      fail(ctx, "the chunk shape " + describe(json(chunk_shape)) + " makes chunks too large to address");
    }
    bytes *= e;
  }
}

void finish(ArrayMetadata& m, std::string_view ctx) {
  check_chunk_size(m.chunk_shape, m.dtype, ctx);
  m.make_pipeline();  // validates the codecs
}

}  // namespace detail

ArrayMetadata ArrayMetadata::parse_v3(std::string_view zarr_json, std::string_view path) {
  json doc = parse_json_document(zarr_json, context("zarr.json", path));
  return detail::parse_v3_document(doc, path);
}

ArrayMetadata ArrayMetadata::parse_v2(std::string_view zarray, std::optional<std::string_view> zattrs,
                                      std::string_view path) {
  json doc = parse_json_document(zarray, context(".zarray", path));
  if (!zattrs) return detail::parse_v2_document(doc, nullptr, path);
  json attrs = parse_json_document(*zattrs, context(".zattrs", path));
  return detail::parse_v2_document(doc, &attrs, path);
}

ArrayMetadata ArrayMetadata::from_json(const json& doc, int zarr_format, std::string_view path) {
  ArrayMetadata m;
  if (zarr_format == 3) {
    m = detail::parse_v3_document(doc, path);
  } else if (zarr_format == 2) {
    if (doc.is_object() && doc.contains("attributes")) {
      json zarray = doc;
      json attrs = zarray["attributes"];
      zarray.erase("attributes");
      m = detail::parse_v2_document(zarray, &attrs, path);
    } else {
      m = detail::parse_v2_document(doc, nullptr, path);
    }
  } else {
    throw Error(ErrorCode::kMetadata, "array at '" + std::string(path) + "': zarr_format must be 2 or 3, got " +
                                          std::to_string(zarr_format));
  }
  // A new array is written in the canonical form of its fill value.
  if (!(zarr_format == 2 && m.fill_value_json.is_null())) {
    m.fill_value_json = fill_value_to_json(m.fill_value, m.dtype);
    // v2 fixed-length bytes: every byte of the item, which tensorstore
    // insists on (zarr-python reads either; v3 drops trailing zeros, as it).
    if (zarr_format == 2 && m.dtype.kind() == DTypeKind::kFixedBytes) {
      m.fill_value_json = detail::base64_encode(m.fill_value);
    }
  }
  return m;
}

json ArrayMetadata::to_json() const { return zarr_format == 2 ? detail::v2_document(*this) : detail::v3_document(*this); }

json ArrayMetadata::attributes_json() const { return attributes; }

Shape ArrayMetadata::chunk_grid_shape() const {
  Shape grid(shape.size());
  for (size_t i = 0; i < shape.size(); ++i) grid[i] = shape[i] == 0 ? 0 : (shape[i] - 1) / chunk_shape[i] + 1;
  return grid;
}

std::string ArrayMetadata::chunk_key(std::span<const int64_t> coords) const { return chunk_key_encoding.key(coords); }

codec::ChunkSpec ArrayMetadata::chunk_spec() const { return codec::ChunkSpec{dtype, chunk_shape, fill_value}; }

std::shared_ptr<const codec::CodecPipeline> ArrayMetadata::make_pipeline() const {
  const char* file = zarr_format == 2 ? ".zarray" : "zarr.json";
  try {
    if (zarr_format == 2) {
      codec::json zarray = {{"order", std::string(1, order)},
                            {"filters", codec::json(filters)},
                            {"compressor", codec::json(compressor)}};
      return codec::CodecPipeline::from_v2(zarray, chunk_spec());
    }
    return codec::CodecPipeline::from_v3(codec::json(codecs), chunk_spec());
  } catch (const Error& e) {
    // Keep the code (an unknown codec is a CodecConfigError); name the file.
    throw Error(e.code(), context(file, path) + e.what());
  }
}

ArrayMetadata ArrayMetadata::with_shape(const Shape& new_shape) const {
  if (new_shape.size() != shape.size()) {
    throw Error(ErrorCode::kMetadata, context("array", path) + "resize: the new shape has " + std::to_string(new_shape.size()) +
                                          " dimensions, the array has " + std::to_string(shape.size()));
  }
  for (int64_t e : new_shape) {
    check(e >= 0, ErrorCode::kMetadata, [&] {
      return context("array", path) + "resize: the new shape " + describe(json(new_shape)) + " has a negative extent";
    });
  }
  ArrayMetadata m = *this;
  m.shape = new_shape;
  return m;
}

ArrayMetadata ArrayMetadata::with_attributes(const json& new_attributes) const {
  check(new_attributes.is_object(), ErrorCode::kMetadata,
        [&] { return context("array", path) + "attributes must be a JSON object, got " + describe(new_attributes); });
  ArrayMetadata m = *this;
  m.attributes = new_attributes;
  return m;
}

std::string node_type_of_v3(std::string_view zarr_json, std::string_view path) {
  const std::string ctx = context("zarr.json", path);
  json doc = parse_json_document(zarr_json, ctx);
  if (!doc.is_object()) fail(ctx, "the document must be a JSON object, got " + describe(doc));
  const json& t = detail::member(doc, "node_type");
  if (t != "array" && t != "group") {
    fail(ctx, "'node_type' must be \"array\" or \"group\", got " + (t.is_null() ? std::string("nothing") : describe(t)));
  }
  return t.get<std::string>();
}

}  // namespace zarrnative::metadata
