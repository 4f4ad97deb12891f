// zarrnative: an array's metadata, parsed, validated and written back.
//
// One source of truth for Zarr array metadata (v2 `.zarray` + `.zattrs`, v3
// `zarr.json`): the C++ parser. Python builds the JSON of a new array and
// asks from_json() to validate it; it never re-implements validation.
//
// Typical usage:
//   1. auto m = ArrayMetadata::parse_v3(read_file("a/zarr.json"), "a");
//      // or parse_v2(zarray_text, zattrs_text_or_nullopt, "a")
//   2. m.chunk_grid_shape();                 // chunks per dimension
//   3. m.chunk_key({0, 1});                  // "c/0/1" (v2: "0.1")
//   4. auto p = m.make_pipeline();           // codec::CodecPipeline
//   5. write_file("a/zarr.json", m.to_json().dump(4));
//
// Every failure is Error(ErrorCode::kMetadata) naming the file and the field:
//   "zarr.json at 'a/b': 'shape' must be a list of non-negative integers, got ..."
// except invalid codecs, which stay Error(kCodecConfig) (both are ValueErrors in
// Python), with the file named the same way.
//
// Specs:
//   v3 https://zarr-specs.readthedocs.io/en/latest/v3/core/index.html#array-metadata
//   v2 https://zarr-specs.readthedocs.io/en/latest/v2/v2.0.html#metadata
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "zarrnative/codec/codec.h"
#include "zarrnative/codec/pipeline.h"
#include "zarrnative/common/bytes.h"
#include "zarrnative/common/dtype.h"
#include "zarrnative/ndarray/ndarray.h"

namespace zarrnative::metadata {

// Documents keep their keys in the order written (zarr-python's order on
// output; a user's attribute order survives a read and a write). Converts
// implicitly to and from codec::json (nlohmann::json).
using json = nlohmann::ordered_json;

// How chunk grid coordinates become store keys (relative to the array).
struct ChunkKeyEncoding {
  enum class Kind { kDefault, kV2 };
  Kind kind = Kind::kDefault;
  char separator = '/';

  // kDefault: "c" + sep + coords joined by sep ("c" alone for a 0-d array).
  // kV2: coords joined by sep ("0" for a 0-d array).
  std::string key(std::span<const int64_t> chunk_coords) const;
  // {"name": "default"|"v2", "configuration": {"separator": "/"|"."}}
  json to_json() const;

  bool operator==(const ChunkKeyEncoding&) const = default;
};

struct ArrayMetadata {
  int zarr_format = 3;                 // 2 or 3
  Shape shape;
  Shape chunk_shape;                   // regular grid only
  DType dtype = DType(DTypeKind::kFloat, 8);  // v2: with the byte order of the .zarray dtype
  // Structured types (dtype is then kRaw, one whole record): the fields as
  // numpy's descr spells them, [[name, typestr], [name, typestr, shape],
  // [name, [nested fields]]], packed in order; null for other types.
  json struct_fields;
  json fill_value_json;                // as written (v2: null allowed)
  std::vector<uint8_t> fill_value;     // one element in dtype's byte order (zeros when v2 null);
                                       // string/bytes: the fill string's bytes (codec::ChunkSpec's rule)
  json codecs = json::array();         // v3 codecs list (v2: empty)
  char order = 'C';                    // v2 'C'/'F' (v3: 'C')
  json filters;                        // v2: null or a list of numcodecs dicts
  json compressor;                     // v2: null or a numcodecs dict
  ChunkKeyEncoding chunk_key_encoding; // v2: kV2 with the dimension_separator ('.' by default)
  json attributes = json::object();    // always an object (v2: from .zattrs)
  std::optional<std::vector<std::optional<std::string>>> dimension_names;
  // v3: top-level fields kept verbatim so that to_json() writes them back
  // (objects with "must_understand": false, which the spec lets readers ignore).
  json extra_fields = json::object();
  // Where the array lives ("a/b"): named in error messages, not written.
  std::string path;

  // Parses and validates a v3 zarr.json document of an array. `path` names
  // the array in error messages ("zarr.json at 'a/b': ...").
  static ArrayMetadata parse_v3(std::string_view zarr_json, std::string_view path);
  // Parses and validates a v2 .zarray (and the optional .zattrs).
  static ArrayMetadata parse_v2(std::string_view zarray, std::optional<std::string_view> zattrs,
                                std::string_view path);
  // The same from a parsed document (a new array's dict built by Python).
  // For v2, `doc` is the .zarray document; an "attributes" member, if any,
  // is taken as the .zattrs.
  static ArrayMetadata from_json(const json& doc, int zarr_format, std::string_view path);

  // The zarr.json document (v3) or the .zarray document (v2, without attributes).
  json to_json() const;
  // The .zattrs document (v2), i.e. `attributes`.
  json attributes_json() const;

  // The number of chunks per dimension: ceil(shape / chunk_shape).
  Shape chunk_grid_shape() const;
  std::string chunk_key(std::span<const int64_t> coords) const;
  // dtype, chunk_shape, fill_value
  codec::ChunkSpec chunk_spec() const;
  // from_v3(codecs) or from_v2(order, filters, compressor); invalid codecs
  // throw Error(kCodecConfig) with the file named ("zarr.json at 'a': zstd: ...").
  std::shared_ptr<const codec::CodecPipeline> make_pipeline() const;

  // Copies with another shape (resize) or other attributes; validated.
  ArrayMetadata with_shape(const Shape& new_shape) const;
  ArrayMetadata with_attributes(const json& new_attributes) const;
};

// The fill value's JSON form for one element (`element` in dtype's byte order):
// numbers, "NaN" / "Infinity" / "-Infinity", [re, im] for complex, true/false,
// a string (string), base64 (variable_length_bytes, as zarr-python writes it).
// A NaN other than the canonical quiet NaN is written as its "0x..." bit pattern.
json fill_value_to_json(ByteView element, DType dtype);
// One element in dtype's byte order from any JSON form the spec allows for
// the dtype. `context` starts error messages ("zarr.json at 'a': ").
std::vector<uint8_t> parse_fill_value(const json& value, DType dtype, std::string_view context);

// Parses a metadata document's text. Malformed JSON and nesting deeper than
// kMaxJsonDepth (a guard against stack exhaustion) throw Error(kMetadata)
// whose message starts with `context` ("zarr.json at 'a': ").
//
// The bare tokens NaN, Infinity and -Infinity (which zarr-python and Python's
// json module write for non-finite attribute values) are accepted outside
// strings: they become marker strings (U+FDD0 followed by the token) that
// dump_json_document writes back as the bare tokens, so attributes holding
// them survive a read-modify-write unchanged.
inline constexpr int kMaxJsonDepth = 512;
json parse_json_document(std::string_view text, std::string_view context);
// Serialises a document (indent < 0: compact), restoring bare NaN, Infinity
// and -Infinity where parse_json_document read them.
std::string dump_json_document(const json& doc, int indent = -1);

// "array" or "group": the node_type of a v3 zarr.json (Error(kMetadata) when
// it is missing or malformed). `path` is for error messages.
std::string node_type_of_v3(std::string_view zarr_json, std::string_view path = "");

}  // namespace zarrnative::metadata
