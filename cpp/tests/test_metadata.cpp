// ArrayMetadata: parse and write back v2 and v3 documents, every fill value
// form, and errors that name the file and the field.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <string>

#include "zarrnative/codec/registry.h"
#include "zarrnative/common/error.h"
#include "zarrnative/metadata/array_metadata.h"

namespace zarrnative::metadata {
namespace {

// What zarr-python 3.1.6 writes for
//   create_array(shape=(10, 7), chunks=(4, 4), dtype="f8", fill_value=nan,
//                dimension_names=["x", None], attributes={"k": 1, "a": [1]})
const char* kV3 = R"({
  "shape": [10, 7],
  "data_type": "float64",
  "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [4, 4]}},
  "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
  "fill_value": "NaN",
  "codecs": [{"name": "bytes", "configuration": {"endian": "little"}},
             {"name": "zstd", "configuration": {"level": 0, "checksum": false}}],
  "attributes": {"k": 1, "a": [1]},
  "dimension_names": ["x", null],
  "zarr_format": 3,
  "node_type": "array",
  "storage_transformers": []
})";

// create_array(..., dtype=">f4", fill_value=inf, zarr_format=2, order="F")
const char* kV2 = R"({
  "shape": [10, 7],
  "chunks": [4, 4],
  "dtype": ">f4",
  "fill_value": "Infinity",
  "order": "F",
  "filters": null,
  "dimension_separator": ".",
  "compressor": {"id": "zstd", "level": 0},
  "zarr_format": 2
})";

json doc(const char* text) { return json::parse(text); }

// Expects `f` to throw Error(code) whose message contains every `parts`.
void expect_error(const std::function<void()>& f, std::initializer_list<std::string> parts,
                  ErrorCode code = ErrorCode::kMetadata) {
  try {
    f();
    ADD_FAILURE() << "no error; expected one mentioning " << *parts.begin();
  } catch (const Error& e) {
    EXPECT_EQ(static_cast<int>(e.code()), static_cast<int>(code)) << e.what();
    for (const auto& p : parts) EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what() << "\n  lacks: " << p;
  }
}

std::string hex(const std::vector<uint8_t>& b) {
  std::string s;
  char buf[3];
  for (uint8_t x : b) {
    std::snprintf(buf, sizeof buf, "%02x", x);
    s += buf;
  }
  return s;
}

TEST(MetadataV3, ParsesZarrPythonDocument) {
  auto m = ArrayMetadata::parse_v3(kV3, "a/b");
  EXPECT_EQ(m.zarr_format, 3);
  EXPECT_EQ(m.shape, (Shape{10, 7}));
  EXPECT_EQ(m.chunk_shape, (Shape{4, 4}));
  EXPECT_EQ(m.dtype, DType(DTypeKind::kFloat, 8));
  EXPECT_EQ(hex(m.fill_value), "000000000000f87f");
  EXPECT_EQ(m.chunk_grid_shape(), (Shape{3, 2}));
  EXPECT_EQ(m.chunk_key(std::vector<int64_t>{2, 1}), "c/2/1");
  ASSERT_TRUE(m.dimension_names);
  EXPECT_EQ((*m.dimension_names)[0], "x");
  EXPECT_FALSE((*m.dimension_names)[1]);
  EXPECT_EQ(m.attributes["k"], 1);
  EXPECT_EQ(m.path, "a/b");
  auto p = m.make_pipeline();
  EXPECT_EQ(p->spec().shape, (Shape{4, 4}));
}

TEST(MetadataV3, WritesTheDocumentBackUnchanged) {
  auto m = ArrayMetadata::parse_v3(kV3, "a");
  EXPECT_EQ(m.to_json(), doc(kV3));  // ordered: zarr-python's field order too
  EXPECT_EQ(m.to_json().dump(), doc(kV3).dump());
  auto again = ArrayMetadata::parse_v3(m.to_json().dump(2), "a");
  EXPECT_EQ(again.to_json(), m.to_json());
}

TEST(MetadataV3, DefaultsAndOptionalFields) {
  json d = doc(kV3);
  d.erase("attributes");
  d.erase("dimension_names");
  d.erase("storage_transformers");
  d["chunk_key_encoding"] = {{"name", "v2"}};
  auto m = ArrayMetadata::from_json(d, 3, "a");
  EXPECT_TRUE(m.attributes.is_object() && m.attributes.empty());
  EXPECT_FALSE(m.dimension_names);
  EXPECT_EQ(m.chunk_key_encoding.kind, ChunkKeyEncoding::Kind::kV2);
  EXPECT_EQ(m.chunk_key_encoding.separator, '.');
  EXPECT_EQ(m.chunk_key(std::vector<int64_t>{1, 0}), "1.0");
  json out = m.to_json();
  EXPECT_FALSE(out.contains("dimension_names"));
  EXPECT_EQ(out["storage_transformers"], json::array());
  EXPECT_EQ(out["chunk_key_encoding"], json::parse(R"({"name": "v2", "configuration": {"separator": "."}})"));
  d["chunk_key_encoding"] = "default";  // the bare-name short form
  EXPECT_EQ(ArrayMetadata::from_json(d, 3, "a").chunk_key_encoding.separator, '/');
}

