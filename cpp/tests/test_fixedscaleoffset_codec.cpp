// Tests of the numcodecs "fixedscaleoffset" filter: known answers written by
// numcodecs 0.16 (numpy 2), layouts and configuration errors.
#include <gtest/gtest.h>

#include "array_codec_test_util.h"
#include "zarrnative/codec/registry.h"
#include "zarrnative/common/error.h"

namespace zarrnative::codec {
namespace {

using namespace array_codec_test;

// numcodecs.FixedScaleOffset(**config): input, encode(input),
// decode(encode(input)). They cover round-half-to-even, integer dtypes with
// integer parameters (arithmetic wraps in dtype) and with float ones
// (float64), float16 arithmetic, big-endian types, complex numbers, and
// wrapping float -> uint8 casts.
const std::vector<FilterVector> kFsoVectors = {
    {R"({"id": "fixedscaleoffset", "scale": 10, "offset": 1000, "dtype": "<f8", "astype": "<u2"})", {2, 5},
     {0, 0, 0, 0, 0, 64, 143, 64, 142, 227, 56, 142, 227, 64, 143, 64, 28, 199, 113, 28, 199, 65, 143, 64, 171, 170, 170, 170, 170, 66, 143, 64, 57, 142, 227, 56, 142, 67, 143, 64, 199, 113, 28, 199, 113, 68, 143, 64, 85, 85, 85, 85, 85, 69, 143, 64, 228, 56, 142, 227, 56, 70, 143, 64, 114, 28, 199, 113, 28, 71, 143, 64, 0, 0, 0, 0, 0, 72, 143, 64},
     {0, 0, 1, 0, 2, 0, 3, 0, 4, 0, 6, 0, 7, 0, 8, 0, 9, 0, 10, 0},
     {0, 0, 0, 0, 0, 64, 143, 64, 205, 204, 204, 204, 204, 64, 143, 64, 154, 153, 153, 153, 153, 65, 143, 64, 102, 102, 102, 102, 102, 66, 143, 64, 51, 51, 51, 51, 51, 67, 143, 64, 205, 204, 204, 204, 204, 68, 143, 64, 154, 153, 153, 153, 153, 69, 143, 64, 102, 102, 102, 102, 102, 70, 143, 64, 51, 51, 51, 51, 51, 71, 143, 64, 0, 0, 0, 0, 0, 72, 143, 64}},
    {R"({"id": "fixedscaleoffset", "scale": 2, "offset": 0.5, "dtype": "<f4", "astype": "<i2"})", {8},
     {0, 0, 128, 62, 0, 0, 0, 63, 0, 0, 64, 63, 0, 0, 128, 63, 0, 0, 160, 63, 0, 0, 144, 63, 0, 0, 176, 63, 0, 0, 128, 190},
     {0, 0, 0, 0, 0, 0, 1, 0, 2, 0, 1, 0, 2, 0, 254, 255},
     {0, 0, 0, 63, 0, 0, 0, 63, 0, 0, 0, 63, 0, 0, 128, 63, 0, 0, 192, 63, 0, 0, 128, 63, 0, 0, 192, 63, 0, 0, 0, 191}},
    {R"({"id": "fixedscaleoffset", "scale": 2.5, "offset": 1, "dtype": "<i2", "astype": ">i4"})", {3, 2},
     {1, 0, 2, 0, 3, 0, 252, 255, 255, 127, 0, 128},
     {0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 5, 255, 255, 255, 244, 0, 1, 63, 251, 0, 1, 63, 254},
     {1, 0, 1, 0, 3, 0, 253, 255, 255, 127, 0, 128}},
    {R"({"id": "fixedscaleoffset", "scale": 3, "offset": 1000.7, "dtype": "<f2", "astype": "<i2"})", {4},
     {208, 99, 211, 99, 214, 99, 206, 99},
     {254, 255, 3, 0, 8, 0, 252, 255},
     {208, 99, 211, 99, 215, 99, 207, 99}},
    {R"({"id": "fixedscaleoffset", "scale": 7, "offset": -3, "dtype": "<i4", "astype": "|i1"})", {6},
     {0, 0, 0, 0, 10, 0, 0, 0, 20, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 128, 255, 255, 255, 127},
     {21, 91, 161, 209, 21, 14},
     {0, 0, 0, 0, 10, 0, 0, 0, 240, 255, 255, 255, 247, 255, 255, 255, 0, 0, 0, 0, 255, 255, 255, 255}},
    {R"({"id": "fixedscaleoffset", "scale": 10, "offset": 1000, "dtype": ">f8", "astype": ">u2"})", {5},
     {64, 143, 64, 0, 0, 0, 0, 0, 64, 143, 64, 102, 102, 102, 102, 102, 64, 143, 65, 51, 51, 51, 51, 51, 64, 143, 66, 0, 0, 0, 0, 0, 64, 143, 116, 109, 145, 104, 114, 176},
     {0, 0, 0, 0, 0, 1, 0, 2, 0, 66},
     {64, 143, 64, 0, 0, 0, 0, 0, 64, 143, 64, 0, 0, 0, 0, 0, 64, 143, 64, 204, 204, 204, 204, 205, 64, 143, 65, 153, 153, 153, 153, 154, 64, 143, 116, 204, 204, 204, 204, 205}},
    {R"({"id": "fixedscaleoffset", "scale": 3, "offset": 1, "dtype": ">c8", "astype": "<c8"})", {2},
     {63, 128, 0, 0, 63, 128, 0, 0, 64, 12, 204, 205, 64, 108, 204, 205},
     {0, 0, 0, 0, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 48, 65},
     {63, 128, 0, 0, 63, 128, 0, 0, 64, 21, 85, 86, 64, 106, 170, 171}},
    {R"({"id": "fixedscaleoffset", "scale": 10, "offset": 1000, "dtype": "<f8", "astype": "|u1"})", {4},
     {0, 0, 0, 0, 0, 64, 143, 64, 0, 0, 0, 0, 0, 24, 144, 64, 0, 0, 0, 0, 0, 240, 142, 64, 51, 51, 51, 51, 51, 6, 144, 64},
     {0, 44, 156, 255},
     {0, 0, 0, 0, 0, 64, 143, 64, 51, 51, 51, 51, 51, 99, 143, 64, 205, 204, 204, 204, 204, 188, 143, 64, 0, 0, 0, 0, 0, 6, 144, 64}},
    {R"({"id": "fixedscaleoffset", "scale": 0.5, "offset": 2, "dtype": "|u1", "astype": "<f4"})", {5},
     {0, 1, 2, 255, 7},
     {0, 0, 254, 66, 0, 0, 0, 67, 0, 0, 0, 0, 0, 0, 252, 66, 0, 0, 0, 64},
     {0, 2, 2, 254, 6}},
    {R"({"id": "fixedscaleoffset", "scale": 3, "offset": 5, "dtype": "|u1", "astype": "<u2"})", {5},
     {0, 1, 2, 255, 7},
     {241, 0, 244, 0, 247, 0, 238, 0, 6, 0},
     {85, 86, 87, 84, 7}},
    {R"({"id": "fixedscaleoffset", "scale": 1000.0, "offset": 0.1, "dtype": "<f4", "astype": "<f4"})", {3},
     {222, 214, 252, 61, 0, 0, 176, 192, 192, 225, 228, 75},
     {0, 0, 184, 65, 0, 0, 175, 197, 118, 132, 223, 80},
     {109, 231, 251, 61, 0, 0, 176, 192, 193, 225, 228, 75}},
};

std::shared_ptr<const ArrayToArrayCodec> make(const json& config, const ChunkSpec& spec) {
  return CodecRegistry::builtin().make_array_to_array("fixedscaleoffset", config, spec);
}

TEST(FixedScaleOffsetCodecTest, MatchesNumcodecs) {
  check_filter_vectors("fixedscaleoffset", kFsoVectors, "dtype", "astype");
}

TEST(FixedScaleOffsetCodecTest, RoundTripsWithinPrecision) {
  // (x - 1000) * 100 fits uint16 for x in [1000, 1655]; decoding restores
  // x to 1e-2, across more than one scratch run and through strided views.
  const Shape shape{2, 3000};
  NDArray native = NDArray::empty(DType::from_typestr("<f8"), shape);
  auto* p = static_cast<double*>(native.data());
  for (int64_t i = 0; i < 6000; ++i) p[i] = 1000 + static_cast<double>(i) * 0.1;
  auto c = make({{"offset", 1000}, {"scale", 100}, {"dtype", "<f8"}, {"astype", "<u2"}},
                {native.dtype(), shape, {}});
  NDArray dec = c->decode(c->encode(strided(native)), {native.dtype(), shape, {}});
  const auto* d = static_cast<const double*>(dec.data());
  for (int64_t i = 0; i < 6000; ++i) {
    if (p[i] <= 1655.35) ASSERT_NEAR(d[i], p[i], 0.005) << i;  // beyond, uint16 wraps
  }
}

TEST(FixedScaleOffsetCodecTest, ZeroDimensionalAndEmptyChunks) {
  const DType f4 = DType::from_typestr("<f4");
  auto c = make({{"offset", 1}, {"scale", 4}, {"dtype", "<f4"}, {"astype", "|i1"}}, {f4, {}, {}});
  NDArray x = from_bytes(f4, {}, {0, 0, 0x20, 0x40});  // 2.5 -> round(6.0) = 6
  NDArray enc = c->encode(x);
  EXPECT_EQ(c_bytes(enc), (Bytes{6}));
  EXPECT_EQ(c_bytes(c->decode(enc, {f4, {}, {}})), (Bytes{0, 0, 0x20, 0x40}));
  NDArray z = NDArray::empty(f4, {3, 0});
  EXPECT_EQ(c->encode(z).shape(), (Shape{3, 0}));
  EXPECT_EQ(c->decode(c->encode(z), {f4, {3, 0}, {}}).size(), 0);
}

TEST(FixedScaleOffsetCodecTest, EncodedSpecCarriesTheFillValue) {
  const ChunkSpec spec{DType::from_typestr("<f8"), {2}, {0, 0, 0, 0, 0, 0x40, 0x8f, 0x40}};  // 1000.0
  auto c = make({{"offset", 990}, {"scale", 10}, {"dtype", "<f8"}, {"astype", "<u2"}}, spec);
  EXPECT_EQ(c->encoded_spec(spec).fill_value, (std::vector<uint8_t>{100, 0}));
  // No fill value means zero: round((0 - 990) * 10) wraps to 55636 in uint16.
  const ChunkSpec zero{spec.dtype, {2}, {}};
  EXPECT_EQ(c->encoded_spec(zero).fill_value, (std::vector<uint8_t>{0x54, 0xd9}));
}

TEST(FixedScaleOffsetCodecTest, RejectsBadConfigurations) {
  const ChunkSpec u1{DType::from_typestr("|u1"), {8}, {}};
  auto bad = [&](const json& cfg) { return error_message([&] { make(cfg, u1); }, ErrorCode::kCodecConfig); };
  EXPECT_NE(bad({{"scale", 1}, {"dtype", "|u1"}}).find("'offset' is required"), std::string::npos);
  EXPECT_NE(bad({{"offset", 1}, {"dtype", "|u1"}}).find("'scale' is required"), std::string::npos);
  EXPECT_NE(bad({{"offset", 1}, {"scale", 1}}).find("'dtype' is required"), std::string::npos);
  EXPECT_NE(bad({{"offset", "1"}, {"scale", 1}, {"dtype", "|u1"}}).find("must be a number"), std::string::npos);
  EXPECT_NE(bad({{"offset", true}, {"scale", 1}, {"dtype", "|u1"}}).find("must be a number"), std::string::npos);
  EXPECT_NE(bad({{"offset", 1}, {"scale", 1}, {"dtype", "|u1"}, {"foo", 1}}).find("unknown configuration field 'foo'"),
            std::string::npos);
  // numpy 2 raises OverflowError for uint8_array - 1000; so do we, up front.
  EXPECT_NE(bad({{"offset", 1000}, {"scale", 1}, {"dtype", "|u1"}}).find("'offset' 1000 is out of range"),
            std::string::npos);
  EXPECT_NE(bad({{"offset", -1}, {"scale", 1}, {"dtype", "|u1"}}).find("'offset' -1 is out of range"),
            std::string::npos);
  EXPECT_NE(bad({{"offset", 0}, {"scale", 256}, {"dtype", "|u1"}}).find("'scale' 256 is out of range"),
            std::string::npos);
  EXPECT_NE(bad({{"offset", 0}, {"scale", 1}, {"dtype", "<u2"}}).find("2-byte items"), std::string::npos);
  const ChunkSpec b1{DType::from_typestr("|b1"), {8}, {}};
  EXPECT_EQ(error_code_of([&] { make({{"offset", 0}, {"scale", 1}, {"dtype", "|b1"}}, b1); }),
            ErrorCode::kCodecConfig);
  // A float offset moves the arithmetic to float64: no range limit.
  EXPECT_NO_THROW(make({{"offset", 1000.0}, {"scale", 1}, {"dtype", "|u1"}}, u1));
  EXPECT_NO_THROW(make({{"offset", 1}, {"scale", 1000.5}, {"dtype", "|u1"}}, u1));
}

}  // namespace
}  // namespace zarrnative::codec
