// The lz4 codec (numcodecs "lz4": a size header and a raw LZ4 block): round
// trips, numcodecs 0.16 known answers, and refusal of lying headers.
#include "codec_test_util.h"

namespace zn_test {
namespace {

// Made by numcodecs 0.16.6 (bundled LZ4 1.10.0) from kat_input(256):
// numcodecs.LZ4().encode(data)
const Bytes k_lz4 = {
    0, 1, 0, 0, 49, 0, 1, 2, 3, 0, 49, 3, 1, 0, 3, 0, 49, 3, 0, 2, 3, 0, 49, 3, 2, 1, 3, 0, 49, 6, 4, 5, 3, 0,
    49, 4, 7, 5, 3, 0, 49, 6, 7, 4, 3, 0, 49, 5, 7, 6, 3, 0, 49, 9, 10, 8, 3, 0, 49, 9, 8, 11, 3, 0, 49, 8, 10,
    11, 3, 0, 49, 10, 9, 11, 3, 0, 49, 12, 13, 14, 3, 0, 49, 15, 13, 12, 3, 0, 49, 15, 12, 14, 3, 0, 49, 15, 14,
    13, 3, 0, 49, 18, 16, 17, 3, 0, 49, 16, 19, 17, 3, 0, 49, 18, 19, 16, 3, 0, 49, 17, 19, 18, 3, 0, 49, 21,
    22, 20, 3, 0, 49, 21, 20, 23, 3, 0, 49, 20, 22, 23, 3, 0, 49, 22, 21, 23, 3, 0, 49, 24, 25, 26, 3, 0, 49,
    27, 25, 24, 3, 0, 49, 27, 24, 26, 3, 0, 49, 27, 26, 25, 3, 0, 49, 30, 28, 29, 3, 0, 49, 28, 31, 29, 3, 0,
    49, 30, 31, 28, 3, 0, 128, 29, 31, 30, 29, 31, 30, 29, 31};
// numcodecs.LZ4(acceleration=9).encode(data)
const Bytes k_lz4_a9 = {
    0, 1, 0, 0, 240, 241, 0, 1, 2, 0, 1, 2, 0, 1, 3, 1, 0, 3, 1, 0, 3, 1, 3, 0, 2, 3, 0, 2, 3, 0, 3, 2, 1, 3, 2,
    1, 3, 2, 6, 4, 5, 6, 4, 5, 6, 4, 4, 7, 5, 4, 7, 5, 4, 7, 6, 7, 4, 6, 7, 4, 6, 7, 5, 7, 6, 5, 7, 6, 5, 7, 9,
    10, 8, 9, 10, 8, 9, 10, 9, 8, 11, 9, 8, 11, 9, 8, 8, 10, 11, 8, 10, 11, 8, 10, 10, 9, 11, 10, 9, 11, 10, 9,
    12, 13, 14, 12, 13, 14, 12, 13, 15, 13, 12, 15, 13, 12, 15, 13, 15, 12, 14, 15, 12, 14, 15, 12, 15, 14, 13,
    15, 14, 13, 15, 14, 18, 16, 17, 18, 16, 17, 18, 16, 16, 19, 17, 16, 19, 17, 16, 19, 18, 19, 16, 18, 19, 16,
    18, 19, 17, 19, 18, 17, 19, 18, 17, 19, 21, 22, 20, 21, 22, 20, 21, 22, 21, 20, 23, 21, 20, 23, 21, 20, 20,
    22, 23, 20, 22, 23, 20, 22, 22, 21, 23, 22, 21, 23, 22, 21, 24, 25, 26, 24, 25, 26, 24, 25, 27, 25, 24, 27,
    25, 24, 27, 25, 27, 24, 26, 27, 24, 26, 27, 24, 27, 26, 25, 27, 26, 25, 27, 26, 30, 28, 29, 30, 28, 29, 30,
    28, 28, 31, 29, 28, 31, 29, 28, 31, 30, 31, 28, 30, 31, 28, 30, 31, 29, 31, 30, 29, 31, 30, 29, 31};
// numcodecs.LZ4().encode(b"")
const Bytes k_lz4_empty = {
    0, 0, 0, 0, 0};

TEST(Lz4Codec, RoundTripsAtEverySize) {
  round_trip_all_sizes(*make("lz4"));
  round_trip_all_sizes(*make("lz4", {{"acceleration", 20}}));
}

TEST(Lz4Codec, DecodesNumcodecsVectors) {
  expect_decodes_to(*make("lz4"), k_lz4, kat_input(256));
  expect_decodes_to(*make("lz4"), k_lz4_a9, kat_input(256));
  expect_decodes_to(*make("lz4"), k_lz4_empty, {});
}

TEST(Lz4Codec, EncodesLikeNumcodecs) {
  // LZ4 1.9.4 (system) and 1.10.0 (numcodecs) agree on these inputs.
  EXPECT_EQ(encode(*make("lz4"), kat_input(256)), k_lz4);
  EXPECT_EQ(encode(*make("lz4", {{"acceleration", 9}}), kat_input(256)), k_lz4_a9);
  EXPECT_EQ(encode(*make("lz4"), {}), k_lz4_empty);
}

TEST(Lz4Codec, ToJsonIsTheNumcodecsForm) {
  EXPECT_EQ(make("lz4")->to_json(), json::parse(R"({"id": "lz4", "acceleration": 1})"));
  EXPECT_EQ(make("lz4", {{"id", "lz4"}, {"acceleration", 0}})->to_json()["acceleration"], 0);
}

TEST(Lz4Codec, IsThreadSafe) { round_trip_concurrently(*make("lz4")); }

Bytes with_size_header(const Bytes& enc, uint32_t size) {
  Bytes out = enc;
  for (int i = 0; i < 4; ++i) out[i] = static_cast<uint8_t>(size >> (8 * i));
  return out;
}

TEST(Lz4Codec, RefusesALyingSizeHeader) {
  auto codec = make("lz4");
  // Claims 4 GiB - 1: refused before any allocation, known size or not.
  expect_corrupt(*codec, with_size_header(k_lz4, 0xFFFFFFFFu), 256, "claims 4294967295 bytes, expected 256");
  expect_corrupt(*codec, with_size_header(k_lz4, 0xFFFFFFFFu), std::nullopt, "more than a block of 195 bytes can hold");
  CodecOptions small;
  small.max_decoded_bytes = 1000;
  expect_corrupt(*codec, with_size_header(k_lz4, 20000), std::nullopt, "more than the limit of 1000", small);
  // Claims a little more or less than the block holds.
  expect_corrupt(*codec, with_size_header(k_lz4, 300), std::nullopt, "decodes to 256 bytes");
  expect_corrupt(*codec, with_size_header(k_lz4, 200), std::nullopt, "invalid or truncated block");
  expect_corrupt(*codec, k_lz4, 255, "expected 255");
}

TEST(Lz4Codec, RefusesTruncatedInput) { expect_truncations_refused(*make("lz4"), k_lz4, 256); }

TEST(Lz4Codec, SurvivesBitFlips) {
  // No checksum in this format: flips may decode to other bytes, but must
  // never crash or read out of bounds.
  auto codec = make("lz4");
  const Bytes data = smooth_field(3000);
  EXPECT_GT(flip_bits(*codec, encode(*codec, data), data, 3), 0);
}

TEST(Lz4Codec, RefusesBadConfigurations) {
  expect_config_error("lz4", {{"acceleration", "fast"}}, "must be an integer");
  expect_config_error("lz4", {{"acceleration", int64_t{1} << 40}}, "is outside");
  expect_config_error("lz4", {{"level", 1}}, "unknown configuration field 'level'");
}

}  // namespace
}  // namespace zn_test
