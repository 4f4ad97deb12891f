// The gzip codec: round trips, numcodecs 0.16 known answers (decoded; our
// encoder's DEFLATE body is libdeflate's, checked with zlib's inflate),
// several members, and refusal of trailing data, truncation and bad checksums.
#include <zlib.h>

#include <utility>

#include "codec_test_util.h"

namespace zn_test {
namespace {

// Made by numcodecs 0.16.6 (Python's gzip module, zlib 1.2.13) from
// kat_input(256), with the header's mtime (bytes 4..7) set to 0 since
// numcodecs writes the time of day there:
// numcodecs.GZip(level=5).encode(data)
const Bytes k_gzip5 = {
    31, 139, 8, 0, 0, 0, 0, 0, 0, 255, 29, 194, 139, 18, 68, 32, 0, 64, 209, 18, 82, 136, 244, 160, 144, 255,
    255, 203, 157, 189, 103, 142, 144, 157, 248, 87, 82, 80, 137, 142, 170, 147, 28, 251, 129, 189, 30, 56, 234,
    158, 131, 30, 105, 236, 68, 51, 205, 156, 236, 76, 107, 102, 46, 171, 227, 182, 46, 220, 22, 199, 205, 173,
    60, 118, 207, 61, 120, 30, 97, 167, 15, 7, 83, 142, 76, 241, 100, 204, 39, 115, 58, 121, 149, 202, 187, 92,
    188, 175, 202, 187, 22, 182, 231, 229, 243, 189, 108, 223, 195, 247, 107, 252, 1, 99, 61, 83, 101, 0, 1, 0,
    0};
// numcodecs.GZip(level=1).encode(data)
const Bytes k_gzip1 = {
    31, 139, 8, 0, 0, 0, 0, 0, 4, 255, 29, 194, 139, 18, 68, 32, 0, 64, 209, 18, 82, 136, 244, 160, 144, 255,
    255, 203, 157, 189, 103, 142, 144, 157, 248, 87, 82, 80, 137, 142, 170, 147, 28, 251, 129, 189, 30, 56, 234,
    158, 131, 30, 105, 236, 68, 51, 205, 156, 236, 76, 107, 102, 46, 171, 227, 182, 46, 220, 22, 199, 205, 173,
    60, 118, 207, 61, 120, 30, 97, 167, 15, 7, 83, 142, 76, 241, 100, 204, 39, 115, 58, 121, 149, 202, 187, 92,
    188, 175, 202, 187, 22, 182, 231, 229, 243, 189, 108, 223, 195, 247, 107, 252, 1, 99, 61, 83, 101, 0, 1, 0,
    0};
// numcodecs.GZip(level=9).encode(b"")
const Bytes k_gzip9_empty = {
    31, 139, 8, 0, 0, 0, 0, 0, 2, 255, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0};

TEST(GzipCodec, RoundTripsAtEverySize) {
  round_trip_all_sizes(*make("gzip"));
  round_trip_all_sizes(*make("gzip", {{"level", 0}}));
  round_trip_all_sizes(*make("gzip", {{"level", 9}}));
}

TEST(GzipCodec, DecodesNumcodecsVectors) {
  auto codec = make("gzip");
  expect_decodes_to(*codec, k_gzip5, kat_input(256));
  expect_decodes_to(*codec, k_gzip1, kat_input(256));
  expect_decodes_to(*codec, k_gzip9_empty, {});
}

// What zlib's own inflate makes of a gzip member's raw DEFLATE body.
Bytes zlib_inflate_body(const Bytes& member, size_t decoded_size) {
  Bytes out(decoded_size + 1);
  z_stream s{};
  EXPECT_EQ(inflateInit2(&s, -15), Z_OK);
  s.next_in = const_cast<uint8_t*>(member.data() + 10);
  s.avail_in = static_cast<uInt>(member.size() - 18);
  s.next_out = out.data();
  s.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&s, Z_FINISH), Z_STREAM_END);
  EXPECT_EQ(s.avail_in, 0u);
  out.resize(s.total_out);
  inflateEnd(&s);
  return out;
}

TEST(GzipCodec, EncodesTheMemberNumcodecsWritesButForTheTime) {
  // The header (mtime 0), the CRC32 and the size are numcodecs' own; the
  // DEFLATE body comes from libdeflate, which zlib inflates to the input.
  for (const auto& [level, vector] : {std::pair{5, k_gzip5}, std::pair{1, k_gzip1}}) {
    const Bytes ours = encode(*make("gzip", {{"level", level}}), kat_input(256));
    EXPECT_EQ(Bytes(ours.begin(), ours.begin() + 10), Bytes(vector.begin(), vector.begin() + 10)) << level;
    EXPECT_EQ(Bytes(ours.end() - 8, ours.end()), Bytes(vector.end() - 8, vector.end())) << level;
    EXPECT_EQ(zlib_inflate_body(ours, 256), kat_input(256)) << level;
  }
  const Bytes empty = encode(*make("gzip", {{"level", 9}}), {});
  EXPECT_EQ(Bytes(empty.begin(), empty.begin() + 10), Bytes(k_gzip9_empty.begin(), k_gzip9_empty.begin() + 10));
  EXPECT_EQ(zlib_inflate_body(empty, 0), Bytes{});
}

