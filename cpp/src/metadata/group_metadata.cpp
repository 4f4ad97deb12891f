// Group metadata (v2 .zgroup + .zattrs, v3 zarr.json) and consolidated
// metadata (v3 inline, v2 .zmetadata), as zarr-python 3 writes them.
#include "zarrnative/metadata/group_metadata.h"

#include <map>
#include <string>

#include "metadata_util.h"

namespace zarrnative::metadata {
namespace {

using detail::context;
using detail::describe;
using detail::fail;
using detail::member;
using detail::required;

std::string join(std::string_view a, std::string_view b) {
  if (a.empty()) return std::string(b);
  return std::string(a) + "/" + std::string(b);
}

json read_attributes(const json& v, std::string_view ctx) {
  if (v.is_null()) return json::object();
  if (!v.is_object()) fail(ctx, "'attributes' must be a JSON object, got " + describe(v));
  return v;
}

// A relative node path from a consolidated document: "a" or "a/b", no empty,
// "." or ".." segments (the key later addresses the store).
void check_node_key(const std::string& key, std::string_view ctx) {
  bool ok = !key.empty() && key.front() != '/' && key.back() != '/';
  size_t start = 0;
  while (ok && start <= key.size()) {
    size_t end = key.find('/', start);
    if (end == std::string::npos) end = key.size();
    std::string_view seg(key.data() + start, end - start);
    ok = !seg.empty() && seg != "." && seg != "..";
    start = end + 1;
  }
  if (!ok) fail(ctx, "invalid node path " + describe(json(key)));
}

// Re-throws an entry's error with the consolidated document named first.
template <class F>
void in_entry(std::string_view ctx, const std::string& key, F&& f) {
  try {
    f();
  } catch (const Error& e) {
    throw Error(e.code(), std::string(ctx) + "entry '" + key + "': " + e.what());
  }
}

}  // namespace

GroupMetadata GroupMetadata::from_json_v3(const json& doc, std::string_view path) {
  const std::string ctx = context("zarr.json", path);
  if (!doc.is_object()) fail(ctx, "the document must be a JSON object, got " + describe(doc));
  const json& fmt = required(doc, "zarr_format", ctx);
  if (fmt != 3) fail(ctx, "'zarr_format' must be 3, got " + describe(fmt));
  const json& type = required(doc, "node_type", ctx);
  if (type != "group") fail(ctx, "'node_type' must be \"group\", got " + describe(type));
  GroupMetadata g;
  g.zarr_format = 3;
  g.path = std::string(path);
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    const std::string& k = it.key();
    if (k == "zarr_format" || k == "node_type") continue;
    if (k == "attributes") {
      g.attributes = read_attributes(it.value(), ctx);
    } else if (k == "consolidated_metadata") {
      if (!it.value().is_null()) {
        validate_consolidated(it.value(), 3, path);
        g.consolidated = it.value();
      }
    } else if (!it.value().is_object() || member(it.value(), "must_understand") != false) {
      // The spec lets readers ignore only extensions that say so.
      fail(ctx, "unknown field '" + k + "' (an extension field must be an object with \"must_understand\": false)");
    }
  }
  return g;
}

GroupMetadata GroupMetadata::parse_v3(std::string_view zarr_json, std::string_view path) {
  return from_json_v3(parse_json_document(zarr_json, context("zarr.json", path)), path);
}

GroupMetadata GroupMetadata::parse_v2(std::string_view zgroup, std::optional<std::string_view> zattrs,
                                      std::string_view path) {
  const std::string ctx = context(".zgroup", path);
  json doc = parse_json_document(zgroup, ctx);
  if (!doc.is_object()) fail(ctx, "the document must be a JSON object, got " + describe(doc));
  const json& fmt = required(doc, "zarr_format", ctx);
  if (fmt != 2) fail(ctx, "'zarr_format' must be 2, got " + describe(fmt));
  GroupMetadata g;
  g.zarr_format = 2;
  g.path = std::string(path);
  if (zattrs) {
    const std::string actx = context(".zattrs", path);
    json attrs = parse_json_document(*zattrs, actx);
    if (!attrs.is_object()) fail(actx, "the document must be a JSON object, got " + describe(attrs));
    g.attributes = std::move(attrs);
  }
  return g;
}