TEST(MetadataV3, KeepsFieldsMarkedMustUnderstandFalse) {
  json d = doc(kV3);
  d["my_extension"] = {{"must_understand", false}, {"x", 1}};
  auto m = ArrayMetadata::from_json(d, 3, "a");
  EXPECT_EQ(m.to_json()["my_extension"]["x"], 1);
}

TEST(MetadataV3, ZeroDimensional) {
  json d = doc(kV3);
  d["shape"] = json::array();
  d["chunk_grid"]["configuration"]["chunk_shape"] = json::array();
  d.erase("dimension_names");
  auto m = ArrayMetadata::from_json(d, 3, "s");
  EXPECT_EQ(m.chunk_grid_shape(), Shape{});
  EXPECT_EQ(m.chunk_key({}), "c");
  m.chunk_key_encoding = {ChunkKeyEncoding::Kind::kV2, '.'};
  EXPECT_EQ(m.chunk_key({}), "0");
}

TEST(MetadataChunkKey, Encodings) {
  std::vector<int64_t> c{1, 23, 0};
  EXPECT_EQ((ChunkKeyEncoding{ChunkKeyEncoding::Kind::kDefault, '/'}.key(c)), "c/1/23/0");
  EXPECT_EQ((ChunkKeyEncoding{ChunkKeyEncoding::Kind::kDefault, '.'}.key(c)), "c.1.23.0");
  EXPECT_EQ((ChunkKeyEncoding{ChunkKeyEncoding::Kind::kV2, '.'}.key(c)), "1.23.0");
  EXPECT_EQ((ChunkKeyEncoding{ChunkKeyEncoding::Kind::kV2, '/'}.key(c)), "1/23/0");
}

TEST(MetadataChunkGrid, ShapeRoundsUpAndZeroStaysZero) {
  auto m = ArrayMetadata::parse_v3(kV3, "a");
  m = m.with_shape({0, 8});
  EXPECT_EQ(m.chunk_grid_shape(), (Shape{0, 2}));
  m = m.with_shape({9, 1});
  EXPECT_EQ(m.chunk_grid_shape(), (Shape{3, 1}));
  expect_error([&] { m.with_shape({1}); }, {"'a'", "resize", "dimensions"});
  expect_error([&] { m.with_shape({1, -1}); }, {"'a'", "negative"});
  auto n = m.with_attributes(json{{"z", 2}, {"a", 1}});
  EXPECT_EQ(n.to_json()["attributes"].dump(), R"({"z":2,"a":1})");
  expect_error([&] { m.with_attributes(json::array()); }, {"attributes", "object"});
}

TEST(MetadataV2, ParsesAndWritesBack) {
  auto m = ArrayMetadata::parse_v2(kV2, R"({"k": 1})", "g/a2");
  EXPECT_EQ(m.zarr_format, 2);
  EXPECT_EQ(m.dtype, DType(DTypeKind::kFloat, 4, ByteOrder::kBig));
  EXPECT_EQ(hex(m.fill_value), "7f800000");  // big-endian infinity
  EXPECT_EQ(m.order, 'F');
  EXPECT_EQ(m.chunk_key_encoding.kind, ChunkKeyEncoding::Kind::kV2);
  EXPECT_EQ(m.chunk_key(std::vector<int64_t>{2, 1}), "2.1");
  EXPECT_EQ(m.compressor["id"], "zstd");
  EXPECT_TRUE(m.codecs.is_array() && m.codecs.empty());
  EXPECT_EQ(m.to_json(), doc(kV2));
  EXPECT_EQ(m.attributes_json(), json({{"k", 1}}));
  EXPECT_FALSE(m.to_json().contains("attributes"));
  auto p = m.make_pipeline();
  EXPECT_EQ(p->spec().dtype.byte_order(), ByteOrder::kBig);
}

TEST(MetadataV2, NullFillSeparatorAndNoAttributes) {
  json d = doc(kV2);
  d["fill_value"] = nullptr;
  d["dimension_separator"] = "/";
  d["dtype"] = "<i2";
  d.erase("order");
  auto m = ArrayMetadata::from_json(d, 2, "a");
  EXPECT_EQ(hex(m.fill_value), "0000");
  EXPECT_TRUE(m.fill_value_json.is_null());
  EXPECT_EQ(m.to_json()["fill_value"], nullptr);
  EXPECT_EQ(m.chunk_key(std::vector<int64_t>{3, 4}), "3/4");
  EXPECT_EQ(m.order, 'C');
  EXPECT_EQ(m.attributes, json::object());
  d["attributes"] = {{"x", "y"}};
  EXPECT_EQ(ArrayMetadata::from_json(d, 2, "a").attributes["x"], "y");
}

