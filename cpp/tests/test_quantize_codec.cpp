#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "array_codec_test_util.h"
#include "zarrnative/codec/registry.h"
#include "zarrnative/common/error.h"

namespace zarrnative::codec {
namespace {

using namespace array_codec_test;

// Encoded and decoded by numcodecs 0.16's Quantize (NaN and -0.0 included;
// the last case big-endian, with digits < 0).
const std::vector<FilterVector> kQuantizeVectors = {
    {R"({"id": "quantize", "digits": 2, "dtype": "<f8", "astype": "<f4"})", {2, 3},
     {141, 151, 110, 18, 131, 192, 243, 63, 63, 53, 94, 186, 73, 12, 14, 192, 1, 222, 2, 9, 10, 68, 143, 64, 154, 153, 153, 153, 153, 153, 185, 63, 0, 0, 0, 0, 0, 0, 248, 127, 0, 0, 0, 0, 0, 0, 0, 128},
     {0, 0, 158, 63, 0, 128, 112, 192, 128, 32, 122, 68, 0, 0, 208, 61, 0, 0, 192, 127, 0, 0, 0, 128},
     {0, 0, 0, 0, 0, 192, 243, 63, 0, 0, 0, 0, 0, 16, 14, 192, 0, 0, 0, 0, 16, 68, 143, 64, 0, 0, 0, 0, 0, 0, 186, 63, 0, 0, 0, 0, 0, 0, 248, 127, 0, 0, 0, 0, 0, 0, 0, 128}},
    {R"({"id": "quantize", "digits": 1, "dtype": "<f4", "astype": "<f4"})", {4},
     {0, 0, 160, 63, 0, 0, 32, 64, 133, 235, 225, 192, 0, 36, 116, 73},
     {0, 0, 160, 63, 0, 0, 32, 64, 0, 0, 226, 192, 0, 36, 116, 73},
     {0, 0, 160, 63, 0, 0, 32, 64, 0, 0, 226, 192, 0, 36, 116, 73}},
    {R"({"id": "quantize", "digits": -1, "dtype": ">f8", "astype": ">f8"})", {3},
     {64, 94, 192, 0, 0, 0, 0, 0, 192, 70, 192, 0, 0, 0, 0, 0, 64, 20, 0, 0, 0, 0, 0, 0},
     {64, 94, 0, 0, 0, 0, 0, 0, 192, 72, 0, 0, 0, 0, 0, 0, 64, 32, 0, 0, 0, 0, 0, 0},
     {64, 94, 0, 0, 0, 0, 0, 0, 192, 72, 0, 0, 0, 0, 0, 0, 64, 32, 0, 0, 0, 0, 0, 0}},
};

TEST(QuantizeCodecTest, MatchesNumcodecs) { check_filter_vectors("quantize", kQuantizeVectors, "dtype", "astype"); }

TEST(QuantizeCodecTest, RefusesWhatNumcodecsRefuses) {
  const ChunkSpec f8{DType::from_typestr("<f8"), {4}, {}};
  for (const char* bad : {R"({"digits": 2, "dtype": "<i8"})", R"({"digits": 2, "dtype": "<f8", "astype": "<i4"})",
                          R"({"digits": 2.5, "dtype": "<f8"})", R"({"dtype": "<f8"})",
                          R"({"digits": 2, "dtype": "<f4"})", R"({"digits": 2, "dtype": "<f8", "extra": 1})"}) {
    SCOPED_TRACE(bad);
    EXPECT_THROW(CodecRegistry::builtin().make_array_to_array("quantize", json::parse(bad), f8), Error);
  }
}

// numcodecs 0.16's BitRound(keepbits=3) of float32 [1.2345, -3.75, 1000.5, 0.1].
TEST(BitRoundCodecTest, MatchesNumcodecs) {
  const std::vector<uint32_t> in = {1067320345u, 3228565504u, 1148854272u, 1036831949u};
  const std::vector<uint32_t> want = {1067450368u, 3228565504u, 1149239296u, 1037041664u};
  for (const char* typestr : {"<f4", ">f4"}) {
    SCOPED_TRACE(typestr);
    const DType t = DType::from_typestr(typestr);
    const bool swap = t.byte_order() != native_byte_order();
    auto bytes_of = [&](std::vector<uint32_t> v) {
      Bytes b(v.size() * 4);
      for (size_t i = 0; i < v.size(); ++i) {
        if (swap) v[i] = __builtin_bswap32(v[i]);
        std::memcpy(b.data() + 4 * i, &v[i], 4);
      }
      return b;
    };
    const ChunkSpec spec{t, {4}, {}};
    auto c = CodecRegistry::builtin().make_array_to_array("bitround", json{{"keepbits", 3}}, spec);
    EXPECT_EQ(c->encoded_spec(spec).dtype, t);
    const NDArray x = from_bytes(t, {4}, bytes_of(in));
    EXPECT_EQ(c_bytes(c->encode(x)), bytes_of(want));
    EXPECT_EQ(c_bytes(c->encode(strided(x))), bytes_of(want));
    EXPECT_EQ(c_bytes(c->decode(from_bytes(t, {4}, bytes_of(want)), spec)), bytes_of(want));  // decoding keeps
    // all the mantissa kept: nothing changes
    auto all = CodecRegistry::builtin().make_array_to_array("bitround", json{{"keepbits", 23}}, spec);
    EXPECT_EQ(c_bytes(all->encode(x)), bytes_of(in));
  }
}

TEST(BitRoundCodecTest, RefusesWhatNumcodecsRefuses) {
  const ChunkSpec f2{DType::from_typestr("<f2"), {4}, {}};
  const ChunkSpec i4{DType::from_typestr("<i4"), {4}, {}};
  EXPECT_THROW(CodecRegistry::builtin().make_array_to_array("bitround", json{{"keepbits", 11}}, f2), Error);
  EXPECT_THROW(CodecRegistry::builtin().make_array_to_array("bitround", json{{"keepbits", -1}}, f2), Error);
  EXPECT_THROW(CodecRegistry::builtin().make_array_to_array("bitround", json{{"keepbits", 3}}, i4), Error);
  EXPECT_THROW(CodecRegistry::builtin().make_array_to_array("bitround", json::object(), f2), Error);
  EXPECT_NO_THROW(CodecRegistry::builtin().make_array_to_array("bitround", json{{"keepbits", 10}}, f2));
}

}  // namespace
}  // namespace zarrnative::codec
