#include "codec_test_util.h"

namespace zn_test {
namespace {

// Python's lzma.compress (numcodecs LZMA) of kat_input(256): .xz preset 1,
// .lzma ("alone") preset 6, .xz preset 0 with a SHA-256 check.
const Bytes k_xz_1 = {253, 55, 122, 88, 90, 0, 0, 4, 230, 214, 180, 70, 2, 0, 33, 1, 16, 0, 0, 0, 168, 112, 
142, 134, 224, 0, 255, 0, 107, 93, 0, 0, 0, 82, 107, 198, 35, 107, 78, 216, 102, 131, 32, 200, 52, 71, 49, 4, 
59, 205, 202, 217, 22, 205, 231, 118, 182, 62, 90, 160, 113, 253, 8, 174, 116, 210, 127, 116, 64, 160, 80, 
115, 68, 99, 196, 72, 76, 225, 187, 52, 29, 161, 225, 167, 86, 192, 102, 219, 62, 159, 111, 122, 11, 117, 36, 
164, 70, 59, 248, 117, 151, 143, 209, 44, 147, 214, 172, 17, 54, 128, 30, 236, 222, 245, 145, 34, 143, 110, 
221, 201, 105, 141, 206, 214, 234, 231, 197, 55, 128, 162, 90, 111, 157, 153, 40, 119, 229, 93, 0, 0, 69, 
106, 190, 179, 178, 88, 76, 210, 0, 1, 135, 1, 128, 2, 0, 0, 88, 187, 93, 19, 177, 196, 103, 251, 2, 0, 0, 0, 
0, 4, 89, 90};
const Bytes k_alone_6 = {93, 0, 0, 128, 0, 255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 82, 107, 198, 35, 
107, 78, 216, 102, 131, 32, 200, 52, 71, 49, 4, 59, 205, 202, 217, 22, 205, 231, 118, 182, 62, 90, 157, 131, 
55, 101, 211, 130, 125, 147, 111, 149, 141, 129, 174, 69, 51, 234, 11, 50, 233, 25, 229, 42, 200, 96, 152, 
179, 48, 255, 189, 185, 66, 86, 188, 36, 251, 115, 183, 110, 184, 65, 90, 237, 53, 46, 97, 44, 70, 186, 11, 
82, 139, 56, 203, 153, 183, 63, 95, 145, 177, 58, 196, 121, 45, 39, 235, 197, 190, 247, 161, 167, 250, 54, 
23, 179, 148, 141, 255, 254, 179, 168, 0};
const Bytes k_xz_sha = {253, 55, 122, 88, 90, 0, 0, 10, 225, 251, 12, 161, 2, 0, 33, 1, 12, 0, 0, 0, 143, 
152, 65, 156, 224, 0, 255, 0, 107, 93, 0, 0, 0, 82, 107, 198, 35, 107, 78, 216, 102, 131, 32, 200, 52, 71, 
49, 4, 59, 205, 202, 217, 22, 205, 231, 118, 182, 62, 90, 160, 113, 253, 8, 174, 116, 210, 127, 116, 64, 160, 
80, 115, 68, 99, 196, 72, 76, 225, 187, 52, 29, 161, 225, 167, 86, 192, 102, 219, 62, 159, 111, 122, 11, 117, 
36, 164, 70, 59, 248, 117, 151, 143, 209, 44, 147, 214, 172, 17, 54, 128, 30, 236, 222, 245, 145, 34, 143, 
110, 221, 201, 105, 141, 206, 214, 234, 231, 197, 55, 128, 162, 90, 111, 157, 153, 40, 119, 229, 93, 0, 0, 
156, 181, 172, 23, 62, 136, 27, 35, 177, 254, 122, 58, 137, 29, 180, 129, 84, 74, 141, 114, 86, 197, 201, 92, 
75, 106, 216, 180, 150, 83, 159, 234, 0, 1, 159, 1, 128, 2, 0, 0, 174, 59, 216, 252, 182, 233, 223, 28, 2, 0, 
0, 0, 0, 10, 89, 90};

TEST(LzmaCodec, RoundTripsAtEverySize) {
  round_trip_all_sizes(*make("lzma"));
  round_trip_all_sizes(*make("lzma", {{"format", 2}, {"preset", 0}}));
}

TEST(LzmaCodec, DecodesAndEncodesLikeNumcodecs) {
  expect_decodes_to(*make("lzma"), k_xz_1, kat_input(256));
  expect_decodes_to(*make("lzma", {{"format", 2}}), k_alone_6, kat_input(256));
  expect_decodes_to(*make("lzma", {{"check", 10}}), k_xz_sha, kat_input(256));
  expect_decodes_to(*make("lzma", {{"format", 0}}), k_alone_6, kat_input(256));  // detected
  EXPECT_EQ(encode(*make("lzma", {{"preset", 1}}), kat_input(256)), k_xz_1);
  EXPECT_EQ(encode(*make("lzma", {{"format", 2}}), kat_input(256)), k_alone_6);
  EXPECT_EQ(encode(*make("lzma", {{"check", 10}, {"preset", 0}}), kat_input(256)), k_xz_sha);
}

TEST(LzmaCodec, DecodesConcatenatedStreams) {
  Bytes two = k_xz_1;
  two.insert(two.end(), k_xz_sha.begin(), k_xz_sha.end());
  Bytes expected = kat_input(256);
  expected.insert(expected.end(), expected.begin(), expected.end());
  expect_decodes_to(*make("lzma"), two, expected);
}

TEST(LzmaCodec, IsThreadSafe) { round_trip_concurrently(*make("lzma", {{"preset", 0}}), 2); }

TEST(LzmaCodec, RefusesTruncatedInput) { expect_truncations_refused(*make("lzma"), k_xz_1, 256); }

TEST(LzmaCodec, RefusesBitFlips) {
  auto codec = make("lzma", {{"preset", 0}});
  const Bytes data = smooth_field(3000);
  const Bytes enc = encode(*codec, data);
  EXPECT_GT(flip_bits(*codec, enc, data, 5, /*checksummed=*/true), 0);
}

TEST(LzmaCodec, RefusesGarbageAndMoreThanExpected) {
  Bytes bad = k_xz_1;
  bad.insert(bad.end(), {'x', 'y'});
  expect_corrupt(*make("lzma"), bad, 256);  // trailing bytes that are no stream
  const std::string text = "this is not an .xz stream at all";
  expect_corrupt(*make("lzma"), Bytes(text.begin(), text.end()), 7, "not in the configured container format");
  expect_corrupt(*make("lzma"), {'x', 'z', '!'}, 7, "truncated");
  expect_corrupt(*make("lzma"), {}, std::nullopt, "empty");
  expect_corrupt(*make("lzma"), k_xz_1, 255, "more than the expected 255");
  expect_corrupt(*make("lzma"), k_xz_1, 257, "decoded 256 bytes, expected 257");
  CodecOptions small;
  small.max_decoded_bytes = 200;
  expect_corrupt(*make("lzma"), k_xz_1, std::nullopt, "more than the limit of 200", small);
}

TEST(LzmaCodec, RefusesWhatPythonRefuses) {
  for (const char* bad : {R"({"filters": [{"id": 33}]})", R"({"format": 3})", R"({"check": 2})", R"({"preset": 10})",
                          R"({"format": 2, "check": 4})", R"({"level": 1})", R"({"preset": -1})"}) {
    SCOPED_TRACE(bad);
    expect_config_error("lzma", json::parse(bad));
  }
  EXPECT_ANY_THROW(encode(*make("lzma", {{"format", 0}}), kat_input(16)));  // detection decodes only
}

}  // namespace
}  // namespace zn_test