bool have_vlen_codecs() { return codec::CodecRegistry::builtin().kind("vlen-utf8").has_value(); }

TEST(MetadataV2, VariableLengthStrings) {
  if (!have_vlen_codecs()) GTEST_SKIP() << "vlen codecs not built";
  json d = doc(kV2);
  d["dtype"] = "|O";
  d["filters"] = json::parse(R"([{"id": "vlen-utf8"}])");
  d["fill_value"] = "";
  d["order"] = "C";
  auto m = ArrayMetadata::parse_v2(d.dump(), std::nullopt, "s");
  EXPECT_EQ(m.dtype.kind(), DTypeKind::kString);
  EXPECT_TRUE(m.fill_value.empty());
  EXPECT_EQ(m.to_json(), d);
  d["fill_value"] = 0;  // zarr 2 wrote 0 for object arrays; zarr-python 3 reads "0"
  EXPECT_EQ(ArrayMetadata::parse_v2(d.dump(), std::nullopt, "s").fill_value, (std::vector<uint8_t>{'0'}));
  d["filters"] = json::parse(R"([{"id": "vlen-bytes"}])");
  d["fill_value"] = nullptr;
  m = ArrayMetadata::from_json(d, 2, "s");
  EXPECT_EQ(m.dtype.kind(), DTypeKind::kBytes);
  EXPECT_TRUE(m.fill_value.empty());
  EXPECT_EQ(m.chunk_spec().fill_value.size(), 0u);
  d["filters"] = nullptr;
  expect_error([&] { ArrayMetadata::from_json(d, 2, "s"); }, {".zarray at 's'", "'dtype'", "vlen-utf8"});
  d["filters"] = json::parse(R"([{"id": "vlen-array", "dtype": "<i4"}])");
  expect_error([&] { ArrayMetadata::from_json(d, 2, "s"); }, {".zarray at 's'", "'dtype'", "vlen-utf8"});
}

TEST(MetadataV3, VariableLengthStrings) {
  if (!have_vlen_codecs()) GTEST_SKIP() << "vlen codecs not built";
  json d = doc(kV3);
  d["data_type"] = "string";
  d["fill_value"] = "ab";
  d["codecs"] = json::parse(R"([{"name": "vlen-utf8", "configuration": {}}])");
  auto m = ArrayMetadata::parse_v3(d.dump(), "s");
  EXPECT_EQ(std::string(m.fill_value.begin(), m.fill_value.end()), "ab");
  EXPECT_EQ(m.to_json(), d);
  d["data_type"] = "variable_length_bytes";
  d["fill_value"] = "YWI=";
  d["codecs"][0]["name"] = "vlen-bytes";
  m = ArrayMetadata::parse_v3(d.dump(), "s");
  EXPECT_EQ(m.dtype.kind(), DTypeKind::kBytes);
  EXPECT_EQ(std::string(m.fill_value.begin(), m.fill_value.end()), "ab");
  d["data_type"] = "bytes";  // zarr-python's alias; written back by its full name
  EXPECT_EQ(ArrayMetadata::parse_v3(d.dump(), "s").to_json()["data_type"], "variable_length_bytes");
  d["fill_value"] = "not base64!";
  expect_error([&] { ArrayMetadata::parse_v3(d.dump(), "s"); }, {"zarr.json at 's'", "'fill_value'", "base64"});
}

// ---- fill values ----------------------------------------------------------

struct FillCase {
  const char* dtype;      // typestr
  const char* json_text;  // as written
  const char* bytes;      // hex of the element, in the dtype's byte order
  const char* canonical;  // fill_value_to_json of it
};