TEST(GzipCodec, CompressesAboutAsWellAsZlibAtTheSameLevel) {
  // Two regular inputs of 1 MiB: a uint16 gradient with 6 bits of noise, and
  // an int32 ramp (which libdeflate's own level 1 compresses to 0.56 of its
  // size where zlib reaches 0.35). The member is at most 5% larger than
  // zlib's stream at the same level.
  Bytes gradient(1 << 20), ramp(1 << 20);
  uint32_t x = 12345;
  for (size_t i = 0; i < gradient.size() / 2; ++i) {
    x = x * 1103515245u + 12345u;
    const auto v = static_cast<uint16_t>((i % 512) * 3 + (i / 512) * 5 + ((x >> 20) & 63));
    gradient[2 * i] = static_cast<uint8_t>(v);
    gradient[2 * i + 1] = static_cast<uint8_t>(v >> 8);
  }
  for (size_t i = 0; i < ramp.size() / 4; ++i) {
    for (int b = 0; b < 4; ++b) ramp[4 * i + b] = static_cast<uint8_t>(i >> (8 * b));
  }
  for (const Bytes* data : {&gradient, &ramp}) {
    for (int level : {1, 5, 9}) {
      const Bytes ours = encode(*make("gzip", {{"level", level}}), *data);
      uLongf n = compressBound(static_cast<uLong>(data->size()));
      Bytes z(n);
      ASSERT_EQ(compress2(z.data(), &n, data->data(), static_cast<uLong>(data->size()), level), Z_OK);
      EXPECT_LE(ours.size(), n * 105 / 100 + 18) << "level " << level << ": " << ours.size() << " vs zlib " << n;
      EXPECT_EQ(zlib_inflate_body(ours, data->size()), *data) << level;
    }
  }
}

TEST(GzipCodec, DecodesSeveralMembersAndZeroPadding) {
  Bytes two = k_gzip5;
  two.insert(two.end(), k_gzip1.begin(), k_gzip1.end());
  two.insert(two.end(), 5, 0);
  Bytes expected = kat_input(256);
  expected.insert(expected.end(), expected.begin(), expected.end());
  expect_decodes_to(*make("gzip"), two, expected);
}

TEST(GzipCodec, UnknownSizeGrowsPastAWrongSizeTrailer) {
  // Zero padding hides the size trailer: decoding must still find the size.
  const Bytes data = smooth_field(300000);
  Bytes enc = encode(*make("gzip"), data);
  enc.insert(enc.end(), 4, 0);
  expect_decodes_to(*make("gzip"), enc, data);
}

TEST(GzipCodec, ToJsonIsTheV3Form) {
  EXPECT_EQ(make("gzip", {{"level", 3}})->to_json(), json::parse(R"({"name": "gzip", "configuration": {"level": 3}})"));
  EXPECT_EQ(make("gzip")->to_json()["configuration"]["level"], 5);
  EXPECT_EQ(make("gzip", {{"id", "gzip"}, {"level", 1}})->to_json()["configuration"]["level"], 1);
}

TEST(GzipCodec, IsThreadSafe) { round_trip_concurrently(*make("gzip", {{"level", 1}})); }

TEST(GzipCodec, RefusesTrailingGarbage) {
  auto codec = make("gzip");
  Bytes bad = k_gzip5;
  bad.insert(bad.end(), {'j', 'u', 'n', 'k'});
  expect_corrupt(*codec, bad, 256, "gzip: 4 bytes of trailing data after the stream");
  expect_corrupt(*codec, bad, std::nullopt, "4 bytes of trailing data");
}

TEST(GzipCodec, RefusesTruncatedInput) { expect_truncations_refused(*make("gzip"), k_gzip5, 256); }

TEST(GzipCodec, RefusesABadChecksumOrSize) {
  auto codec = make("gzip");
  Bytes bad_crc = k_gzip5;
  bad_crc[bad_crc.size() - 8] ^= 1;
  expect_corrupt(*codec, bad_crc, 256, "invalid or truncated");
  Bytes bad_size = k_gzip5;
  bad_size[bad_size.size() - 4] ^= 1;
  expect_corrupt(*codec, bad_size, 256);
  expect_corrupt(*codec, bad_size, std::nullopt);
}

TEST(GzipCodec, RefusesBitFlips) {
  auto codec = make("gzip");
  const Bytes data = smooth_field(3000);
  const Bytes enc = encode(*codec, data);
  // CRC32 and the size trailer catch flips in the data; the few flips that
  // decode hit bits gzip ignores (mtime, OS, padding after the last block).
  const int tries = static_cast<int>(2 * ((enc.size() * 8 + 2) / 3));
  EXPECT_GT(flip_bits(*codec, enc, data, 3, /*checksummed=*/true), tries * 99 / 100);
}

TEST(GzipCodec, RefusesMoreThanExpectedOrTheLimit) {
  auto codec = make("gzip");
  expect_corrupt(*codec, k_gzip5, 100, "more than the expected 100");
  CodecOptions small;
  small.max_decoded_bytes = 100;
  expect_corrupt(*codec, k_gzip5, std::nullopt, "more than the limit of 100", small);
  Bytes padded = k_gzip5;  // size trailer hidden: caught while decoding
  padded.push_back(0);
  expect_corrupt(*codec, padded, std::nullopt, "more than the limit of 100", small);
}

TEST(GzipCodec, RefusesASizeTrailerDeflateCannotReach) {
  // 3.75 GiB claimed by 121 bytes (DEFLATE expands at most 1032:1): not
  // allocated; decoding finds the sizes disagree.
  Bytes bad = k_gzip5;
  bad[bad.size() - 1] = 0xF0;
  expect_corrupt(*make("gzip"), bad, std::nullopt, "invalid or truncated");
  expect_corrupt(*make("gzip"), bad, 256, "invalid or truncated");
}

TEST(GzipCodec, RefusesBadConfigurations) {
  expect_config_error("gzip", {{"level", 10}}, "'level' 10 is outside [0, 9]");
  expect_config_error("gzip", {{"level", -1}}, "is outside");
  expect_config_error("gzip", {{"compresslevel", 5}}, "unknown configuration field 'compresslevel'");
}

}  // namespace
}  // namespace zn_test
