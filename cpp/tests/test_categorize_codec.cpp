// The categorize codec: numcodecs' known answers (numcodecs 0.16), chunks
// read as shorter items, byte orders, label edge cases, strided input and
// refusal of codes that do not fit the chunk.
#include "array_codec_test_util.h"

#include "codec/array_to_array/categorize_codec.h"

namespace zarrnative::codec {
namespace {

using namespace array_codec_test;

// Items of `type` ("<U<n>" or ">U<n>") holding `texts` (ASCII or not, as
// code points), each zero-padded to the item.
NDArray text_array(const DType& type, const std::vector<std::u32string>& texts) {
  const size_t width = type.itemsize() / 4;
  Bytes bytes;
  for (const std::u32string& t : texts) {
    for (size_t c = 0; c < width; ++c) {
      const uint32_t cp = c < t.size() ? static_cast<uint32_t>(t[c]) : 0;
      for (int b = 0; b < 4; ++b) {
        const int shift = type.byte_order() == ByteOrder::kBig ? 8 * (3 - b) : 8 * b;
        bytes.push_back(static_cast<uint8_t>(cp >> shift));
      }
    }
  }
  return from_bytes(type, {static_cast<int64_t>(texts.size())}, bytes);
}

std::shared_ptr<const ArrayToArrayCodec> categorize(const json& config, const DType& chunk_type) {
  return make_categorize_codec(config, ChunkSpec{chunk_type, {1}, {}});
}

struct Case {
  json config;
  std::string chunk_type;
  std::vector<std::u32string> items;
  Bytes codes;                           // numcodecs' encoded bytes
  std::vector<std::u32string> decoded;   // numcodecs' decode of them
};

TEST(CategorizeCodec, MatchesNumcodecs) {
  const std::vector<Case> cases = {
      {{{"labels", {"female", "male"}}, {"dtype", "<U6"}, {"astype", "|u1"}},
       "<U6",
       {U"male", U"female", U"female", U"male", U"other", U""},
       {2, 1, 1, 2, 0, 0},
       {U"male", U"female", U"female", U"male", U"", U""}},
      // A "<U3" chunk read as "<U1" items: three codes per element; "bb"
      // never matches a one-character item.
      {{{"labels", {"a", "bb"}}, {"dtype", "<U1"}, {"astype", "|u1"}},
       "<U3",
       {U"a", U"bb", U"ab", U"b"},
       {1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0},
       {U"a", U"", U"a", U""}},
      {{{"labels", {"x", "y"}}, {"dtype", ">U2"}, {"astype", ">i2"}},
       ">U2",
       {U"y", U"x", U"z"},
       {0, 2, 0, 1, 0, 0},
       {U"y", U"x", U""}},
      // The last of equal labels wins; an empty label matches empty items.
      {{{"labels", {"a", "a"}}, {"dtype", "<U1"}}, "<U1", {U"a", U"b"}, {2, 0}, {U"a", U""}},
      {{{"labels", {"", "q"}}, {"dtype", "<U2"}, {"astype", "|u1"}}, "<U2", {U"", U"q", U"r"}, {1, 2, 0}, {U"", U"q", U""}},
      // A label longer than the item never matches; trailing NULs do not count.
      {{{"labels", {"abc"}}, {"dtype", "<U2"}}, "<U2", {U"ab", U"ab"}, {0, 0}, {U"", U""}},
      {{{"labels", {std::string("a\0", 2)}}, {"dtype", "<U2"}}, "<U2", {U"a", U"a"}, {1, 1}, {U"a", U"a"}},
      {{{"labels", {"\xc3\xa9", "\xf0\x9f\x98\x80"}}, {"dtype", "<U1"}, {"astype", "<u4"}},
       "<U1",
       {U"\u00e9", U"\U0001F600", U"e"},
       {1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0},
       {U"\u00e9", U"\U0001F600", U""}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.config.dump());
    const DType type = DType::from_typestr(c.chunk_type);
    auto codec = categorize(c.config, type);
    const NDArray in = text_array(type, c.items);
    const NDArray enc = codec->encode(in);
    EXPECT_EQ(c_bytes(enc), c.codes);
    const ChunkSpec spec{type, in.shape(), {}};
    EXPECT_EQ(enc.shape(), codec->encoded_spec(spec).shape);
    EXPECT_EQ(c_bytes(codec->decode(enc, spec)), c_bytes(text_array(type, c.decoded)));
    EXPECT_EQ(c_bytes(codec->encode(strided(in))), c.codes);
  }
}

TEST(CategorizeCodec, DecodesEveryCodeAsNumcodecs) {
  // numcodecs: codes past the labels and negative codes are "", labels are
  // cut to the item.
  const DType u2 = DType::from_typestr("<U2");
  auto codec = categorize({{"labels", {"abc", "d"}}, {"dtype", "<U2"}}, u2);
  const NDArray codes = from_bytes(DType::from_typestr("|u1"), {5}, {1, 2, 0, 3, 255});
  EXPECT_EQ(c_bytes(codec->decode(codes, ChunkSpec{u2, {5}, {}})),
            c_bytes(text_array(u2, {U"ab", U"d", U"", U"", U""})));
  auto signed_codes = categorize({{"labels", {"a"}}, {"dtype", "<U1"}, {"astype", "|i1"}}, DType::from_typestr("<U1"));
  const NDArray i1 = from_bytes(DType::from_typestr("|i1"), {3}, {0xFF, 1, 0});
  EXPECT_EQ(c_bytes(signed_codes->decode(i1, ChunkSpec{DType::from_typestr("<U1"), {3}, {}})),
            c_bytes(text_array(DType::from_typestr("<U1"), {U"", U"a", U""})));
}

TEST(CategorizeCodec, EncodedSpecAndConfiguration) {
  const json config = {{"id", "categorize"}, {"labels", {"a", "b"}}, {"dtype", "<U1"}, {"astype", "<u2"}};
  auto codec = categorize(config, DType::from_typestr("<U4"));
  const ChunkSpec enc = codec->encoded_spec(ChunkSpec{DType::from_typestr("<U4"), {3, 5}, {}});
  EXPECT_EQ(enc.dtype.typestr(), "<u2");
  EXPECT_EQ(enc.shape, (Shape{60}));
  EXPECT_EQ(enc.fill_value, (Bytes{0, 0}));
  EXPECT_EQ(codec->to_json(), config);
  // The default astype is uint8; "U1" means the machine's byte order.
  auto plain = categorize({{"labels", json::array()}, {"dtype", "U1"}}, DType::from_typestr("<U1"));
  EXPECT_EQ(plain->to_json()["astype"], "|u1");
  EXPECT_EQ(plain->to_json()["dtype"], "<U1");
}

TEST(CategorizeCodec, RefusesBadConfigurations) {
  const DType u3 = DType::from_typestr("<U3");
  auto refused = [&](const json& config, const DType& chunk) {
    EXPECT_THROW(categorize(config, chunk), Error) << config.dump() << " on " << chunk.typestr();
  };
  refused({{"labels", {"a"}}, {"dtype", "|O"}}, u3);                       // object arrays
  refused({{"labels", {"a"}}, {"dtype", "<i4"}}, u3);                      // not text
  refused({{"labels", {"a"}}, {"dtype", "<U2"}}, u3);                      // 3 is not a multiple of 2
  refused({{"labels", {"a"}}, {"dtype", "<U1"}}, DType::from_typestr("<i4"));
  refused({{"labels", {"a"}}, {"dtype", "<U1"}, {"astype", "<f4"}}, u3);   // codes are integers
  refused({{"labels", {1}}, {"dtype", "<U1"}}, u3);
  refused({{"labels", "a"}, {"dtype", "<U1"}}, u3);
  refused({{"dtype", "<U1"}}, u3);
  refused({{"labels", {"a"}}}, u3);
  refused({{"labels", {"a"}}, {"dtype", "<U1"}, {"extra", 1}}, u3);
  json many = json::array();
  for (int i = 0; i < 256; ++i) many.push_back(std::to_string(i));
  refused({{"labels", many}, {"dtype", "<U3"}}, u3);  // code 256 does not fit uint8, as numpy says
  many.erase(many.end() - 1);
  EXPECT_NO_THROW(categorize({{"labels", many}, {"dtype", "<U3"}}, u3));
  many.push_back("x");
  EXPECT_NO_THROW(categorize({{"labels", many}, {"dtype", "<U3"}, {"astype", "<u2"}}, u3));
}

TEST(CategorizeCodec, RefusesCodesThatDoNotFitTheChunk) {
  const DType u1 = DType::from_typestr("<U1");
  auto codec = categorize({{"labels", {"a"}}, {"dtype", "<U1"}}, u1);
  const NDArray codes = from_bytes(DType::from_typestr("|u1"), {3}, {1, 1, 1});
  try {
    codec->decode(codes, ChunkSpec{u1, {4}, {}});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kCorruptChunk);
  }
}

}  // namespace
}  // namespace zarrnative::codec
