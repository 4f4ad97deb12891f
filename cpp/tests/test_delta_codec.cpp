// Tests of the numcodecs "delta" filter: known answers written by numcodecs
// 0.16 (numpy 2), round trips, layouts and configuration errors.
#include <gtest/gtest.h>

#include <random>

#include "array_codec_test_util.h"
#include "zarrnative/codec/registry.h"
#include "zarrnative/common/error.h"

namespace zarrnative::codec {
namespace {

using namespace array_codec_test;

// numcodecs.Delta(**config): input, encode(input), decode(encode(input)).
// They cover wrapping integers, narrowing astypes, float16, big-endian types,
// complex numbers, and np.cumsum accumulating in result_type(astype, dtype)
// (int64 <- uint64 goes through float64 and loses 2**53 + 1).
const std::vector<FilterVector> kDeltaVectors = {
    {R"({"id": "delta", "dtype": "<i4", "astype": "<i2"})", {2, 5},
     {10, 0, 0, 0, 7, 0, 0, 0, 7, 0, 0, 0, 253, 255, 255, 255, 64, 156, 0, 0, 5, 0, 0, 0, 255, 255, 255, 127, 0, 0, 0, 128, 0, 0, 0, 0, 1, 0, 0, 0},
     {10, 0, 253, 255, 0, 0, 246, 255, 67, 156, 197, 99, 250, 255, 1, 0, 0, 0, 1, 0},
     {10, 0, 0, 0, 7, 0, 0, 0, 7, 0, 0, 0, 253, 255, 255, 255, 64, 156, 255, 255, 5, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0}},
    {R"({"id": "delta", "dtype": ">f8", "astype": "<f4"})", {3, 2},
     {63, 248, 0, 0, 0, 0, 0, 0, 63, 244, 0, 0, 0, 0, 0, 0, 192, 8, 0, 0, 0, 0, 0, 0, 66, 2, 160, 95, 32, 0, 0, 0, 63, 80, 98, 77, 210, 241, 169, 252, 63, 185, 153, 153, 153, 153, 153, 154},
     {0, 0, 192, 63, 0, 0, 128, 190, 0, 0, 136, 192, 249, 2, 21, 80, 249, 2, 21, 208, 131, 192, 202, 61},
     {63, 248, 0, 0, 0, 0, 0, 0, 63, 244, 0, 0, 0, 0, 0, 0, 192, 8, 0, 0, 0, 0, 0, 0, 66, 2, 160, 95, 31, 232, 0, 0, 192, 8, 0, 0, 0, 0, 0, 0, 192, 7, 53, 63, 125, 0, 0, 0}},
    {R"({"id": "delta", "dtype": "|u1", "astype": "|u1"})", {6},
     {250, 3, 255, 0, 1, 128},
     {250, 9, 252, 1, 1, 127},
     {250, 3, 255, 0, 1, 128}},
    {R"({"id": "delta", "dtype": "<f2", "astype": "<f2"})", {2, 3},
     {209, 99, 51, 65, 0, 184, 0, 67, 25, 20, 255, 123},
     {209, 99, 204, 227, 51, 194, 0, 68, 255, 194, 255, 123},
     {209, 99, 0, 65, 204, 184, 205, 66, 64, 174, 255, 123}},
    {R"({"id": "delta", "dtype": "<i8", "astype": "<u8"})", {4},
     {1, 0, 0, 0, 0, 0, 32, 0, 2, 0, 0, 0, 0, 0, 32, 0, 5, 0, 0, 0, 0, 0, 0, 0, 249, 255, 255, 255, 255, 255, 255, 255},
     {1, 0, 0, 0, 0, 0, 32, 0, 1, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 224, 255, 244, 255, 255, 255, 255, 255, 255, 255},
     {0, 0, 0, 0, 0, 0, 32, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0, 0, 0, 0, 0, 0, 0, 128, 0, 0, 0, 0, 0, 0, 0, 128}},
    {R"({"id": "delta", "dtype": "<c16", "astype": ">c8"})", {2, 2},
     {0, 0, 0, 0, 0, 0, 240, 63, 0, 0, 0, 0, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 8, 64, 0, 0, 0, 0, 0, 0, 16, 192, 154, 153, 153, 153, 153, 153, 185, 63, 154, 153, 153, 153, 153, 153, 201, 63, 0, 0, 0, 0, 0, 0, 0, 128, 0, 0, 0, 0, 0, 64, 143, 192},
     {63, 128, 0, 0, 64, 0, 0, 0, 64, 0, 0, 0, 192, 192, 0, 0, 192, 57, 153, 154, 64, 134, 102, 102, 189, 204, 204, 205, 196, 122, 12, 205},
     {0, 0, 0, 0, 0, 0, 240, 63, 0, 0, 0, 0, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 8, 64, 0, 0, 0, 0, 0, 0, 16, 192, 0, 0, 0, 0, 152, 153, 185, 63, 0, 0, 0, 0, 152, 153, 201, 63, 0, 0, 0, 0, 0, 0, 122, 190, 0, 0, 128, 6, 0, 64, 143, 192}},
    {R"({"id": "delta", "dtype": "<i4", "astype": "<f8"})", {4},
     {1, 0, 0, 0, 3, 0, 0, 0, 251, 255, 255, 255, 64, 66, 15, 0},
     {0, 0, 0, 0, 0, 0, 240, 63, 0, 0, 0, 0, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 32, 192, 0, 0, 0, 0, 138, 132, 46, 65},
     {1, 0, 0, 0, 3, 0, 0, 0, 251, 255, 255, 255, 64, 66, 15, 0}},
    {R"({"id": "delta", "dtype": ">u2", "astype": "|i1"})", {5},
     {0, 1, 1, 44, 0, 200, 255, 255, 0, 0},
     {1, 43, 156, 55, 1},
     {0, 1, 0, 44, 255, 200, 255, 255, 0, 0}},
    {R"({"id": "delta", "dtype": "<f4", "astype": "<f2"})", {5},
     {71, 3, 128, 63, 234, 4, 0, 64, 49, 8, 64, 64, 0, 16, 0, 69, 205, 36, 0, 69},
     {0, 60, 0, 60, 0, 60, 254, 103, 51, 61},
     {0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 16, 0, 69, 204, 36, 0, 69}},
    {R"({"id": "delta", "dtype": "<i2", "astype": "<f2"})", {2, 2},
     {1, 0, 184, 11, 185, 11, 189, 11},
     {0, 60, 220, 105, 0, 60, 0, 68},
     {1, 0, 185, 11, 186, 11, 190, 11}},
    {R"({"id": "delta", "dtype": "<f8", "astype": "<i2"})", {5},
     {51, 51, 51, 51, 51, 51, 251, 63, 205, 204, 204, 204, 204, 204, 4, 64, 0, 0, 0, 0, 0, 0, 224, 191, 0, 0, 0, 0, 0, 0, 12, 64, 0, 0, 0, 0, 128, 132, 46, 65},
     {1, 0, 0, 0, 253, 255, 4, 0, 60, 66},
     {0, 0, 0, 0, 0, 0, 240, 63, 0, 0, 0, 0, 0, 0, 240, 63, 0, 0, 0, 0, 0, 0, 0, 192, 0, 0, 0, 0, 0, 0, 0, 64, 0, 0, 0, 0, 128, 143, 208, 64}},
};

std::shared_ptr<const ArrayToArrayCodec> make(const json& config, const ChunkSpec& spec) {
  return CodecRegistry::builtin().make_array_to_array("delta", config, spec);
}

TEST(DeltaCodecTest, MatchesNumcodecs) { check_filter_vectors("delta", kDeltaVectors, "dtype", "astype"); }

TEST(DeltaCodecTest, IntegerRoundTripsAcrossRunsAndLayouts) {
  // More elements than one scratch run (4096), in a strided 3-d layout.
  const Shape shape{3, 70, 50};
  std::mt19937 rng(3);
  for (const char* t : {"<i1", ">i2", "<u4", ">i8", "<u8"}) {
    SCOPED_TRACE(t);
    const DType dt = DType::from_typestr(t);
    Bytes raw(static_cast<size_t>(3 * 70 * 50 * dt.itemsize()));
    for (auto& b : raw) b = static_cast<uint8_t>(rng());
    const NDArray x = from_bytes(dt, shape, raw);
    const ChunkSpec spec{dt, shape, {}};
    auto c = make({{"dtype", t}}, spec);
    NDArray enc = c->encode(strided(x));
    NDArray dec = c->decode(enc, spec);
    EXPECT_EQ(c_bytes(dec), raw);
    // Decode into a strided layout: the pipeline copies; the values agree.
    NDArray out = strided_empty(dt, shape);
    out.copy_from(c->decode(strided(enc), spec));
    EXPECT_EQ(c_bytes(out), raw);
  }
}

TEST(DeltaCodecTest, DifferencesCarryAcrossRuns) {
  const int64_t n = 10000;
  NDArray x = NDArray::empty(DType::from_typestr("<i4"), {n});
  auto* p = static_cast<int32_t*>(x.data());
  for (int64_t i = 0; i < n; ++i) p[i] = static_cast<int32_t>(i * i % 1009);
  auto c = make({{"id", "delta"}, {"dtype", "<i4"}, {"astype", "<i8"}}, {x.dtype(), {n}, {}});
  NDArray enc = c->encode(x);
  const auto* e = static_cast<const int64_t*>(enc.data());
  EXPECT_EQ(e[0], p[0]);
  for (int64_t i = 1; i < n; ++i) ASSERT_EQ(e[i], int64_t{p[i]} - p[i - 1]) << i;
}

TEST(DeltaCodecTest, ZeroDimensionalAndEmptyChunks) {
  const DType i2 = DType::from_typestr("<i2");
  auto c = make({{"dtype", "<i2"}, {"astype", ">i4"}}, {i2, {}, {}});
  NDArray x = from_bytes(i2, {}, {0x39, 0x30});  // 12345
  NDArray enc = c->encode(x);
  EXPECT_EQ(enc.ndim(), 0);
  EXPECT_EQ(c_bytes(enc), (Bytes{0, 0, 0x30, 0x39}));
  EXPECT_EQ(c_bytes(c->decode(enc, {i2, {}, {}})), (Bytes{0x39, 0x30}));

  const ChunkSpec empty{i2, {0, 4}, {}};
  NDArray z = NDArray::empty(i2, {0, 4});
  NDArray ze = c->encode(z);
  EXPECT_EQ(ze.shape(), (Shape{0, 4}));
  EXPECT_EQ(c->decode(ze, empty).size(), 0);
}

TEST(DeltaCodecTest, EncodedSpecCarriesTheFillValue) {
  const ChunkSpec spec{DType::from_typestr("<i4"), {4, 4}, {7, 1, 0, 0}};  // 263
  const ChunkSpec enc = make({{"dtype", "<i4"}, {"astype", ">u2"}}, spec)->encoded_spec(spec);
  EXPECT_EQ(enc.dtype, DType::from_typestr(">u2"));
  EXPECT_EQ(enc.fill_value, (std::vector<uint8_t>{1, 7}));
  EXPECT_EQ(enc.shape, spec.shape);
}

TEST(DeltaCodecTest, RejectsBadConfigurations) {
  const ChunkSpec i4{DType::from_typestr("<i4"), {8}, {}};
  auto bad = [&](const json& cfg, const ChunkSpec& spec = ChunkSpec{DType::from_typestr("<i4"), {8}, {}}) {
    return error_message([&] { make(cfg, spec); }, ErrorCode::kCodecConfig);
  };
  EXPECT_NE(bad(json::object()).find("'dtype' is required"), std::string::npos);
  EXPECT_NE(bad({{"dtype", "<i4"}, {"level", 1}}).find("unknown configuration field 'level'"), std::string::npos);
  EXPECT_NE(bad({{"dtype", "<x4"}}).find("delta: 'dtype'"), std::string::npos);
  EXPECT_NE(bad({{"dtype", 4}}).find("delta: 'dtype'"), std::string::npos);
  EXPECT_NE(bad({{"dtype", "<i4"}, {"astype", "|b1"}}).find("boolean"), std::string::npos);
  EXPECT_NE(bad({{"dtype", "|b1"}}, {DType::from_typestr("|b1"), {8}, {}}).find("boolean"), std::string::npos);
  EXPECT_NE(bad({{"dtype", "<i2"}}).find("2-byte items"), std::string::npos);
  EXPECT_NE(bad({{"id", "zlib"}, {"dtype", "<i4"}}).find("'id'"), std::string::npos);
  EXPECT_NE(bad(json::array({1})).find("JSON object"), std::string::npos);
  // Plain type names and order-less typestrs are read as numpy reads them.
  EXPECT_EQ(make({{"dtype", "int32"}}, i4)->to_json()["dtype"], "<i4");
  EXPECT_EQ(make({{"dtype", "i4"}, {"astype", "u2"}}, i4)->to_json()["astype"], "<u2");
}

TEST(DeltaCodecTest, RefusesMismatchedArrays) {
  auto c = make({{"dtype", "<i4"}}, {DType::from_typestr("<i4"), {4}, {}});
  NDArray wrong = NDArray::empty(DType::from_typestr("<i2"), {4});
  EXPECT_EQ(error_code_of([&] { c->encode(wrong); }), ErrorCode::kInvalidArgument);
  NDArray enc = NDArray::empty(DType::from_typestr("<i4"), {5});
  EXPECT_EQ(error_code_of([&] { c->decode(enc, {DType::from_typestr("<i4"), {4}, {}}); }),
            ErrorCode::kCorruptChunk);
}

}  // namespace
}  // namespace zarrnative::codec