TEST(MetadataFillValue, EveryFormRoundTrips) {
  const FillCase cases[] = {
      {"|b1", "true", "01", "true"},
      {"|b1", "false", "00", "false"},
      {"|i1", "-128", "80", "-128"},
      {"|u1", "255", "ff", "255"},
      {"<i2", "-3", "fdff", "-3"},
      {">i2", "-3", "fffd", "-3"},
      {"<u4", "4294967295", "ffffffff", "4294967295"},
      {"<i8", "-9223372036854775808", "0000000000000080", "-9223372036854775808"},
      {"<u8", "18446744073709551615", "ffffffffffffffff", "18446744073709551615"},
      {"<i4", "7.0", "07000000", "7"},  // an integral float
      {"<f8", "0.1", "9a9999999999b93f", "0.1"},
      {"<f8", "-0.0", "0000000000000080", "-0.0"},
      {"<f8", "\"NaN\"", "000000000000f87f", "\"NaN\""},
      {"<f8", "\"Infinity\"", "000000000000f07f", "\"Infinity\""},
      {"<f8", "\"-Infinity\"", "000000000000f0ff", "\"-Infinity\""},
      {"<f8", "\"0x7ff8000000000001\"", "010000000000f87f", "\"0x7ff8000000000001\""},
      {"<f8", "\"0x3FF0000000000000\"", "000000000000f03f", "1.0"},
      {"<f8", "5", "0000000000001440", "5.0"},
      {"<f4", "0.10000000149011612", "cdcccc3d", "0.10000000149011612"},
      {"<f4", "0.1", "cdcccc3d", "0.10000000149011612"},
      {">f4", "\"NaN\"", "7fc00000", "\"NaN\""},
      {"<f4", "\"0x7fc00000\"", "0000c07f", "\"NaN\""},
      {"<f4", "\"0xffc00001\"", "0100c0ff", "\"0xffc00001\""},
      {"<f4", "3.4028234663852886e38", "ffff7f7f", "3.4028234663852886e+38"},
      {"<f2", "1.5", "003e", "1.5"},
      {"<f2", "65504", "ff7b", "65504.0"},
      {"<f2", "5.960464477539063e-08", "0100", "5.960464477539063e-08"},  // smallest subnormal
      {"<f2", "0.1", "662e", "0.0999755859375"},
      {"<f2", "\"-Infinity\"", "00fc", "\"-Infinity\""},
      {"<f2", "\"0x7e00\"", "007e", "\"NaN\""},
      {"<f2", "\"0x7c01\"", "017c", "\"0x7c01\""},
      {"<c8", "[1.0, 2.0]", "0000803f00000040", "[1.0,2.0]"},
      {"<c16", "[\"NaN\", \"-Infinity\"]", "000000000000f87f000000000000f0ff", "[\"NaN\",\"-Infinity\"]"},
      {">c8", "[\"0x3f800000\", 0]", "3f80000000000000", "[1.0,0.0]"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.dtype) + " " + c.json_text);
    DType t = DType::from_typestr(c.dtype);
    auto bytes = parse_fill_value(json::parse(c.json_text), t, "ctx: ");
    EXPECT_EQ(hex(bytes), c.bytes);
    json back = fill_value_to_json(bytes, t);
    EXPECT_EQ(back.dump(), c.canonical);
    EXPECT_EQ(parse_fill_value(back, t, "ctx: "), bytes);  // exact round trip
  }
}

TEST(MetadataFillValue, HalfPrecisionRoundsToNearestEven) {
  DType f2 = DType::from_typestr("<f2");
  // 2049 lies halfway between 2048 and 2050: ties to even (2048).
  EXPECT_EQ(hex(parse_fill_value(2049, f2, "")), "0068");
  EXPECT_EQ(hex(parse_fill_value(2051, f2, "")), "0268");  // -> 2052
  EXPECT_EQ(hex(parse_fill_value(65519, f2, "")), "ff7b");  // rounds down to 65504
  expect_error([&] { parse_fill_value(65520, f2, "ctx: "); }, {"'fill_value'", "float16"});
}

TEST(MetadataFillValue, VariableLength) {
  DType s(DTypeKind::kString, 16), b(DTypeKind::kBytes, 16);
  auto v = parse_fill_value("héllo", s, "");
  EXPECT_EQ(std::string(v.begin(), v.end()), "héllo");
  EXPECT_EQ(fill_value_to_json(v, s), "héllo");
  v = parse_fill_value("YWI=", b, "");
  EXPECT_EQ(std::string(v.begin(), v.end()), "ab");
  EXPECT_EQ(fill_value_to_json(v, b), "YWI=");
  EXPECT_EQ(fill_value_to_json(std::vector<uint8_t>{1, 2, 3, 4}, b), "AQIDBA==");
  EXPECT_TRUE(parse_fill_value("", b, "").empty());
  expect_error([&] { parse_fill_value("YW=I", b, "ctx: "); }, {"base64"});
  expect_error([&] { parse_fill_value("abc", b, "ctx: "); }, {"base64"});
  expect_error([&] { parse_fill_value(3, s, "ctx: "); }, {"string"});
}

