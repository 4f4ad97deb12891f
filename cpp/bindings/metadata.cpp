// A thin binding of ArrayMetadata: documents go in and out as JSON text,
// so Python's json module does the conversion and the core the validation.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string_view.h>

#include <optional>
#include <string>
#include <vector>

#include "bindings.h"
#include "zarrnative/metadata/array_metadata.h"
#include "zarrnative/metadata/group_metadata.h"

using namespace nb::literals;

namespace zarrnative::bindings {
namespace {

using metadata::ArrayMetadata;
using metadata::json;

std::string dump(const json& j, int indent = -1) { return metadata::dump_json_document(j, indent); }

}  // namespace

void init_metadata(nb::module_& m) {
  nb::class_<ArrayMetadata>(m, "ArrayMetadata",
                            "An array's validated metadata (Zarr v2 .zarray/.zattrs or v3 zarr.json).")
      .def_static("parse_v3", &ArrayMetadata::parse_v3, "text"_a, "path"_a = "",
                  "Parses and validates a v3 zarr.json document; `path` names the array in errors.")
      .def_static("parse_v2",
                  [](const std::string& zarray, std::optional<std::string> zattrs, const std::string& path) {
                    std::optional<std::string_view> attrs;
                    if (zattrs) attrs = *zattrs;
                    return ArrayMetadata::parse_v2(zarray, attrs, path);
                  },
                  "zarray"_a, "zattrs"_a = nb::none(), "path"_a = "",
                  "Parses and validates a v2 .zarray document and its .zattrs (None: no attributes).")
      .def_static("from_json",
                  [](const std::string& text, int zarr_format, const std::string& path) {
                    const char* file = zarr_format == 2 ? ".zarray" : "zarr.json";
                    json doc = metadata::parse_json_document(text, std::string(file) + " at '" + path + "': ");
                    return ArrayMetadata::from_json(doc, zarr_format, path);
                  },
                  "text"_a, "zarr_format"_a, "path"_a = "",
                  "Validates the metadata of a new array (JSON text of the zarr.json, or of the .zarray with "
                  "an optional 'attributes' member); the fill value is written in its canonical form.")
      .def_ro("zarr_format", &ArrayMetadata::zarr_format)
      .def_ro("shape", &ArrayMetadata::shape)
      .def_ro("chunk_shape", &ArrayMetadata::chunk_shape)
      .def_ro("path", &ArrayMetadata::path)
      .def_prop_ro("typestr", [](const ArrayMetadata& a) { return a.dtype.typestr(); },
                   "numpy typestr of the data type ('|O' for string and bytes).")
      .def_prop_ro("zarr_data_type", [](const ArrayMetadata& a) { return a.dtype.zarr_v3_name(); })
      .def_prop_ro("struct_fields_json", [](const ArrayMetadata& a) { return dump(a.struct_fields); },
                   "A structured type's fields as numpy's descr (JSON text; 'null' for other types).")
      .def_prop_ro("fill_value_json", [](const ArrayMetadata& a) { return dump(a.fill_value_json); },
                   "The fill value as written in the document (JSON text).")
      .def_prop_ro("fill_value_bytes",
                   [](const ArrayMetadata& a) { return nb::bytes(a.fill_value.data(), a.fill_value.size()); },
                   "One element in the data type's byte order (string/bytes types: the fill string's bytes).")
      .def_prop_ro("codecs_json", [](const ArrayMetadata& a) { return dump(a.codecs); })
      .def_prop_ro("order", [](const ArrayMetadata& a) { return std::string(1, a.order); })
      .def_prop_ro("filters_json", [](const ArrayMetadata& a) { return dump(a.filters); })
      .def_prop_ro("compressor_json", [](const ArrayMetadata& a) { return dump(a.compressor); })
      .def_prop_ro("attributes_json", [](const ArrayMetadata& a) { return dump(a.attributes); })
      .def_ro("dimension_names", &ArrayMetadata::dimension_names)
      .def_prop_ro("chunk_key_encoding", [](const ArrayMetadata& a) { return dump(a.chunk_key_encoding.to_json()); })
      .def_prop_ro("chunk_grid_shape", &ArrayMetadata::chunk_grid_shape, "Chunks per dimension.")
      .def("to_json", [](const ArrayMetadata& a, int indent) { return dump(a.to_json(), indent); },
           "indent"_a = -1, "The zarr.json (v3) or .zarray (v2, without attributes) document as JSON text.")
      .def("attributes_to_json", [](const ArrayMetadata& a, int indent) { return dump(a.attributes_json(), indent); },
           "indent"_a = -1, "The attributes (v2: the .zattrs document) as JSON text.")
      .def("chunk_key", [](const ArrayMetadata& a, const std::vector<int64_t>& coords) { return a.chunk_key(coords); },
           "coords"_a)
      .def("make_pipeline",
           [](const ArrayMetadata& a) { return std::const_pointer_cast<codec::CodecPipeline>(a.make_pipeline()); })
      .def("with_shape", &ArrayMetadata::with_shape, "shape"_a)
      .def("with_attributes",
           [](const ArrayMetadata& a, const std::string& text) {
             return a.with_attributes(metadata::parse_json_document(text, "attributes of '" + a.path + "': "));
           },
           "attributes"_a, "A copy with other attributes (JSON text of an object).")
      .def("__repr__", [](const ArrayMetadata& a) {
        return "<ArrayMetadata v" + std::to_string(a.zarr_format) + " '" + a.path + "' " + a.dtype.zarr_v3_name() +
               " shape=" + json(a.shape).dump() + ">";
      });

  using metadata::GroupMetadata;
  nb::class_<GroupMetadata>(m, "GroupMetadata",
                            "A group's validated metadata (Zarr v2 .zgroup/.zattrs or v3 zarr.json).")
      .def_static("parse_v3", &GroupMetadata::parse_v3, "text"_a, "path"_a = "",
                  "Parses and validates a v3 zarr.json of a group, its consolidated metadata included.")
      .def_static("parse_v2",
                  [](const std::string& zgroup, std::optional<std::string> zattrs, const std::string& path) {
                    std::optional<std::string_view> attrs;
                    if (zattrs) attrs = *zattrs;
                    return GroupMetadata::parse_v2(zgroup, attrs, path);
                  },
                  "zgroup"_a, "zattrs"_a = nb::none(), "path"_a = "",
                  "Parses and validates a v2 .zgroup document and its .zattrs (None: no attributes).")
      .def_ro("zarr_format", &GroupMetadata::zarr_format)
      .def_ro("path", &GroupMetadata::path)
      .def_prop_ro("attributes_json", [](const GroupMetadata& g) { return dump(g.attributes); })
      .def_prop_ro("consolidated_json",
                   [](const GroupMetadata& g) -> std::optional<std::string> {
                     if (g.consolidated.is_null()) return std::nullopt;
                     return dump(g.consolidated);
                   },
                   "The inline consolidated metadata (JSON text), or None.")
      .def("__repr__", [](const GroupMetadata& g) {
        return "<GroupMetadata v" + std::to_string(g.zarr_format) + " '" + g.path + "'>";
      });
  m.def("validate_consolidated",
        [](const std::string& text, int zarr_format, const std::string& path) {
          metadata::validate_consolidated(
              metadata::parse_json_document(text, "consolidated metadata at '" + path + "': "), zarr_format, path);
        },
        "text"_a, "zarr_format"_a, "path"_a = "",
        "Validates inline consolidated metadata (JSON text): kind, and every entry as the document it stands for.");
  m.def("validate_zmetadata",
        [](const std::string& text, const std::string& path) { metadata::validate_zmetadata(text, path); },
        "text"_a, "path"_a = "", "Validates a v2 .zmetadata document (JSON text).");

  m.def("node_type_of_v3", &metadata::node_type_of_v3, "text"_a, "path"_a = "",
        "'array' or 'group': the node_type of a v3 zarr.json document.");
}

}  // namespace zarrnative::bindings
