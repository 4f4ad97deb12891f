// Tests of the numcodecs "shuffle" codec: known answers written by
// numcodecs 0.16, long buffers, decode_into, and numcodecs' refusal of a
// trailing partial element.
#include <gtest/gtest.h>

#include <string>

#include "array_codec_test_util.h"
#include "zarrnative/codec/registry.h"
#include "zarrnative/common/error.h"

namespace zarrnative::codec {
namespace {

using namespace array_codec_test;

// numcodecs.Shuffle(elementsize).encode(src), src[i] = (37 i + 11) % 256.
struct ShuffleVector {
  int elementsize;
  Bytes input, encoded;
};
const ShuffleVector kShuffleVectors[] = {
    {4, {11, 48, 85, 122, 159, 196, 233, 14, 51, 88, 125, 162, 199, 236, 17, 54, 91, 128, 165, 202, 239, 20, 57, 94, 131, 168, 205, 242, 23, 60, 97, 134},
     {11, 159, 51, 199, 91, 239, 131, 23, 48, 196, 88, 236, 128, 20, 168, 60, 85, 233, 125, 17, 165, 57, 205, 97, 122, 14, 162, 54, 202, 94, 242, 134}},
    {2, {11, 48, 85, 122, 159, 196, 233, 14, 51, 88},
     {11, 85, 159, 233, 51, 48, 122, 196, 14, 88}},
    {8, {11, 48, 85, 122, 159, 196, 233, 14, 51, 88, 125, 162, 199, 236, 17, 54, 91, 128, 165, 202, 239, 20, 57, 94, 131, 168, 205, 242, 23, 60, 97, 134, 171, 208, 245, 26, 63, 100, 137, 174, 211, 248, 29, 66, 103, 140, 177, 214},
     {11, 51, 91, 131, 171, 211, 48, 88, 128, 168, 208, 248, 85, 125, 165, 205, 245, 29, 122, 162, 202, 242, 26, 66, 159, 199, 239, 23, 63, 103, 196, 236, 20, 60, 100, 140, 233, 17, 57, 97, 137, 177, 14, 54, 94, 134, 174, 214}},
    {3, {11, 48, 85, 122, 159, 196, 233, 14, 51, 88, 125, 162, 199, 236, 17, 54, 91, 128, 165, 202, 239, 20, 57, 94, 131, 168, 205, 242, 23, 60},
     {11, 122, 233, 88, 199, 54, 165, 20, 131, 242, 48, 159, 14, 125, 236, 91, 202, 57, 168, 23, 85, 196, 51, 162, 17, 128, 239, 94, 205, 60}},
    {16, {11, 48, 85, 122, 159, 196, 233, 14, 51, 88, 125, 162, 199, 236, 17, 54, 91, 128, 165, 202, 239, 20, 57, 94, 131, 168, 205, 242, 23, 60, 97, 134, 171, 208, 245, 26, 63, 100, 137, 174, 211, 248, 29, 66, 103, 140, 177, 214, 251, 32, 69, 106, 143, 180, 217, 254, 35, 72, 109, 146, 183, 220, 1, 38},
     {11, 91, 171, 251, 48, 128, 208, 32, 85, 165, 245, 69, 122, 202, 26, 106, 159, 239, 63, 143, 196, 20, 100, 180, 233, 57, 137, 217, 14, 94, 174, 254, 51, 131, 211, 35, 88, 168, 248, 72, 125, 205, 29, 109, 162, 242, 66, 146, 199, 23, 103, 183, 236, 60, 140, 220, 17, 97, 177, 1, 54, 134, 214, 38}},
    {5, {11, 48, 85, 122, 159, 196, 233, 14, 51, 88, 125, 162, 199, 236, 17, 54, 91, 128, 165, 202},
     {11, 196, 125, 54, 48, 233, 162, 91, 85, 14, 199, 128, 122, 51, 236, 165, 159, 88, 17, 202}},
    {1, {11, 48, 85, 122, 159, 196, 233},
     {11, 48, 85, 122, 159, 196, 233}},
};

std::shared_ptr<const BytesToBytesCodec> make(const json& config) {
  return CodecRegistry::builtin().make_bytes_to_bytes("shuffle", config, {DType::from_typestr("<f8"), {4}, {}});
}

Bytes bytes_of(const ByteBuffer& b) { return Bytes(b.data(), b.data() + b.size()); }

TEST(ShuffleCodecTest, MatchesNumcodecs) {
  const CodecOptions opts;
  for (const ShuffleVector& v : kShuffleVectors) {
    SCOPED_TRACE(v.elementsize);
    auto c = make({{"id", "shuffle"}, {"elementsize", v.elementsize}});
    EXPECT_EQ(c->to_json(), (json{{"id", "shuffle"}, {"elementsize", v.elementsize}}));
    ByteBuffer enc, dec;
    c->encode(ByteView(v.input), enc, opts);
    EXPECT_EQ(bytes_of(enc), v.encoded);
    c->decode(ByteView(v.encoded), dec, std::nullopt, opts);
    EXPECT_EQ(bytes_of(dec), v.input);
    c->decode(ByteView(v.encoded), dec, v.encoded.size(), opts);
    EXPECT_EQ(bytes_of(dec), v.input);
    Bytes into(v.input.size());
    c->decode_into(ByteView(v.encoded), MutableByteView(into), opts);
    EXPECT_EQ(into, v.input);
    const EncodedSize es = c->encoded_size(EncodedSize::fixed(v.input.size()));
    EXPECT_TRUE(es.is_fixed());
    EXPECT_EQ(es.bytes, v.input.size());
  }
}

TEST(ShuffleCodecTest, LongBuffersAgainstTheDefinition) {
  for (int es : {2, 3, 4, 8, 16, 24}) {
    SCOPED_TRACE(es);
    const size_t count = 1037;  // several blocks and a partial one
    Bytes src(count * static_cast<size_t>(es));
    for (size_t i = 0; i < src.size(); ++i) src[i] = static_cast<uint8_t>(i * 131 + (i >> 8));
    auto c = make({{"elementsize", es}});
    ByteBuffer enc;
    c->encode(ByteView(src), enc, {});
    for (size_t i = 0; i < count; ++i)
      for (size_t b = 0; b < static_cast<size_t>(es); ++b) ASSERT_EQ(enc.data()[b * count + i], src[i * es + b]);
    Bytes back(src.size());
    c->decode_into(enc.view(), MutableByteView(back), {});
    EXPECT_EQ(back, src);
  }
}

TEST(ShuffleCodecTest, PartialTrailingElementIsRefusedAsNumcodecsDoes) {
  // numcodecs 0.16: Shuffle(4).encode(bytes(30)) and .decode(bytes(30)) raise
  // "Shuffle buffer is not an integer multiple of elementsize".
  auto c = make({{"elementsize", 4}});
  Bytes thirty(30);
  ByteBuffer out;
  EXPECT_EQ(error_code_of([&] { c->encode(ByteView(thirty), out, {}); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(error_code_of([&] { c->decode(ByteView(thirty), out, std::nullopt, {}); }), ErrorCode::kCorruptChunk);
  Bytes into(30);
  EXPECT_EQ(error_code_of([&] { c->decode_into(ByteView(thirty), MutableByteView(into), {}); }),
            ErrorCode::kCorruptChunk);
}

TEST(ShuffleCodecTest, SizesAndLimits) {
  auto c = make(json::object());  // elementsize 4
  EXPECT_EQ(c->to_json()["elementsize"], 4);
  Bytes in(16);
  ByteBuffer out;
  EXPECT_EQ(error_code_of([&] { c->decode(ByteView(in), out, 12, {}); }), ErrorCode::kCorruptChunk);
  CodecOptions small;
  small.max_decoded_bytes = 8;
  EXPECT_EQ(error_code_of([&] { c->decode(ByteView(in), out, std::nullopt, small); }), ErrorCode::kCorruptChunk);
  Bytes wrong(12);
  EXPECT_EQ(error_code_of([&] { c->decode_into(ByteView(in), MutableByteView(wrong), {}); }),
            ErrorCode::kCorruptChunk);
  c->encode(ByteView(), out, {});
  EXPECT_EQ(out.size(), 0u);
  c->decode(ByteView(), out, 0, {});
  EXPECT_EQ(out.size(), 0u);
  EXPECT_FALSE(c->encoded_size(EncodedSize::unknown()).is_known());
}

TEST(ShuffleCodecTest, RejectsBadConfigurations) {
  auto bad = [&](const json& cfg) { return error_message([&] { make(cfg); }, ErrorCode::kCodecConfig); };
  EXPECT_NE(bad({{"elementsize", 0}}).find("shuffle: 'elementsize' 0 is outside"), std::string::npos);
  EXPECT_NE(bad({{"elementsize", -2}}).find("'elementsize'"), std::string::npos);
  EXPECT_NE(bad({{"elementsize", "4"}}).find("must be an integer"), std::string::npos);
  EXPECT_NE(bad({{"elementsize", 4}, {"blocksize", 0}}).find("unknown configuration field 'blocksize'"),
            std::string::npos);
  EXPECT_NE(bad({{"id", "blosc"}}).find("'id'"), std::string::npos);
}

}  // namespace
}  // namespace zarrnative::codec