TEST(MetadataFillValue, RefusesWhatTheSpecDoesNot) {
  struct Bad {
    const char* dtype;
    const char* json_text;
    const char* says;
  };
  const Bad cases[] = {
      {"|b1", "1", "true or false"},
      {"|u1", "256", "[0, 255]"},
      {"|i1", "-129", "[-128, 127]"},
      {"<u2", "-1", "[0, 65535]"},
      {"<i8", "9223372036854775808", "9223372036854775807"},
      {"<i4", "1.5", "integer"},
      {"<i4", "\"1\"", "integer"},
      {"<f4", "1e39", "range of float32"},
      {"<f8", "\"nan\"", "\"NaN\""},
      {"<f8", "\"0x7ff8\"", "16 hex digits"},
      {"<f4", "\"0x7fc0000g\"", "8 hex digits"},
      {"<f8", "null", "a number"},
      {"<c8", "1.0", "[real, imaginary]"},
      {"<c8", "[1.0]", "[real, imaginary]"},
      {"<c8", "[1.0, \"x\"]", "[real, imaginary]"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.dtype) + " " + c.json_text);
    expect_error([&] { parse_fill_value(json::parse(c.json_text), DType::from_typestr(c.dtype), "zarr.json at 'q': "); },
                 {"zarr.json at 'q': 'fill_value'", c.says});
  }
}

// ---- errors name the file and the field -----------------------------------

TEST(MetadataV3, ErrorsNameTheFileAndTheField) {
  struct Bad {
    std::function<void(json&)> edit;
    std::vector<std::string> says;
    ErrorCode code = ErrorCode::kMetadata;
  };
  const std::vector<Bad> cases = {
      {[](json& d) { d["zarr_format"] = 2; }, {"'zarr_format' must be 3"}},
      {[](json& d) { d.erase("zarr_format"); }, {"'zarr_format' is required"}},
      {[](json& d) { d["node_type"] = "group"; }, {"'node_type'", "group, not an array"}},
      {[](json& d) { d.erase("node_type"); }, {"'node_type' is required"}},
      {[](json& d) {
         d["shape"] = {10, -1};
       },
       {"'shape' must be a list of non-negative integers", "[10,-1]"}},
      {[](json& d) { d["shape"] = "10"; }, {"'shape'"}},
      {[](json& d) {
         d["shape"] = {10.5, 7};
       },
       {"'shape'"}},
      {[](json& d) { d.erase("shape"); }, {"'shape' is required"}},
      {[](json& d) { d["data_type"] = "float128"; }, {"'data_type'", "float128", "not supported"}},
      {[](json& d) {
         d["data_type"] = {{"name", "numpy.datetime64"}};
       },
       {"'data_type'", "'unit'"}},
      {[](json& d) { d["chunk_grid"]["name"] = "rectilinear"; }, {"'chunk_grid'", "rectilinear", "regular"}},
      {[](json& d) {
         d["chunk_grid"]["configuration"]["chunk_shape"] = {4, 0};
       },
       {"'chunk_shape'", "positive"}},
      {[](json& d) { d["chunk_grid"]["configuration"]["chunk_shape"] = {4}; }, {"'chunk_shape'", "dimensions"}},
      {[](json& d) { d["chunk_grid"]["configuration"].erase("chunk_shape"); }, {"'chunk_grid'", "chunk_shape"}},
      {[](json& d) { d["chunk_grid"] = 5; }, {"'chunk_grid'"}},
      {[](json& d) { d["chunk_key_encoding"]["name"] = "v9"; }, {"'chunk_key_encoding'", "v9"}},
      {[](json& d) { d["chunk_key_encoding"]["configuration"]["separator"] = "-"; },
       {"'chunk_key_encoding'", "separator"}},
      {[](json& d) { d["fill_value"] = "nope"; }, {"'fill_value'", "float64"}},
      {[](json& d) { d.erase("fill_value"); }, {"'fill_value' is required"}},
      {[](json& d) { d["codecs"] = json::array(); }, {"'codecs'", "non-empty list"}},
      {[](json& d) { d["codecs"] = json::parse(R"([{"name": "nosuch"}])"); },
       {"unknown codec 'nosuch'"},
       ErrorCode::kCodecConfig},
      {[](json& d) { d["codecs"][1]["configuration"]["level"] = 99; }, {"zstd", "99"}, ErrorCode::kCodecConfig},
      {[](json& d) { d["attributes"] = json::array(); }, {"'attributes' must be an object"}},
      {[](json& d) { d["dimension_names"] = {"x"}; }, {"'dimension_names'", "2 strings or nulls"}},
      {[](json& d) {
         d["dimension_names"] = {"x", 3};
       },
       {"'dimension_names'"}},
      {[](json& d) { d["storage_transformers"] = json::parse(R"([{"name": "t"}])"); },
       {"storage transformers are not supported"}},
      {[](json& d) { d["storage_transformers"] = 1; }, {"'storage_transformers' must be a list"}},
      {[](json& d) { d["surprise"] = 1; }, {"unknown field 'surprise'", "must_understand"}},
      {[](json& d) {
         d["surprise"] = {{"must_understand", true}};
       },
       {"unknown field 'surprise'"}},
      {[](json& d) {
         d["shape"] = {uint64_t{1} << 40, uint64_t{1} << 40};
         d["chunk_grid"]["configuration"]["chunk_shape"] = {uint64_t{1} << 40, uint64_t{1} << 40};
       },
       {"too large"}},
  };
  for (const auto& c : cases) {
    json d = doc(kV3);
    c.edit(d);
    SCOPED_TRACE(d.dump());
    std::vector<std::string> says = c.says;
    says.push_back("zarr.json at 'a/b': ");
    expect_error([&] { ArrayMetadata::parse_v3(d.dump(), "a/b"); }, {says[0], says.back()}, c.code);
    for (const auto& s : says) {
      try {
        ArrayMetadata::from_json(d, 3, "a/b");
      } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(s), std::string::npos) << e.what() << "\n  lacks: " << s;
      }
    }
  }
  expect_error([] { ArrayMetadata::parse_v3("{not json", "a/b"); }, {"zarr.json at 'a/b': malformed JSON"});
  expect_error([] { ArrayMetadata::parse_v3("[1]", "a/b"); }, {"zarr.json at 'a/b'", "JSON object"});
  expect_error([] { ArrayMetadata::from_json(doc(kV3), 4, "a/b"); }, {"'a/b'", "zarr_format"});
}

