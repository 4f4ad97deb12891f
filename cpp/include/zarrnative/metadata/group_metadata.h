// zarrnative: a group's metadata and consolidated metadata, parsed and
// validated.
//
// Groups carry little (a format, attributes), but their documents are read
// from untrusted stores like any other: the checks live here, beside the
// array metadata, so that C++ embedders and Python share them.
//
// Typical usage:
//   1. auto g = GroupMetadata::parse_v3(read_file("a/zarr.json"), "a");
//      // or parse_v2(zgroup_text, zattrs_text_or_nullopt, "a")
//   2. g.attributes;                    // a JSON object
//   3. g.consolidated;                  // v3: the inline "consolidated_metadata"
//                                       // member, validated entry by entry; null if absent
//   4. validate_zmetadata(read_file(".zmetadata"), "");   // a v2 consolidated document
//
// Consolidated metadata (not yet in the v3 spec; the layout zarr-python 3 writes):
//   v3: zarr.json of the root group holds
//       "consolidated_metadata": {"kind": "inline", "must_understand": false,
//                                 "metadata": {"a": {<group doc>}, "a/x": {<array doc>}, ...}}
//   v2: .zmetadata holds {"zarr_consolidated_format": 1,
//                         "metadata": {".zgroup": {...}, "a/.zattrs": {...}, "a/x/.zarray": {...}}}
// Each entry is validated as the document it stands for (arrays by
// ArrayMetadata), so a corrupt consolidated document fails where it is read,
// with an Error(kMetadata) that names the entry.
//
// Specs:
//   v3 https://zarr-specs.readthedocs.io/en/latest/v3/core/index.html#group-metadata
//   v2 https://zarr-specs.readthedocs.io/en/latest/v2/v2.0.html#groups
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "zarrnative/metadata/array_metadata.h"

namespace zarrnative::metadata {

struct GroupMetadata {
  int zarr_format = 3;                 // 2 or 3
  json attributes = json::object();    // always an object (v2: from .zattrs)
  json consolidated;                   // v3: the validated "consolidated_metadata" member, or null
  std::string path;                    // for error messages

  // Parses and validates a v3 zarr.json of a group (node_type "group").
  // Error(kMetadata) names the document and the field.
  static GroupMetadata parse_v3(std::string_view zarr_json, std::string_view path);
  static GroupMetadata from_json_v3(const json& doc, std::string_view path);
  // Parses and validates a v2 .zgroup and the optional .zattrs.
  static GroupMetadata parse_v2(std::string_view zgroup, std::optional<std::string_view> zattrs,
                                std::string_view path);
};

// Validates an inline consolidated metadata object (`kind` "inline",
// `metadata` an object of node documents of `zarr_format`; v2 entries are
// .zarray documents with an "attributes" member, or .zgroup documents).
void validate_consolidated(const json& consolidated, int zarr_format, std::string_view path);

// Validates a v2 .zmetadata document's text: zarr_consolidated_format 1,
// keys "<path>/.zarray" | ".zgroup" | ".zattrs", each document valid.
// Returns the parsed document.
json validate_zmetadata(std::string_view text, std::string_view path);

}  // namespace zarrnative::metadata
