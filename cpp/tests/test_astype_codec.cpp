// Tests of the numcodecs "astype" filter: known answers written by numcodecs
// 0.16 (numpy 2), layouts and configuration errors.
#include <gtest/gtest.h>

#include <algorithm>

#include "array_codec_test_util.h"
#include "zarrnative/codec/registry.h"
#include "zarrnative/common/error.h"

namespace zarrnative::codec {
namespace {

using namespace array_codec_test;

// numcodecs.AsType(**config): input, encode(input), decode(encode(input)).
// They cover float64 -> float32 overflow and underflow, float -> int
// truncation (and wrapping through int32 for narrow types), float16
// rounding (ties to even, subnormals, overflow to inf), -> bool, complex <->
// real, uint64 above 2**63 and big-endian types.
const std::vector<FilterVector> kAsTypeVectors = {
    {R"({"id": "astype", "encode_dtype": "<f4", "decode_dtype": "<f8"})", {2, 3},
     {85, 85, 85, 85, 85, 85, 213, 63, 165, 92, 195, 241, 41, 99, 61, 72, 0, 0, 0, 0, 0, 0, 0, 128, 31, 184, 212, 74, 122, 238, 141, 53, 0, 0, 0, 0, 0, 0, 4, 64, 156, 117, 0, 136, 60, 228, 55, 254},
     {171, 170, 170, 62, 0, 0, 128, 127, 0, 0, 0, 128, 0, 0, 0, 0, 0, 0, 32, 64, 0, 0, 128, 255},
     {0, 0, 0, 96, 85, 85, 213, 63, 0, 0, 0, 0, 0, 0, 240, 127, 0, 0, 0, 0, 0, 0, 0, 128, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 64, 0, 0, 0, 0, 0, 0, 240, 255}},
    {R"({"id": "astype", "encode_dtype": "<i2", "decode_dtype": "<f8"})", {6},
     {102, 102, 102, 102, 102, 102, 254, 63, 102, 102, 102, 102, 102, 102, 254, 191, 0, 0, 0, 0, 224, 255, 223, 64, 205, 204, 204, 204, 28, 0, 224, 192, 0, 0, 0, 0, 0, 136, 227, 64, 0, 0, 0, 0, 0, 0, 224, 63},
     {1, 0, 255, 255, 255, 127, 0, 128, 64, 156, 0, 0},
     {0, 0, 0, 0, 0, 0, 240, 63, 0, 0, 0, 0, 0, 0, 240, 191, 0, 0, 0, 0, 192, 255, 223, 64, 0, 0, 0, 0, 0, 0, 224, 192, 0, 0, 0, 0, 0, 240, 216, 192, 0, 0, 0, 0, 0, 0, 0, 0}},
    {R"({"id": "astype", "encode_dtype": "|u1", "decode_dtype": "<i4"})", {5},
     {0, 0, 0, 0, 255, 0, 0, 0, 0, 1, 0, 0, 255, 255, 255, 255, 232, 3, 0, 0},
     {0, 255, 0, 255, 232},
     {0, 0, 0, 0, 255, 0, 0, 0, 0, 0, 0, 0, 255, 0, 0, 0, 232, 0, 0, 0}},
    {R"({"id": "astype", "encode_dtype": ">f2", "decode_dtype": "<f4"})", {7},
     {0, 239, 127, 71, 0, 240, 127, 71, 119, 204, 43, 50, 0, 16, 0, 64, 0, 48, 0, 64, 130, 168, 251, 183, 64, 218, 127, 56},
     {123, 255, 124, 0, 0, 0, 64, 0, 64, 2, 129, 247, 3, 255},
     {0, 224, 127, 71, 0, 0, 128, 127, 0, 0, 0, 0, 0, 0, 0, 64, 0, 64, 0, 64, 0, 128, 251, 183, 0, 192, 127, 56}},
    {R"({"id": "astype", "encode_dtype": "|b1", "decode_dtype": "<f8"})", {4},
     {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 128, 0, 0, 0, 0, 0, 0, 248, 127, 0, 0, 0, 0, 0, 0, 4, 64},
     {0, 0, 1, 1},
     {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 240, 63, 0, 0, 0, 0, 0, 0, 240, 63}},
    {R"({"id": "astype", "encode_dtype": "<c8", "decode_dtype": "<f8"})", {3},
     {0, 0, 0, 0, 0, 0, 248, 63, 0, 0, 0, 0, 0, 0, 2, 192, 29, 74, 156, 244, 135, 130, 7, 72},
     {0, 0, 192, 63, 0, 0, 0, 0, 0, 0, 16, 192, 0, 0, 0, 0, 0, 0, 128, 127, 0, 0, 0, 0},
     {0, 0, 0, 0, 0, 0, 248, 63, 0, 0, 0, 0, 0, 0, 2, 192, 0, 0, 0, 0, 0, 0, 240, 127}},
    {R"({"id": "astype", "encode_dtype": "<f8", "decode_dtype": "<c16"})", {2},
     {0, 0, 0, 0, 0, 0, 248, 63, 0, 0, 0, 0, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 2, 192, 0, 0, 0, 0, 0, 0, 240, 191},
     {0, 0, 0, 0, 0, 0, 248, 63, 0, 0, 0, 0, 0, 0, 2, 192},
     {0, 0, 0, 0, 0, 0, 248, 63, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 192, 0, 0, 0, 0, 0, 0, 0, 0}},
    {R"({"id": "astype", "encode_dtype": "<u8", "decode_dtype": "<f8"})", {4},
     {128, 219, 217, 144, 86, 5, 234, 67, 0, 0, 0, 0, 0, 0, 224, 67, 51, 51, 51, 51, 243, 28, 200, 64, 0, 0, 0, 0, 0, 0, 0, 0},
     {0, 0, 220, 206, 134, 180, 42, 208, 0, 0, 0, 0, 0, 0, 0, 128, 57, 48, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
     {128, 219, 217, 144, 86, 5, 234, 67, 0, 0, 0, 0, 0, 0, 224, 67, 0, 0, 0, 0, 128, 28, 200, 64, 0, 0, 0, 0, 0, 0, 0, 0}},
    {R"({"id": "astype", "encode_dtype": "<f2", "decode_dtype": "<i8"})", {6},
     {239, 255, 0, 0, 0, 0, 0, 0, 240, 255, 0, 0, 0, 0, 0, 0, 144, 238, 254, 255, 255, 255, 255, 255, 1, 8, 0, 0, 0, 0, 0, 0, 3, 8, 0, 0, 0, 0, 0, 0, 253, 255, 255, 255, 255, 255, 255, 255},
     {255, 123, 0, 124, 0, 252, 0, 104, 2, 104, 0, 194},
     {224, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 128, 0, 0, 0, 0, 0, 0, 0, 128, 0, 8, 0, 0, 0, 0, 0, 0, 4, 8, 0, 0, 0, 0, 0, 0, 253, 255, 255, 255, 255, 255, 255, 255}},
    {R"({"id": "astype", "encode_dtype": "<i8", "decode_dtype": ">u4"})", {3},
     {0, 0, 0, 0, 255, 255, 255, 255, 0, 1, 226, 64},
     {0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 0, 64, 226, 1, 0, 0, 0, 0, 0},
     {0, 0, 0, 0, 255, 255, 255, 255, 0, 1, 226, 64}},
    {R"({"id": "astype", "encode_dtype": "|i1", "decode_dtype": "|b1"})", {3},
     {1, 0, 1},
     {1, 0, 1},
     {1, 0, 1}},
    {R"({"id": "astype", "encode_dtype": "<i4", "decode_dtype": "<f4"})", {4},
     {255, 255, 255, 78, 0, 0, 0, 207, 40, 107, 110, 78, 20, 174, 255, 192},
     {128, 255, 255, 127, 0, 0, 0, 128, 0, 202, 154, 59, 249, 255, 255, 255},
     {255, 255, 255, 78, 0, 0, 0, 207, 40, 107, 110, 78, 0, 0, 224, 192}},
};

std::shared_ptr<const ArrayToArrayCodec> make(const json& config, const ChunkSpec& spec) {
  return CodecRegistry::builtin().make_array_to_array("astype", config, spec);
}

TEST(AsTypeCodecTest, MatchesNumcodecs) {
  check_filter_vectors("astype", kAsTypeVectors, "decode_dtype", "encode_dtype");
}

TEST(AsTypeCodecTest, FloatRoundTripThroughStridedViews) {
  const Shape shape{5, 7, 3};
  const DType f8 = DType::from_typestr(">f8");
  NDArray x = NDArray::empty(DType::from_typestr("<f8"), shape);
  auto* p = static_cast<double*>(x.data());
  for (int64_t i = 0; i < x.size(); ++i) p[i] = static_cast<double>(i) * 0.25 - 7;  // exact in float32
  auto c = make({{"encode_dtype", ">f4"}, {"decode_dtype", "<f8"}}, {x.dtype(), shape, {}});
  NDArray enc = c->encode(strided(x));
  EXPECT_EQ(enc.dtype(), DType::from_typestr(">f4"));
  EXPECT_EQ(c_bytes(c->decode(strided(enc), {x.dtype(), shape, {}})), c_bytes(x));
  // Big-endian decoded and little-endian encoded types.
  Bytes be = c_bytes(x);
  for (size_t i = 0; i < be.size(); i += 8) std::reverse(be.begin() + i, be.begin() + i + 8);
  const NDArray xb = from_bytes(f8, shape, be);
  auto big = make({{"encode_dtype", "<f4"}, {"decode_dtype", ">f8"}}, {f8, shape, {}});
  NDArray back = big->decode(big->encode(strided(xb)), {f8, shape, {}});
  EXPECT_EQ(back.dtype(), f8);
  EXPECT_EQ(c_bytes(back), be);
}

TEST(AsTypeCodecTest, ZeroDimensionalAndEmptyChunks) {
  const DType i4 = DType::from_typestr("<i4");
  auto c = make({{"id", "astype"}, {"encode_dtype", "|i1"}, {"decode_dtype", "<i4"}}, {i4, {}, {}});
  NDArray x = from_bytes(i4, {}, {0x85, 0x01, 0, 0});  // 389 -> 133 -> -123
  EXPECT_EQ(c_bytes(c->encode(x)), (Bytes{0x85}));
  EXPECT_EQ(c_bytes(c->decode(c->encode(x), {i4, {}, {}})), (Bytes{0x85, 0xff, 0xff, 0xff}));
  NDArray z = NDArray::empty(i4, {0});
  EXPECT_EQ(c->decode(c->encode(z), {i4, {0}, {}}).size(), 0);
  const ChunkSpec filled{i4, {2}, {0x2c, 0x01, 0, 0}};  // 300 -> 44
  EXPECT_EQ(c->encoded_spec(filled).fill_value, (std::vector<uint8_t>{44}));
}

TEST(AsTypeCodecTest, RejectsBadConfigurations) {
  const ChunkSpec f8{DType::from_typestr("<f8"), {4}, {}};
  auto bad = [&](const json& cfg) { return error_message([&] { make(cfg, f8); }, ErrorCode::kCodecConfig); };
  EXPECT_NE(bad({{"encode_dtype", "<f4"}}).find("'decode_dtype' is required"), std::string::npos);
  EXPECT_NE(bad({{"decode_dtype", "<f8"}}).find("'encode_dtype' is required"), std::string::npos);
  EXPECT_NE(bad({{"encode_dtype", "<f4"}, {"decode_dtype", "<f4"}}).find("4-byte items"), std::string::npos);
  EXPECT_NE(bad({{"encode_dtype", "<U4"}, {"decode_dtype", "<f8"}}).find("astype: 'encode_dtype'"),
            std::string::npos);
  EXPECT_NE(bad({{"encode_dtype", "<f4"}, {"decode_dtype", "<f8"}, {"dtype", "<f8"}}).find("unknown"),
            std::string::npos);
}

}  // namespace
}  // namespace zarrnative::codec
