// The packbits codec: numcodecs' known answers, every padding, strided
// input, and refusal of headers and lengths that do not fit the chunk.
#include "array_codec_test_util.h"

#include "codec/array_to_array/packbits_codec.h"

namespace zarrnative::codec {
namespace {

using namespace array_codec_test;

const DType kBool = DType::from_typestr("|b1");

std::shared_ptr<const ArrayToArrayCodec> packbits(const DType& dtype = kBool, const json& config = json::object()) {
  return make_packbits_codec(config, ChunkSpec{dtype, {1}, {}});
}

TEST(PackBitsCodec, MatchesNumcodecs) {
  // numcodecs.PackBits().encode(...) for these inputs.
  struct Vector {
    Bytes items;
    Bytes packed;
  };
  const std::vector<Vector> vectors = {
      {{1, 0, 0, 1, 1, 1, 0, 1, 1, 0, 1}, {5, 157, 160}},
      {Bytes(16, 1), {0, 255, 255}},
      {{}, {0}},
  };
  auto codec = packbits();
  for (const Vector& v : vectors) {
    const Shape shape = {static_cast<int64_t>(v.items.size())};
    const NDArray in = from_bytes(kBool, shape, v.items);
    const NDArray enc = codec->encode(in);
    EXPECT_EQ(enc.shape(), (Shape{static_cast<int64_t>(v.packed.size())}));
    EXPECT_EQ(enc.dtype().typestr(), "|u1");
    EXPECT_EQ(c_bytes(enc), v.packed);
    const NDArray dec = codec->decode(enc, ChunkSpec{kBool, shape, {}});
    EXPECT_EQ(c_bytes(dec), v.items);
  }
  // numcodecs packs uint8 in v2: nonzero items are 1 bits; they decode as 0/1.
  auto bytes = packbits(DType::from_typestr("|u1"));
  const NDArray u8 = from_bytes(DType::from_typestr("|u1"), {9}, {0, 5, 255, 1, 0, 0, 0, 2, 9});
  EXPECT_EQ(c_bytes(bytes->encode(u8)), (Bytes{7, 113, 128}));
  EXPECT_EQ(c_bytes(bytes->decode(bytes->encode(u8), ChunkSpec{DType::from_typestr("|u1"), {9}, {}})),
            (Bytes{0, 1, 1, 1, 0, 0, 0, 1, 1}));
}

TEST(PackBitsCodec, EveryPaddingAndShapeRoundTrips) {
  auto codec = packbits();
  for (int64_t n = 0; n <= 40; ++n) {
    SCOPED_TRACE(n);
    Bytes items(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) items[i] = (i * 7 + n) % 3 == 0;
    const Shape shape = {1, n};
    const ChunkSpec spec{kBool, shape, {}};
    const ChunkSpec enc_spec = codec->encoded_spec(spec);
    EXPECT_EQ(enc_spec.shape, (Shape{1 + (n + 7) / 8}));
    const NDArray enc = codec->encode(from_bytes(kBool, shape, items));
    EXPECT_EQ(enc.shape(), enc_spec.shape);
    EXPECT_EQ(c_bytes(enc)[0], (8 - n % 8) % 8);
    EXPECT_EQ(c_bytes(codec->decode(enc, spec)), items);
  }
}

TEST(PackBitsCodec, PacksStridedInputInCOrder) {
  auto codec = packbits();
  Bytes items(6 * 5);
  for (size_t i = 0; i < items.size(); ++i) items[i] = i % 4 == 1 || i % 7 == 0;
  const NDArray in = from_bytes(kBool, {6, 5}, items);
  EXPECT_EQ(c_bytes(codec->encode(strided(in))), c_bytes(codec->encode(in)));
}

TEST(PackBitsCodec, EncodedFillValueIsTheBoolean) {
  auto codec = packbits();
  EXPECT_EQ(codec->encoded_spec(ChunkSpec{kBool, {10}, {1}}).fill_value, (Bytes{1}));
  EXPECT_EQ(codec->encoded_spec(ChunkSpec{kBool, {10}, {0}}).fill_value, (Bytes{0}));
  EXPECT_EQ(codec->encoded_spec(ChunkSpec{kBool, {10}, {}}).fill_value, (Bytes{0}));
}

TEST(PackBitsCodec, RefusesChunksThatDoNotFit) {
  auto codec = packbits();
  const ChunkSpec spec{kBool, {11}, {}};
  const DType u8 = DType::from_typestr("|u1");
  EXPECT_EQ(error_code_of([&] { codec->decode(from_bytes(u8, {2}, {5, 157}), spec); }), ErrorCode::kCorruptChunk);
  EXPECT_EQ(error_code_of([&] { codec->decode(from_bytes(u8, {4}, {5, 157, 160, 0}), spec); }),
            ErrorCode::kCorruptChunk);
  EXPECT_NE(error_message([&] { codec->decode(from_bytes(u8, {3}, {4, 157, 160}), spec); }, ErrorCode::kCorruptChunk)
                .find("packbits: the header says 4 padding bits, a chunk of 11 items has 5"),
            std::string::npos);
  EXPECT_EQ(error_code_of([&] { codec->decode(from_bytes(u8, {3}, {200, 157, 160}), spec); }),
            ErrorCode::kCorruptChunk);
}

TEST(PackBitsCodec, RefusesOtherDataTypesAndFields) {
  for (const char* t : {"<u2", "<f4", "<i8", "|S1"}) {
    SCOPED_TRACE(t);
    EXPECT_EQ(error_code_of([&] { packbits(DType::from_typestr(t)); }), ErrorCode::kCodecConfig);
  }
  EXPECT_EQ(error_code_of([&] { packbits(kBool, {{"bits", 8}}); }), ErrorCode::kCodecConfig);
  EXPECT_EQ(error_code_of([&] { packbits(kBool, {{"id", "delta"}}); }), ErrorCode::kCodecConfig);
  EXPECT_NO_THROW(packbits(DType::from_typestr("|i1"), {{"id", "packbits"}}));
}

}  // namespace
}  // namespace zarrnative::codec