void validate_consolidated(const json& c, int zarr_format, std::string_view path) {
  const std::string ctx = "consolidated metadata of the group at '" + std::string(path) + "': ";
  if (!c.is_object()) fail(ctx, "must be a JSON object, got " + describe(c));
  const json& kind = member(c, "kind");
  if (kind != "inline") fail(ctx, "'kind' must be \"inline\", got " + (kind.is_null() ? "nothing" : describe(kind)));
  const json& mu = member(c, "must_understand");
  if (!mu.is_null() && mu != false) fail(ctx, "'must_understand' must be false, got " + describe(mu));
  const json& entries = member(c, "metadata");
  if (!entries.is_object()) {
    fail(ctx, "'metadata' must be a JSON object, got " + (entries.is_null() ? "nothing" : describe(entries)));
  }
  for (auto it = entries.begin(); it != entries.end(); ++it) {
    const std::string& key = it.key();
    check_node_key(key, ctx);
    const json& doc = it.value();
    const std::string node = join(path, key);
    if (!doc.is_object()) fail(ctx, "entry '" + key + "' must be a JSON object, got " + describe(doc));
    const json& fmt = member(doc, "zarr_format");
    if (fmt != zarr_format) {
      fail(ctx, "entry '" + key + "' has zarr_format " + describe(fmt) + " in a Zarr format " +
                    std::to_string(zarr_format) + " hierarchy (formats cannot be mixed)");
    }
    in_entry(ctx, key, [&] {
      if (zarr_format == 3) {
        const json& type = member(doc, "node_type");
        if (type == "group") {
          GroupMetadata::from_json_v3(doc, node);
        } else if (type == "array") {
          ArrayMetadata::from_json(doc, 3, node);
        } else {
          fail(context("zarr.json", node), "'node_type' must be \"array\" or \"group\", got " +
                                                (type.is_null() ? std::string("nothing") : describe(type)));
        }
      } else if (doc.contains("shape")) {
        ArrayMetadata::from_json(doc, 2, node);  // a .zarray with its "attributes"
      } else {
        read_attributes(member(doc, "attributes"), context(".zgroup", node));
      }
    });
  }
}

json validate_zmetadata(std::string_view text, std::string_view path) {
  const std::string ctx = context(".zmetadata", path);
  json doc = parse_json_document(text, ctx);
  if (!doc.is_object()) fail(ctx, "the document must be a JSON object, got " + describe(doc));
  const json& fmt = member(doc, "zarr_consolidated_format");
  if (fmt != 1) {
    fail(ctx, "'zarr_consolidated_format' must be 1, got " + (fmt.is_null() ? std::string("nothing") : describe(fmt)));
  }
  const json& entries = member(doc, "metadata");
  if (!entries.is_object()) {
    fail(ctx, "'metadata' must be a JSON object, got " + (entries.is_null() ? "nothing" : describe(entries)));
  }
  // node path -> its documents
  struct Node {
    const json* zarray = nullptr;
    const json* zattrs = nullptr;
    const json* zgroup = nullptr;
  };
  std::map<std::string, Node> nodes;
  for (auto it = entries.begin(); it != entries.end(); ++it) {
    const std::string& key = it.key();
    const size_t slash = key.rfind('/');
    const std::string node = slash == std::string::npos ? "" : key.substr(0, slash);
    const std::string file = slash == std::string::npos ? key : key.substr(slash + 1);
    if (!node.empty()) check_node_key(node, ctx);
    if (!it.value().is_object()) fail(ctx, "entry '" + key + "' must be a JSON object, got " + describe(it.value()));
    Node& n = nodes[node];
    if (file == ".zarray") n.zarray = &it.value();
    else if (file == ".zattrs") n.zattrs = &it.value();
    else if (file == ".zgroup") n.zgroup = &it.value();
    else fail(ctx, "entry '" + key + "' is no .zarray, .zattrs or .zgroup document");
  }
  for (const auto& [node, n] : nodes) {
    const std::string full = join(path, node);
    if (n.zarray && n.zgroup) {
      fail(ctx, "'" + node + "' has both a .zarray and a .zgroup document");
    }
    in_entry(ctx, node.empty() ? "." : node, [&] {
      if (n.zarray) {
        detail::parse_v2_document(*n.zarray, n.zattrs, full);
      } else if (n.zgroup) {
        const json& f = member(*n.zgroup, "zarr_format");
        if (f != 2) fail(context(".zgroup", full), "'zarr_format' must be 2, got " + describe(f));
      }
    });
  }
  return doc;
}

}  // namespace zarrnative::metadata
