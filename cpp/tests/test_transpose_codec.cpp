// Tests of the Zarr v3 "transpose" codec: views, agreement with numpy's
// transpose, round trips and configuration errors.
#include <gtest/gtest.h>

#include <string>

#include "array_codec_test_util.h"
#include "zarrnative/codec/registry.h"
#include "zarrnative/common/error.h"

namespace zarrnative::codec {
namespace {

using namespace array_codec_test;

// x = np.arange(24, dtype='<u2').reshape(2, 3, 4); np.transpose(x, order).tobytes()
struct OrderVector {
  std::vector<int> order;
  Bytes bytes;
};
const OrderVector kOrders[] = {
    {{0, 1, 2}, {0, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8, 0, 9, 0, 10, 0, 11, 0, 12, 0, 13, 0, 14, 0, 15, 0, 16, 0, 17, 0, 18, 0, 19, 0, 20, 0, 21, 0, 22, 0, 23, 0}},
    {{2, 0, 1}, {0, 0, 4, 0, 8, 0, 12, 0, 16, 0, 20, 0, 1, 0, 5, 0, 9, 0, 13, 0, 17, 0, 21, 0, 2, 0, 6, 0, 10, 0, 14, 0, 18, 0, 22, 0, 3, 0, 7, 0, 11, 0, 15, 0, 19, 0, 23, 0}},
    {{1, 2, 0}, {0, 0, 12, 0, 1, 0, 13, 0, 2, 0, 14, 0, 3, 0, 15, 0, 4, 0, 16, 0, 5, 0, 17, 0, 6, 0, 18, 0, 7, 0, 19, 0, 8, 0, 20, 0, 9, 0, 21, 0, 10, 0, 22, 0, 11, 0, 23, 0}},
    {{2, 1, 0}, {0, 0, 12, 0, 4, 0, 16, 0, 8, 0, 20, 0, 1, 0, 13, 0, 5, 0, 17, 0, 9, 0, 21, 0, 2, 0, 14, 0, 6, 0, 18, 0, 10, 0, 22, 0, 3, 0, 15, 0, 7, 0, 19, 0, 11, 0, 23, 0}},
};

std::shared_ptr<const ArrayToArrayCodec> make(const json& config, const ChunkSpec& spec) {
  return CodecRegistry::builtin().make_array_to_array("transpose", config, spec);
}

TEST(TransposeCodecTest, MatchesNumpyTranspose) {
  const DType u2 = DType::from_typestr("<u2");
  NDArray x = NDArray::empty(u2, {2, 3, 4});
  for (int i = 0; i < 24; ++i) static_cast<uint16_t*>(x.data())[i] = static_cast<uint16_t>(i);
  const ChunkSpec spec{u2, {2, 3, 4}, {1, 0}};
  for (const OrderVector& v : kOrders) {
    const json cfg = {{"order", v.order}};
    SCOPED_TRACE(cfg.dump());
    auto c = make(cfg, spec);
    EXPECT_EQ(c->to_json(), (json{{"name", "transpose"}, {"configuration", cfg}}));
    const ChunkSpec es = c->encoded_spec(spec);
    Shape expect_shape;
    for (int d : v.order) expect_shape.push_back(spec.shape[static_cast<size_t>(d)]);
    EXPECT_EQ(es.shape, expect_shape);
    EXPECT_EQ(es.dtype, u2);
    EXPECT_EQ(es.fill_value, spec.fill_value);

    EXPECT_TRUE(c->encodes_to_view());
    NDArray enc = c->encode(x);
    EXPECT_EQ(enc.buffer(), x.buffer());  // a view, no copy
    EXPECT_EQ(enc.dtype(), x.dtype());
    EXPECT_EQ(enc.shape(), expect_shape);
    EXPECT_EQ(c_bytes(enc), v.bytes);
    // The bytes codec then writes numpy's bytes of the transposed array.
    auto bytes = CodecRegistry::builtin().make_array_to_bytes("bytes", {{"endian", "little"}}, es);
    ByteBuffer out;
    bytes->encode(enc, es, out, {});
    EXPECT_EQ(Bytes(out.data(), out.data() + out.size()), v.bytes);

    // Decoding the C-ordered encoded array gives a view equal to x.
    NDArray e = from_bytes(u2, expect_shape, v.bytes);
    NDArray dec = c->decode(e, spec);
    EXPECT_EQ(dec.buffer(), e.buffer());
    EXPECT_EQ(dec.shape(), spec.shape);
    EXPECT_EQ(c_bytes(dec), c_bytes(x));
    // ... and through a strided encoded array too.
    EXPECT_EQ(c_bytes(c->decode(strided(e), spec)), c_bytes(x));
    // What a pipeline does: decode the bytes straight into encode(destination).
    NDArray dest = NDArray::empty(u2, spec.shape);
    NDArray through = c->encode(dest);
    EXPECT_FALSE(through.readonly());
    bytes->decode(out.view(), es, through, {});
    EXPECT_EQ(c_bytes(dest), c_bytes(x));
  }
}

TEST(TransposeCodecTest, ZeroDimensionalEmptyAndOneDimensional) {
  const DType f4 = DType::from_typestr("<f4");
  auto c0 = make({{"order", json::array()}}, {f4, {}, {}});
  NDArray s = from_bytes(f4, {}, {1, 2, 3, 4});
  EXPECT_EQ(c_bytes(c0->encode(s)), (Bytes{1, 2, 3, 4}));
  EXPECT_EQ(c0->decode(s, {f4, {}, {}}).ndim(), 0);

  auto c = make({{"order", {1, 0}}}, {f4, {0, 5}, {}});
  NDArray z = NDArray::empty(f4, {0, 5});
  EXPECT_EQ(c->encode(z).shape(), (Shape{5, 0}));
  EXPECT_EQ(c->decode(c->encode(z), {f4, {0, 5}, {}}).shape(), (Shape{0, 5}));

  auto c1 = make({{"order", {0}}}, {f4, {3}, {}});
  EXPECT_EQ(c1->encoded_spec({f4, {3}, {}}).shape, (Shape{3}));
}

TEST(TransposeCodecTest, RejectsBadOrders) {
  const ChunkSpec spec{DType::from_typestr("<i4"), {2, 3, 4}, {}};
  auto bad = [&](const json& cfg) { return error_message([&] { make(cfg, spec); }, ErrorCode::kCodecConfig); };
  EXPECT_NE(bad({{"order", {0, 1}}}).find("has 2 entries, the array has 3 dimensions"), std::string::npos);
  EXPECT_NE(bad({{"order", {0, 1, 2, 3}}}).find("has 4 entries"), std::string::npos);
  EXPECT_NE(bad({{"order", {0, 1, 1}}}).find("twice"), std::string::npos);
  EXPECT_NE(bad({{"order", {0, 1, 3}}}).find("not a dimension in [0, 3)"), std::string::npos);
  EXPECT_NE(bad({{"order", {0, -1, 2}}}).find("not a dimension"), std::string::npos);
  EXPECT_NE(bad({{"order", {0, 1.5, 2}}}).find("integers only"), std::string::npos);
  EXPECT_NE(bad({{"order", "C"}}).find("\"C\" is not supported"), std::string::npos);
  EXPECT_NE(bad({{"order", "F"}}).find("\"F\" is not supported"), std::string::npos);
  EXPECT_NE(bad({{"order", 0}}).find("must be a list"), std::string::npos);
  EXPECT_NE(bad(json::object()).find("'order' is required"), std::string::npos);
  EXPECT_NE(bad({{"order", {0, 1, 2}}, {"inverse", true}}).find("unknown configuration field 'inverse'"),
            std::string::npos);
}

TEST(TransposeCodecTest, RefusesArraysOfAnotherRank) {
  const DType i4 = DType::from_typestr("<i4");
  auto c = make({{"order", {1, 0}}}, {i4, {2, 3}, {}});
  EXPECT_EQ(error_code_of([&] { c->encode(NDArray::empty(i4, {6})); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(error_code_of([&] { c->decode(NDArray::empty(i4, {2, 3}), {i4, {2, 3}, {}}); }),
            ErrorCode::kCorruptChunk);  // (2, 3) transposes to (3, 2)
}

}  // namespace
}  // namespace zarrnative::codec
