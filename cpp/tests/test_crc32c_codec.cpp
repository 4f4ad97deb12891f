// The crc32c codec: the CRC32C known answers, round trips, zero-copy
// decoding, and refusal of wrong checksums.
#include "codec_test_util.h"

#include "codec/bytes_to_bytes/crc32c_codec.h"

namespace zn_test {
namespace {

// Made by numcodecs 0.16.6 from kat_input(256):
// numcodecs.CRC32C(location="end").encode(data) (zarr-python's crc32c codec)
const Bytes k_crc32c = {
    0, 1, 2, 0, 1, 2, 0, 1, 3, 1, 0, 3, 1, 0, 3, 1, 3, 0, 2, 3, 0, 2, 3, 0, 3, 2, 1, 3, 2, 1, 3, 2, 6, 4, 5, 6,
    4, 5, 6, 4, 4, 7, 5, 4, 7, 5, 4, 7, 6, 7, 4, 6, 7, 4, 6, 7, 5, 7, 6, 5, 7, 6, 5, 7, 9, 10, 8, 9, 10, 8, 9,
    10, 9, 8, 11, 9, 8, 11, 9, 8, 8, 10, 11, 8, 10, 11, 8, 10, 10, 9, 11, 10, 9, 11, 10, 9, 12, 13, 14, 12, 13,
    14, 12, 13, 15, 13, 12, 15, 13, 12, 15, 13, 15, 12, 14, 15, 12, 14, 15, 12, 15, 14, 13, 15, 14, 13, 15, 14,
    18, 16, 17, 18, 16, 17, 18, 16, 16, 19, 17, 16, 19, 17, 16, 19, 18, 19, 16, 18, 19, 16, 18, 19, 17, 19, 18,
    17, 19, 18, 17, 19, 21, 22, 20, 21, 22, 20, 21, 22, 21, 20, 23, 21, 20, 23, 21, 20, 20, 22, 23, 20, 22, 23,
    20, 22, 22, 21, 23, 22, 21, 23, 22, 21, 24, 25, 26, 24, 25, 26, 24, 25, 27, 25, 24, 27, 25, 24, 27, 25, 27,
    24, 26, 27, 24, 26, 27, 24, 27, 26, 25, 27, 26, 25, 27, 26, 30, 28, 29, 30, 28, 29, 30, 28, 28, 31, 29, 28,
    31, 29, 28, 31, 30, 31, 28, 30, 31, 28, 30, 31, 29, 31, 30, 29, 31, 30, 29, 31, 106, 238, 128, 230};

TEST(Crc32cCodec, KnownAnswers) {
  using zarrnative::codec::crc32c;
  const Bytes digits = {'1', '2', '3', '4', '5', '6', '7', '8', '9'};
  EXPECT_EQ(crc32c(view(digits)), 0xE3069283u);
  EXPECT_EQ(crc32c({}), 0u);
  EXPECT_EQ(encode(*make("crc32c"), {0, 1, 2, 3, 4, 5}), (Bytes{0, 1, 2, 3, 4, 5, 20, 133, 9, 65}));
}

TEST(Crc32cCodec, LongInputsGoThroughInSteps) {
  using zarrnative::codec::crc32c;
  const Bytes data = smooth_field(3 << 20);
  // CRC32C is linear in its state: splitting must not matter, and equals
  // a bitwise reference on a slice.
  uint32_t crc = 0xFFFFFFFFu;
  for (uint8_t b : Bytes(data.begin(), data.begin() + 4096)) {
    crc ^= b;
    for (int k = 0; k < 8; ++k) crc = crc >> 1 ^ (0x82F63B78u & (0u - (crc & 1)));
  }
  EXPECT_EQ(crc32c(view(data).first(4096)), ~crc);
  EXPECT_EQ(encode(*make("crc32c"), data).size(), data.size() + 4);
}

TEST(Crc32cCodec, RoundTripsAtEverySize) { round_trip_all_sizes(*make("crc32c")); }

TEST(Crc32cCodec, MatchesNumcodecs) {
  expect_decodes_to(*make("crc32c"), k_crc32c, kat_input(256));
  EXPECT_EQ(encode(*make("crc32c"), kat_input(256)), k_crc32c);
}

TEST(Crc32cCodec, EncodedSizeIsExact) {
  auto codec = make("crc32c");
  EXPECT_TRUE(codec->encoded_size(EncodedSize::fixed(100)).is_fixed());
  EXPECT_EQ(codec->encoded_size(EncodedSize::fixed(100)).bytes, 104u);
  EXPECT_EQ(codec->encoded_size(EncodedSize::bounded(100)).kind, EncodedSize::Kind::kBounded);
}

TEST(Crc32cCodec, DecodeViewIsZeroCopy) {
  auto codec = make("crc32c");
  const Bytes enc = k_crc32c;
  auto v = codec->decode_view(view(enc), CodecOptions{});
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->data(), enc.data());
  EXPECT_EQ(v->size(), 256u);
}

TEST(Crc32cCodec, RefusesAWrongChecksum) {
  auto codec = make("crc32c");
  Bytes bad = k_crc32c;
  bad[10] ^= 0x01;
  expect_corrupt(*codec, bad, 256, "crc32c: checksum mismatch");
  expect_error([&] { codec->decode_view(view(bad), CodecOptions{}); }, ErrorCode::kCorruptChunk, "crc32c",
               "checksum mismatch");
  // Every single-bit flip is caught.
  const Bytes data = smooth_field(500);
  const Bytes enc = encode(*codec, data);
  EXPECT_EQ(flip_bits(*codec, enc, data, 1, true), static_cast<int>(2 * enc.size() * 8));
}

TEST(Crc32cCodec, SkipsTheCheckWhenAsked) {
  Bytes bad = k_crc32c;
  bad.back() ^= 0xFF;
  CodecOptions lax;
  lax.validate_checksums = false;
  expect_decodes_to(*make("crc32c"), bad, kat_input(256), lax);
}

TEST(Crc32cCodec, RefusesShortInput) {
  expect_corrupt(*make("crc32c"), {1, 2, 3}, std::nullopt, "shorter than the 4-byte checksum");
  expect_truncations_refused(*make("crc32c"), k_crc32c, 256);
}

TEST(Crc32cCodec, ToJsonIsWhatZarrPythonWrites) {
  EXPECT_EQ(make("crc32c")->to_json(), json::parse(R"({"name": "crc32c"})"));
}

TEST(Crc32cCodec, RefusesConfigurationFields) {
  expect_config_error("crc32c", {{"location", "end"}}, "unknown configuration field 'location'");
  expect_config_error("crc32c", "end", "must be a JSON object");
  EXPECT_NO_THROW(make("crc32c", nullptr));
}

}  // namespace
}  // namespace zn_test
