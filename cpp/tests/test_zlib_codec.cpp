// The zlib codec (numcodecs "zlib"): round trips, numcodecs 0.16 known
// answers, and refusal of bad streams and configurations.
#include "codec_test_util.h"

namespace zn_test {
namespace {

// Made by numcodecs 0.16.6 (Python's zlib, zlib 1.2.13) from kat_input(256):
// numcodecs.Zlib(level=1).encode(data)
const Bytes k_zlib1 = {
    120, 1, 29, 194, 139, 18, 68, 32, 0, 64, 209, 18, 82, 136, 244, 160, 144, 255, 255, 203, 157, 189, 103, 142,
    144, 157, 248, 87, 82, 80, 137, 142, 170, 147, 28, 251, 129, 189, 30, 56, 234, 158, 131, 30, 105, 236, 68,
    51, 205, 156, 236, 76, 107, 102, 46, 171, 227, 182, 46, 220, 22, 199, 205, 173, 60, 118, 207, 61, 120, 30,
    97, 167, 15, 7, 83, 142, 76, 241, 100, 204, 39, 115, 58, 121, 149, 202, 187, 92, 188, 175, 202, 187, 22,
    182, 231, 229, 243, 189, 108, 223, 195, 247, 107, 252, 1, 38, 242, 15, 132};
// numcodecs.Zlib(level=9).encode(data)
const Bytes k_zlib9 = {
    120, 218, 29, 194, 139, 18, 68, 32, 0, 64, 209, 18, 82, 136, 244, 160, 144, 255, 255, 203, 157, 189, 103,
    142, 144, 157, 248, 87, 82, 80, 137, 142, 170, 147, 28, 251, 129, 189, 30, 56, 234, 158, 131, 30, 105, 236,
    68, 51, 205, 156, 236, 76, 107, 102, 46, 171, 227, 182, 46, 220, 22, 199, 205, 173, 60, 118, 207, 61, 120,
    30, 97, 167, 15, 7, 83, 142, 76, 241, 100, 204, 39, 115, 58, 121, 149, 202, 187, 92, 188, 175, 202, 187, 22,
    182, 231, 229, 243, 189, 108, 223, 195, 247, 107, 252, 1, 38, 242, 15, 132};

TEST(ZlibCodec, RoundTripsAtEverySize) {
  round_trip_all_sizes(*make("zlib"));
  round_trip_all_sizes(*make("zlib", {{"level", 9}}));
  round_trip_all_sizes(*make("zlib", {{"level", -1}}));
}

TEST(ZlibCodec, DecodesNumcodecsVectors) {
  expect_decodes_to(*make("zlib"), k_zlib1, kat_input(256));
  expect_decodes_to(*make("zlib"), k_zlib9, kat_input(256));
}

TEST(ZlibCodec, EncodesLikeNumcodecs) {
  EXPECT_EQ(encode(*make("zlib", {{"level", 1}}), kat_input(256)), k_zlib1);
  EXPECT_EQ(encode(*make("zlib", {{"level", 9}}), kat_input(256)), k_zlib9);
}

TEST(ZlibCodec, ToJsonIsTheNumcodecsForm) {
  EXPECT_EQ(make("zlib")->to_json(), json::parse(R"({"id": "zlib", "level": 1})"));
  EXPECT_EQ(make("zlib", {{"id", "zlib"}, {"level", 4}})->to_json(), json::parse(R"({"id": "zlib", "level": 4})"));
}

TEST(ZlibCodec, IsThreadSafe) { round_trip_concurrently(*make("zlib")); }

TEST(ZlibCodec, RefusesTruncatedInput) { expect_truncations_refused(*make("zlib"), k_zlib1, 256); }

TEST(ZlibCodec, RefusesABadAdler32) {
  Bytes bad = k_zlib1;
  bad.back() ^= 0x40;
  expect_corrupt(*make("zlib"), bad, 256, "invalid or truncated");
  expect_corrupt(*make("zlib"), bad, std::nullopt, "invalid or truncated");
}

TEST(ZlibCodec, RefusesBitFlips) {
  auto codec = make("zlib");
  const Bytes data = smooth_field(3000);
  const Bytes enc = encode(*codec, data);
  // Adler-32 catches flips in the data; the few flips that decode hit bits
  // zlib ignores (the level hint, padding after the last block).
  const int tries = static_cast<int>(2 * ((enc.size() * 8 + 2) / 3));
  EXPECT_GT(flip_bits(*codec, enc, data, 3, /*checksummed=*/true), tries * 99 / 100);
}

TEST(ZlibCodec, RefusesTrailingData) {
  // Python's zlib.decompress ignores it; a chunk with bytes after its
  // stream is damaged, so zarrnative says so.
  Bytes bad = k_zlib1;
  bad.push_back(0);
  expect_corrupt(*make("zlib"), bad, 256, "zlib: 1 bytes of trailing data after the stream");
}

TEST(ZlibCodec, RefusesMoreThanExpectedOrTheLimit) {
  expect_corrupt(*make("zlib"), k_zlib1, 255, "more than the expected 255");
  CodecOptions small;
  small.max_decoded_bytes = 255;
  expect_corrupt(*make("zlib"), k_zlib1, std::nullopt, "more than the limit of 255", small);
}

TEST(ZlibCodec, RefusesBadConfigurations) {
  expect_config_error("zlib", {{"level", 10}}, "'level' 10 is outside [-1, 9]");
  expect_config_error("zlib", {{"level", true}}, "must be an integer");
  expect_config_error("zlib", {{"wbits", 15}}, "unknown configuration field 'wbits'");
}

}  // namespace
}  // namespace zn_test