TEST(MetadataV2, ErrorsNameTheFileAndTheField) {
  struct Bad {
    std::function<void(json&)> edit;
    std::string says;
    ErrorCode code = ErrorCode::kMetadata;
  };
  const std::vector<Bad> cases = {
      {[](json& d) { d["zarr_format"] = 3; }, "'zarr_format' must be 2"},
      {[](json& d) {
         d["shape"] = {-1, 2};
       },
       "'shape' must be a list of non-negative integers"},
      {[](json& d) {
         d["chunks"] = {0, 2};
       },
       "'chunks' must be a list of positive integers"},
      {[](json& d) { d["chunks"] = {2}; }, "'chunks' [2] has 1 dimensions"},
      {[](json& d) { d.erase("chunks"); }, "'chunks' is required"},
      {[](json& d) { d["dtype"] = "<q5"; }, "'dtype' \"<q5\" is not supported"},
      {[](json& d) { d["dtype"] = json::parse(R"([["a", 4]])"); }, "must be a numpy type string"},
      {[](json& d) { d["dtype"] = "|O"; }, "'dtype' \"|O\" needs"},
      {[](json& d) { d["compressor"] = "zstd"; }, "'compressor' must be null or an object with a string 'id'"},
      {[](json& d) {
         d["compressor"] = {{"id", "nosuch"}};
       },
       "nosuch", ErrorCode::kCodecConfig},
      {[](json& d) {
         d["filters"] = {{{"name", "x"}}};
       },
       "'filters' must be null or an object"},
      {[](json& d) { d["filters"] = 1; }, "'filters' must be null or a list"},
      {[](json& d) { d["order"] = "K"; }, "'order' must be \"C\" or \"F\""},
      {[](json& d) { d["dimension_separator"] = ":"; }, "'dimension_separator'"},
      {[](json& d) { d["fill_value"] = "0x7f80"; }, "'fill_value'"},
      {[](json& d) { d["fill_value"] = json::array(); }, "'fill_value'"},
  };
  for (const auto& c : cases) {
    json d = doc(kV2);
    c.edit(d);
    SCOPED_TRACE(d.dump());
    expect_error([&] { ArrayMetadata::parse_v2(d.dump(), std::nullopt, "x/y"); }, {".zarray at 'x/y': ", c.says},
                 c.code);
  }
  expect_error([] { ArrayMetadata::parse_v2(kV2, "[]", "x/y"); }, {".zattrs at 'x/y'", "JSON object"});
  expect_error([] { ArrayMetadata::parse_v2(kV2, "{", "x/y"); }, {".zattrs at 'x/y': malformed JSON"});
  expect_error([] { ArrayMetadata::parse_v2("", "{}", "x/y"); }, {".zarray at 'x/y': malformed JSON"});
}

TEST(MetadataV2, BoolAsIntegerIsReadFromOldDocuments) {
  json d = doc(kV2);
  d["dtype"] = "|b1";
  d["fill_value"] = 0;
  d["order"] = "C";
  EXPECT_EQ(hex(ArrayMetadata::from_json(d, 2, "a").fill_value), "00");
  EXPECT_EQ(ArrayMetadata::from_json(d, 2, "a").to_json()["fill_value"], false);  // canonical for new arrays
  EXPECT_EQ(ArrayMetadata::parse_v2(d.dump(), std::nullopt, "a").to_json()["fill_value"], 0);  // unchanged
}

