// The bz2 codec (numcodecs "bz2"): round trips, numcodecs 0.16 known
// answers, concatenated streams, and refusal of bad input.
#include "codec_test_util.h"

namespace zn_test {
namespace {

// Made by numcodecs 0.16.6 (Python's bz2, libbz2 1.0.8) from kat_input(256):
// numcodecs.BZ2(level=1).encode(data)
const Bytes k_bz2_1 = {
    66, 90, 104, 49, 49, 65, 89, 38, 83, 89, 255, 103, 239, 114, 0, 0, 0, 96, 0, 127, 255, 255, 255, 176, 0,
    184, 12, 96, 0, 152, 0, 9, 134, 48, 0, 76, 0, 4, 193, 32, 149, 79, 36, 52, 61, 70, 67, 67, 212, 122, 156,
    83, 12, 26, 193, 186, 82, 148, 114, 142, 166, 106, 185, 26, 242, 33, 7, 74, 105, 86, 24, 49, 225, 31, 135,
    137, 204, 231, 72, 93, 112, 139, 19, 194, 168, 50, 175, 67, 99, 97, 173, 134, 233, 74, 81, 202, 58, 153,
    209, 117, 58, 117, 33, 7, 74, 105, 86, 24, 49, 225, 31, 199, 201, 216, 237, 72, 93, 112, 139, 19, 194, 168,
    50, 175, 195, 115, 113, 173, 198, 233, 74, 81, 202, 58, 153, 194, 253, 63, 184, 33, 10, 74, 105, 22, 23, 8,
    56, 79, 241, 119, 36, 83, 133, 9, 15, 246, 126, 247, 32};
// numcodecs.BZ2(level=9).encode(data)
const Bytes k_bz2_9 = {
    66, 90, 104, 57, 49, 65, 89, 38, 83, 89, 255, 103, 239, 114, 0, 0, 0, 96, 0, 127, 255, 255, 255, 176, 0,
    184, 12, 96, 0, 152, 0, 9, 134, 48, 0, 76, 0, 4, 193, 32, 149, 79, 36, 52, 61, 70, 67, 67, 212, 122, 156,
    83, 12, 26, 193, 186, 82, 148, 114, 142, 166, 106, 185, 26, 242, 33, 7, 74, 105, 86, 24, 49, 225, 31, 135,
    137, 204, 231, 72, 93, 112, 139, 19, 194, 168, 50, 175, 67, 99, 97, 173, 134, 233, 74, 81, 202, 58, 153,
    209, 117, 58, 117, 33, 7, 74, 105, 86, 24, 49, 225, 31, 199, 201, 216, 237, 72, 93, 112, 139, 19, 194, 168,
    50, 175, 195, 115, 113, 173, 198, 233, 74, 81, 202, 58, 153, 194, 253, 63, 184, 33, 10, 74, 105, 22, 23, 8,
    56, 79, 241, 119, 36, 83, 133, 9, 15, 246, 126, 247, 32};

TEST(Bz2Codec, RoundTripsAtEverySize) {
  round_trip_all_sizes(*make("bz2"));
  round_trip_all_sizes(*make("bz2", {{"level", 9}}));
}

TEST(Bz2Codec, DecodesNumcodecsVectors) {
  expect_decodes_to(*make("bz2"), k_bz2_1, kat_input(256));
  expect_decodes_to(*make("bz2"), k_bz2_9, kat_input(256));
}

TEST(Bz2Codec, EncodesLikeNumcodecs) {
  EXPECT_EQ(encode(*make("bz2", {{"level", 1}}), kat_input(256)), k_bz2_1);
  EXPECT_EQ(encode(*make("bz2", {{"level", 9}}), kat_input(256)), k_bz2_9);
}

TEST(Bz2Codec, DecodesConcatenatedStreams) {
  Bytes two = k_bz2_1;
  two.insert(two.end(), k_bz2_9.begin(), k_bz2_9.end());
  Bytes expected = kat_input(256);
  expected.insert(expected.end(), expected.begin(), expected.end());
  expect_decodes_to(*make("bz2"), two, expected);
}

TEST(Bz2Codec, ToJsonIsTheNumcodecsForm) {
  EXPECT_EQ(make("bz2")->to_json(), json::parse(R"({"id": "bz2", "level": 1})"));
  EXPECT_EQ(make("bz2", {{"level", 9}})->to_json(), json::parse(R"({"id": "bz2", "level": 9})"));
}

TEST(Bz2Codec, IsThreadSafe) { round_trip_concurrently(*make("bz2"), 2); }

TEST(Bz2Codec, RefusesTruncatedInput) { expect_truncations_refused(*make("bz2"), k_bz2_1, 256); }

TEST(Bz2Codec, RefusesBitFlips) {
  auto codec = make("bz2");
  const Bytes data = smooth_field(3000);
  const Bytes enc = encode(*codec, data);
  EXPECT_GT(flip_bits(*codec, enc, data, 5, /*checksummed=*/true), 0);  // block and stream CRCs
}

TEST(Bz2Codec, RefusesTrailingDataAndGarbage) {
  Bytes bad = k_bz2_1;
  bad.insert(bad.end(), {'x', 'y'});
  expect_corrupt(*make("bz2"), bad, 256, "bz2: 2 bytes of trailing data after the stream");
  expect_corrupt(*make("bz2"), {'n', 'o', 't', ' ', 'b', 'z', '2'}, 7, "not a bzip2 stream");
  expect_corrupt(*make("bz2"), {}, std::nullopt, "empty");
}

TEST(Bz2Codec, RefusesMoreThanExpectedOrTheLimit) {
  expect_corrupt(*make("bz2"), k_bz2_1, 255, "more than the expected 255");
  expect_corrupt(*make("bz2"), k_bz2_1, 257, "decoded 256 bytes, expected 257");
  CodecOptions small;
  small.max_decoded_bytes = 200;
  expect_corrupt(*make("bz2"), k_bz2_1, std::nullopt, "more than the limit of 200", small);
}

TEST(Bz2Codec, RefusesBadConfigurations) {
  expect_config_error("bz2", {{"level", 0}}, "'level' 0 is outside [1, 9]");
  expect_config_error("bz2", {{"level", 10}}, "is outside");
  expect_config_error("bz2", {{"blocksize", 9}}, "unknown configuration field 'blocksize'");
}

}  // namespace
}  // namespace zn_test
