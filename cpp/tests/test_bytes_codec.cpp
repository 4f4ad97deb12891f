// Tests of the Zarr v3 "bytes" codec: every numeric type in both byte
// orders against numpy's bytes, strided and transposed layouts, 0-d and empty
// chunks, configuration errors and corrupt input.
#include <gtest/gtest.h>

#include <string>

#include "array_codec_test_util.h"
#include "zarrnative/codec/registry.h"
#include "zarrnative/common/error.h"

namespace zarrnative::codec {
namespace {

using namespace array_codec_test;

// A 2x3 array of each type (numpy, random values): x.astype('<' + t).tobytes()
// and x.astype('>' + t).tobytes(). Complex numbers swap each part.
struct TypeVector {
  const char* type;
  Bytes little, big;
};
const TypeVector kTypes[] = {
    {"b1", {1, 1, 1, 1, 1, 1},
     {1, 1, 1, 1, 1, 1}},
    {"i1", {194, 167, 234, 85, 43, 173},
     {194, 167, 234, 85, 43, 173}},
    {"u1", {69, 81, 55, 14, 153, 178},
     {69, 81, 55, 14, 153, 178}},
    {"i2", {52, 167, 250, 200, 215, 178, 161, 95, 112, 44, 161, 105},
     {167, 52, 200, 250, 178, 215, 95, 161, 44, 112, 105, 161}},
    {"u2", {38, 17, 89, 1, 221, 6, 242, 127, 143, 6, 60, 210},
     {17, 38, 1, 89, 6, 221, 127, 242, 6, 143, 210, 60}},
    {"i4", {94, 25, 166, 161, 249, 189, 12, 76, 33, 57, 124, 158, 199, 149, 202, 247, 72, 220, 3, 81, 122, 136, 147, 205},
     {161, 166, 25, 94, 76, 12, 189, 249, 158, 124, 57, 33, 247, 202, 149, 199, 81, 3, 220, 72, 205, 147, 136, 122}},
    {"u4", {133, 82, 115, 87, 162, 230, 70, 71, 240, 62, 47, 184, 31, 34, 63, 65, 146, 197, 142, 253, 81, 133, 240, 113},
     {87, 115, 82, 133, 71, 70, 230, 162, 184, 47, 62, 240, 65, 63, 34, 31, 253, 142, 197, 146, 113, 240, 133, 81}},
    {"i8", {30, 247, 103, 122, 31, 19, 42, 1, 141, 136, 33, 149, 161, 0, 178, 13, 107, 35, 107, 130, 72, 27, 217, 126, 99, 13, 195, 206, 59, 228, 235, 74, 183, 47, 69, 179, 82, 35, 71, 31, 110, 121, 77, 87, 3, 126, 44, 125},
     {1, 42, 19, 31, 122, 103, 247, 30, 13, 178, 0, 161, 149, 33, 136, 141, 126, 217, 27, 72, 130, 107, 35, 107, 74, 235, 228, 59, 206, 195, 13, 99, 31, 71, 35, 82, 179, 69, 47, 183, 125, 44, 126, 3, 87, 77, 121, 110}},
    {"u8", {233, 225, 90, 119, 137, 120, 30, 55, 33, 165, 87, 216, 229, 167, 3, 41, 109, 203, 129, 219, 63, 101, 207, 156, 27, 220, 93, 29, 143, 200, 63, 11, 11, 180, 219, 113, 190, 87, 34, 9, 133, 29, 61, 36, 244, 192, 207, 131},
     {55, 30, 120, 137, 119, 90, 225, 233, 41, 3, 167, 229, 216, 87, 165, 33, 156, 207, 101, 63, 219, 129, 203, 109, 11, 63, 200, 143, 29, 93, 220, 27, 9, 34, 87, 190, 113, 219, 180, 11, 131, 207, 192, 244, 36, 61, 29, 133}},
    {"f2", {234, 232, 53, 224, 16, 210, 21, 87, 250, 229, 119, 223},
     {232, 234, 224, 53, 210, 16, 87, 21, 229, 250, 223, 119}},
    {"f4", {57, 161, 116, 196, 149, 53, 74, 196, 194, 156, 132, 68, 56, 226, 73, 196, 58, 22, 2, 194, 244, 24, 93, 68},
     {196, 116, 161, 57, 196, 74, 53, 149, 68, 132, 156, 194, 196, 73, 226, 56, 194, 2, 22, 58, 68, 93, 24, 244}},
    {"f8", {112, 159, 174, 175, 205, 60, 130, 192, 3, 218, 242, 189, 236, 236, 91, 192, 105, 75, 227, 133, 180, 157, 91, 64, 69, 44, 197, 45, 17, 228, 79, 64, 252, 120, 143, 42, 57, 36, 147, 192, 244, 201, 212, 136, 249, 8, 83, 64},
     {192, 130, 60, 205, 175, 174, 159, 112, 192, 91, 236, 236, 189, 242, 218, 3, 64, 91, 157, 180, 133, 227, 75, 105, 64, 79, 228, 17, 45, 197, 44, 69, 192, 147, 36, 57, 42, 143, 120, 252, 64, 83, 8, 249, 136, 212, 201, 244}},
    {"c8", {237, 237, 173, 63, 116, 35, 67, 63, 214, 8, 198, 191, 76, 130, 153, 191, 129, 0, 92, 63, 247, 155, 152, 61, 226, 111, 244, 61, 238, 161, 19, 63, 103, 55, 36, 191, 26, 80, 65, 190, 211, 6, 0, 64, 53, 211, 46, 63},
     {63, 173, 237, 237, 63, 67, 35, 116, 191, 198, 8, 214, 191, 153, 130, 76, 63, 92, 0, 129, 61, 152, 155, 247, 61, 244, 111, 226, 63, 19, 161, 238, 191, 36, 55, 103, 190, 65, 80, 26, 64, 0, 6, 211, 63, 46, 211, 53}},
    {"c16", {255, 199, 168, 114, 71, 7, 177, 191, 118, 176, 3, 208, 84, 74, 192, 63, 143, 208, 131, 142, 23, 90, 229, 63, 70, 180, 113, 176, 191, 254, 242, 191, 126, 134, 219, 67, 48, 4, 247, 63, 121, 252, 111, 128, 163, 137, 226, 191, 177, 192, 230, 112, 6, 159, 229, 191, 26, 175, 102, 27, 243, 28, 201, 191, 29, 209, 22, 44, 114, 0, 202, 63, 41, 236, 175, 115, 172, 194, 236, 63, 56, 45, 78, 210, 212, 166, 221, 191, 168, 204, 202, 79, 212, 82, 242, 63},
     {191, 177, 7, 71, 114, 168, 199, 255, 63, 192, 74, 84, 208, 3, 176, 118, 63, 229, 90, 23, 142, 131, 208, 143, 191, 242, 254, 191, 176, 113, 180, 70, 63, 247, 4, 48, 67, 219, 134, 126, 191, 226, 137, 163, 128, 111, 252, 121, 191, 229, 159, 6, 112, 230, 192, 177, 191, 201, 28, 243, 27, 102, 175, 26, 63, 202, 0, 114, 44, 22, 209, 29, 63, 236, 194, 172, 115, 175, 236, 41, 191, 221, 166, 212, 210, 78, 45, 56, 63, 242, 82, 212, 79, 202, 204, 168}},
};

const Shape kShape{2, 3};

std::shared_ptr<const ArrayToBytesCodec> make(const json& config, const ChunkSpec& spec) {
  return CodecRegistry::builtin().make_array_to_bytes("bytes", config, spec);
}

DType with_order(const char* t, char order) { return DType::from_typestr(std::string(1, order) + t); }

TEST(BytesCodecTest, EveryTypeInBothOrders) {
  const CodecOptions opts;
  for (const TypeVector& v : kTypes) {
    SCOPED_TRACE(v.type);
    const DType le = with_order(v.type, '<'), be = with_order(v.type, '>');
    const ChunkSpec spec{le, kShape, {}};
    const NDArray xl = from_bytes(le, kShape, v.little), xb = from_bytes(be, kShape, v.big);
    for (const char* endian : {"little", "big"}) {
      SCOPED_TRACE(endian);
      const bool big = std::string(endian) == "big";
      const Bytes& expect = big ? v.big : v.little;
      auto c = make({{"endian", endian}}, spec);
      EXPECT_EQ(c->encoded_size(spec).kind, EncodedSize::Kind::kFixed);
      EXPECT_EQ(c->encoded_size(spec).bytes, expect.size());
      EXPECT_EQ(c->is_identity_for(spec), le.itemsize() == 1 || big == (native_byte_order() == ByteOrder::kBig));
      // Either byte order in, C-ordered or strided: the same bytes out.
      for (const NDArray& in : {xl, xb, strided(xl), strided(xb)}) {
        ByteBuffer out;
        c->encode(in, spec, out, opts);
        EXPECT_EQ(Bytes(out.data(), out.data() + out.size()), expect);
      }
      // Decoded into either byte order, C-ordered or strided.
      for (const DType& t : {le, be}) {
        for (NDArray out : {NDArray::empty(t, kShape), strided_empty(t, kShape)}) {
          c->decode(ByteView(expect), {t, kShape, {}}, out, opts);
          EXPECT_EQ(c_bytes(out), t == le ? v.little : v.big);
        }
      }
    }
  }
}

TEST(BytesCodecTest, TransposedAndReversedLayouts) {
  // A 3x4x5 uint32 array, encoded through a transposed view, gives numpy's
  // bytes of x.transpose(2, 0, 1) in the chosen order.
  const DType u4 = DType::from_typestr("<u4");
  NDArray x = NDArray::empty(u4, {3, 4, 5});
  auto* p = static_cast<uint32_t*>(x.data());
  for (uint32_t i = 0; i < 60; ++i) p[i] = 0x01000000u * i + i;
  NDArray t(x.buffer(), u4, {5, 3, 4}, {4, 80, 20}, 0, true);
  auto c = make({{"endian", "big"}}, {u4, {5, 3, 4}, {}});
  ByteBuffer out;
  c->encode(t, {u4, {5, 3, 4}, {}}, out, {});
  ASSERT_EQ(out.size(), 240u);
  size_t k = 0;
  for (int a = 0; a < 5; ++a)
    for (int b = 0; b < 3; ++b)
      for (int d = 0; d < 4; ++d, k += 4) {
        const uint32_t v = p[b * 20 + d * 5 + a];
        EXPECT_EQ(out.data()[k], v >> 24);
        EXPECT_EQ(out.data()[k + 3], v & 0xff);
      }
  // Negative strides: the rows of x reversed.
  NDArray r(x.buffer(), u4, {3, 20}, {-80, 4}, 160, true);
  auto c2 = make({{"endian", "little"}}, {u4, {3, 20}, {}});
  c2->encode(r, {u4, {3, 20}, {}}, out, {});
  EXPECT_EQ(std::memcmp(out.data(), p + 40, 80), 0);
  EXPECT_EQ(std::memcmp(out.data() + 160, p, 80), 0);
  // Decoding byte-swapped data into a transposed view of a complex array.
  const DType c8 = DType::from_typestr("<c8");
  NDArray dst = NDArray::empty(c8, {2, 3});
  NDArray dst_t(dst.buffer(), c8, {3, 2}, {8, 24}, 0, false);
  Bytes be(48);
  for (size_t i = 0; i < 12; ++i) {  // part i = float(i): big-endian bytes
    float f = static_cast<float>(i);
    uint32_t u;
    std::memcpy(&u, &f, 4);
    for (int j = 0; j < 4; ++j) be[i * 4 + j] = static_cast<uint8_t>(u >> (24 - 8 * j));
  }
  make({{"endian", "big"}}, {c8, {3, 2}, {}})->decode(ByteView(be), {c8, {3, 2}, {}}, dst_t, {});
  const auto* f = static_cast<const float*>(dst.data());
  // dst_t[i][j] is element i*2+j of the stream, stored at dst[j][i].
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 2; ++j) {
      EXPECT_EQ(f[(j * 3 + i) * 2], static_cast<float>((i * 2 + j) * 2));
      EXPECT_EQ(f[(j * 3 + i) * 2 + 1], static_cast<float>((i * 2 + j) * 2 + 1));
    }
}

TEST(BytesCodecTest, LargeContiguousSwap) {
  // Long runs take the vectorised loop; odd lengths its tail.
  const DType i8 = DType::from_typestr("<i8");
  const Shape shape{1001};
  NDArray x = NDArray::empty(i8, shape);
  auto* p = static_cast<int64_t*>(x.data());
  for (int64_t i = 0; i < 1001; ++i) p[i] = static_cast<int64_t>(static_cast<uint64_t>(i) * 0x0102030405060708u);
  auto c = make({{"endian", "big"}}, {i8, shape, {}});
  ByteBuffer out;
  c->encode(x, {i8, shape, {}}, out, {});
  for (int64_t i = 0; i < 1001; ++i) {
    int64_t v;
    std::memcpy(&v, out.data() + 8 * i, 8);
    ASSERT_EQ(__builtin_bswap64(static_cast<uint64_t>(v)), static_cast<uint64_t>(p[i])) << i;
  }
  NDArray back = NDArray::empty(i8, shape);
  c->decode(out.view(), {i8, shape, {}}, back, {});
  EXPECT_EQ(c_bytes(back), c_bytes(x));
}

TEST(BytesCodecTest, ZeroDimensionalAndEmptyChunks) {
  const DType f8 = DType::from_typestr("<f8");
  auto c = make({{"endian", "big"}}, {f8, {}, {}});
  NDArray x = from_bytes(f8, {}, {1, 2, 3, 4, 5, 6, 7, 8});
  ByteBuffer out;
  c->encode(x, {f8, {}, {}}, out, {});
  EXPECT_EQ(Bytes(out.data(), out.data() + out.size()), (Bytes{8, 7, 6, 5, 4, 3, 2, 1}));
  NDArray y = NDArray::empty(f8, {});
  c->decode(out.view(), {f8, {}, {}}, y, {});
  EXPECT_EQ(c_bytes(y), c_bytes(x));

  const ChunkSpec empty{f8, {4, 0}, {}};
  NDArray z = NDArray::empty(f8, {4, 0});
  c->encode(z, empty, out, {});
  EXPECT_EQ(out.size(), 0u);
  EXPECT_EQ(c->encoded_size(empty).bytes, 0u);
  c->decode(ByteView(), empty, z, {});
  EXPECT_EQ(error_code_of([&] { c->decode(ByteView(out.data(), 0), {f8, {1}, {}}, y, {}); }),
            ErrorCode::kCorruptChunk);
}

TEST(BytesCodecTest, WrongSizeInputIsCorrupt) {
  const DType u2 = DType::from_typestr("<u2");
  const ChunkSpec spec{u2, {4, 4}, {}};
  auto c = make({{"endian", "little"}}, spec);
  NDArray out = NDArray::empty(u2, {4, 4});
  for (size_t n : {0, 31, 33, 64}) {
    Bytes in(n);
    const std::string msg = error_message([&] { c->decode(ByteView(in), spec, out, {}); }, ErrorCode::kCorruptChunk);
    EXPECT_NE(msg.find("bytes: chunk holds " + std::to_string(n) + " bytes, expected 32"), std::string::npos) << msg;
  }
}

TEST(BytesCodecTest, Configurations) {
  const ChunkSpec u2{DType::from_typestr("<u2"), {2}, {}};
  const ChunkSpec u1{DType::from_typestr("|u1"), {2}, {}};
  EXPECT_EQ(error_message([&] { make(json::object(), u2); }, ErrorCode::kCodecConfig),
            "bytes: 'endian' is required for uint16");
  EXPECT_EQ(error_message([&] { make(nullptr, u2); }, ErrorCode::kCodecConfig),
            "bytes: 'endian' is required for uint16");
  EXPECT_NE(error_message([&] { make({{"endian", "middle"}}, u2); }, ErrorCode::kCodecConfig).find("\"middle\""),
            std::string::npos);
  EXPECT_NE(error_message([&] { make({{"endian", 1}}, u2); }, ErrorCode::kCodecConfig).find("'endian'"),
            std::string::npos);
  EXPECT_NE(error_message([&] { make({{"endian", "big"}, {"order", "C"}}, u2); }, ErrorCode::kCodecConfig)
                .find("unknown configuration field 'order'"),
            std::string::npos);
  EXPECT_EQ(make({{"endian", "big"}}, u2)->to_json(),
            (json{{"name", "bytes"}, {"configuration", {{"endian", "big"}}}}));
  // One-byte types need no endian; zarr-python then writes no configuration.
  auto c1 = make(json::object(), u1);
  EXPECT_EQ(c1->to_json(), (json{{"name", "bytes"}}));
  EXPECT_TRUE(c1->is_identity_for(u1));
  EXPECT_EQ(make({{"endian", "big"}}, u1)->to_json()["configuration"]["endian"], "big");
  // The registry knows it as array -> bytes only.
  EXPECT_EQ(error_code_of([&] { CodecRegistry::builtin().make_bytes_to_bytes("bytes", {}, u1); }),
            ErrorCode::kCodecConfig);
}

TEST(BytesCodecTest, RefusesMismatchedArrays) {
  const DType u2 = DType::from_typestr("<u2");
  const ChunkSpec spec{u2, {2, 2}, {}};
  auto c = make({{"endian", "little"}}, spec);
  ByteBuffer out;
  EXPECT_EQ(error_code_of([&] { c->encode(NDArray::empty(u2, {4}), spec, out, {}); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(error_code_of([&] { c->encode(NDArray::empty(DType::from_typestr("<i2"), {2, 2}), spec, out, {}); }),
            ErrorCode::kTypeError);
  NDArray x = NDArray::empty(u2, {2, 2});
  NDArray ro(x.buffer(), u2, {2, 2}, x.strides(), 0, true);
  Bytes in(8);
  EXPECT_EQ(error_code_of([&] { c->decode(ByteView(in), spec, ro, {}); }), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace zarrnative::codec