TEST(MetadataNodeType, ReadsArrayOrGroup) {
  EXPECT_EQ(node_type_of_v3(kV3), "array");
  EXPECT_EQ(node_type_of_v3(R"({"zarr_format": 3, "node_type": "group"})"), "group");
  expect_error([] { node_type_of_v3(R"({"zarr_format": 3})", "g"); }, {"zarr.json at 'g'", "'node_type'"});
  expect_error([] { node_type_of_v3("{", "g"); }, {"zarr.json at 'g'", "malformed"});
}

TEST(MetadataV3, DeepNestingIsRefusedBeforeParsing) {
  auto with_attribute = [](const std::string& value) {
    std::string text = json::parse(kV3).dump();
    text.replace(text.find("\"attributes\":{"), 14, "\"attributes\":{\"deep\":" + value + ",");
    return text;
  };
  const int n = 100000;
  expect_error([&] { ArrayMetadata::parse_v3(with_attribute(std::string(n, '[') + std::string(n, ']')), "a"); },
               {"zarr.json at 'a'", "nested deeper than 512"});
  // Brackets inside strings do not count; moderate nesting is fine.
  std::string ok = std::string(400, '[') + "\"[[[{\\\"\"" + std::string(400, ']');
  EXPECT_TRUE(ArrayMetadata::parse_v3(with_attribute(ok), "a").attributes.contains("deep"));
}

TEST(MetadataJson, BareNonFiniteTokensSurviveAReadModifyWrite) {
  // Python's json module (and so zarr-python) writes bare NaN / Infinity.
  const std::string text =
      R"({"a": NaN, "b": [Infinity, -Infinity, -1], "s": "NaN Infinity", "n": "-Infinity", "Nab": null})";
  json doc = parse_json_document(text, "zarr.json at 'x': ");
  doc["c"] = 1;
  EXPECT_EQ(dump_json_document(doc),
            R"({"a":NaN,"b":[Infinity,-Infinity,-1],"s":"NaN Infinity","n":"-Infinity","Nab":null,"c":1})");
  // the tokens are whole words only
  expect_error([] { parse_json_document(R"({"a": NaNx})", "zarr.json at 'x': "); }, {"zarr.json at 'x'", "malformed JSON"});
  expect_error([] { parse_json_document(R"({"a": Infinit})", "zarr.json at 'x': "); }, {"malformed JSON"});
}

TEST(MetadataFillValue, TimesTextAndRawBytes) {
  DType dt = DType::from_typestr(">M8[s]"), u = DType::from_typestr("<U3"), s = DType::from_typestr("|S4"),
        v = DType::from_typestr("|V3");
  EXPECT_EQ(hex(parse_fill_value("NaT", dt, "")), "8000000000000000");  // INT64_MIN, big-endian
  EXPECT_EQ(hex(parse_fill_value(1, dt, "")), "0000000000000001");
  EXPECT_EQ(fill_value_to_json(parse_fill_value("NaT", dt, ""), dt), INT64_MIN);
  EXPECT_EQ(hex(parse_fill_value("hé", u, "")), "68000000e900000000000000");  // UTF-32LE, zero-padded
  EXPECT_EQ(fill_value_to_json(parse_fill_value("hé", u, ""), u), "hé");
  EXPECT_EQ(hex(parse_fill_value("YWI=", s, "")), "61620000");
  EXPECT_EQ(fill_value_to_json(parse_fill_value("YWI=", s, ""), s), "YWI=");  // trailing zeros dropped, as numpy
  EXPECT_EQ(fill_value_to_json(parse_fill_value("AQID", v, ""), v), "AQID");
  expect_error([&] { parse_fill_value("toolong", u, "ctx: "); }, {"ctx: ", "at most 3 characters"});
  expect_error([&] { parse_fill_value("YWJjZGU=", s, "ctx: "); }, {"at most 4 bytes"});
  expect_error([&] { parse_fill_value("2020-01-01", dt, "ctx: "); }, {"integer or \"NaT\""});
  expect_error([&] { parse_fill_value(5, u, "ctx: "); }, {"string"});
}

TEST(MetadataV3, ConfiguredAndStructuredDataTypesRoundTrip) {
  const char* types[] = {
      R"({"name": "numpy.datetime64", "configuration": {"unit": "ms", "scale_factor": 10}})",
      R"({"name": "numpy.timedelta64", "configuration": {"unit": "generic", "scale_factor": 1}})",
      R"({"name": "null_terminated_bytes", "configuration": {"length_bytes": 5}})",
      R"({"name": "fixed_length_utf32", "configuration": {"length_bytes": 8}})",
      R"({"name": "raw_bytes", "configuration": {"length_bytes": 3}})",
      R"({"name": "structured", "configuration": {"fields": [["a", "int32"], ["n", {"name": "structured",
          "configuration": {"fields": [["s", {"name": "null_terminated_bytes", "configuration": {"length_bytes": 3}}]]}}]]}})"};
  const char* typestrs[] = {"<M8[10ms]", "<m8", "|S5", "<U2", "|V3", "|V7"};
  for (size_t i = 0; i < std::size(types); ++i) {
    json d = doc(R"({"zarr_format": 3, "node_type": "array", "shape": [4], "data_type": "float64",
        "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [2]}},
        "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
        "fill_value": 0, "codecs": [{"name": "bytes"}], "attributes": {}})");
    d["data_type"] = json::parse(types[i]);
    const bool raw = i >= 2 && i != 3;
    d["fill_value"] = i < 2 ? json(0) : i == 3 ? json("") : json("");
    if (i == 4) d["fill_value"] = "AAAA";
    if (!raw) d["codecs"] = json::parse(R"([{"name": "bytes", "configuration": {"endian": "little"}}])");
    ArrayMetadata m = ArrayMetadata::parse_v3(d.dump(), "a");
    EXPECT_EQ(m.dtype.typestr(), typestrs[i]) << types[i];
    EXPECT_EQ(m.to_json()["data_type"], d["data_type"]) << types[i];
  }
}

TEST(MetadataV2, StructuredDTypes) {
  json d = doc(R"({"zarr_format": 2, "shape": [4], "chunks": [2], "order": "C", "filters": null,
      "compressor": null, "fill_value": null,
      "dtype": [["a", "<i4"], ["b", ">f8", [2, 3]], ["n", [["p", "|S3"], ["q", "<U1"]]]]})");
  ArrayMetadata m = ArrayMetadata::parse_v2(d.dump(), std::nullopt, "s");
  EXPECT_EQ(m.dtype.itemsize(), 4u + 48u + 7u);
  EXPECT_EQ(m.dtype.kind(), DTypeKind::kRaw);
  EXPECT_EQ(m.struct_fields, d["dtype"]);
  EXPECT_EQ(m.to_json()["dtype"], d["dtype"]);
  const std::pair<const char*, const char*> bad[] = {
      {R"([["a", "<i4"], ["a", "<f8"]])", "appears twice"},
      {R"([[1, "<i4"]])", "non-empty name"},
      {R"([["", "<i4"]])", "non-empty name"},
      {R"([])", "non-empty list"},
      {R"([["a", "|O"]])", "not supported"},
      {R"([["a", "<i4", [0]]])", "shape"},
      {R"([["a", "<q9"]])", "not supported"},
      {R"([["a", "|V16777216"], ["b", "|u1"]])", "more than"},
  };
  for (const auto& [dtype, why] : bad) {
    d["dtype"] = json::parse(dtype);
    expect_error([&] { ArrayMetadata::parse_v2(d.dump(), std::nullopt, "s"); }, {".zarray at 's'", why});
  }
}

TEST(MetadataV3, BadConfiguredDataTypesNameTheField) {
  const std::pair<const char*, const char*> bad[] = {
      {R"({"name": "numpy.datetime64", "configuration": {"unit": "parsec", "scale_factor": 1}})", "'unit'"},
      {R"({"name": "numpy.datetime64", "configuration": {"unit": "s", "scale_factor": 0}})", "'scale_factor'"},
      {R"({"name": "numpy.datetime64", "configuration": {"unit": "s"}})", "'scale_factor'"},
      {R"({"name": "numpy.timedelta64", "configuration": {"unit": "s", "scale_factor": 1, "x": 1}})", "'x'"},
      {R"({"name": "fixed_length_utf32", "configuration": {"length_bytes": 5}})", "multiple of 4"},
      {R"({"name": "raw_bytes", "configuration": {"length_bytes": 0}})", "'length_bytes'"},
      {R"({"name": "structured", "configuration": {"fields": [["a", "int32"], ["a", "int8"]]}})", "appears twice"},
      {R"({"name": "structured", "configuration": {"fields": [["a", "string"]]}})", "variable-length"},
      {R"({"name": "bfloat17", "configuration": {"x": 1}})", "not supported"},
      {R"({"name": ["structured"], "configuration": {}})", "string 'name'"},
      {R"({"name": "structured", "configuration": {"fields": [["n", {"name": "structured", "configuration": 3}]]}})",
       "must be {\"name\": \"structured\""},
      {R"({"name": "structured", "configuration": {"fields": [["n", {"name": "structured"}]]}})", "must be {"},
  };
  for (const auto& [type, why] : bad) {
    json d = doc(R"({"zarr_format": 3, "node_type": "array", "shape": [4], "data_type": "float64",
        "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [2]}},
        "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
        "fill_value": 0, "codecs": [{"name": "bytes"}], "attributes": {}})");
    d["data_type"] = json::parse(type);
    expect_error([&] { ArrayMetadata::parse_v3(d.dump(), "a"); }, {"zarr.json at 'a'", "'data_type'", why});
  }
}

}  // namespace
}  // namespace zarrnative::metadata
