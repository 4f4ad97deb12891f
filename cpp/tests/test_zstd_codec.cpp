// The zstd codec: round trips, numcodecs 0.16 known answers, frames
// without a content size, and refusal of bad frames and configurations.
#include "codec_test_util.h"

namespace zn_test {
namespace {

// Made by numcodecs 0.16.6 (bundled zstd 1.5.6) from kat_input(256):
// numcodecs.Zstd(level=1).encode(data)
const Bytes k_zstd1 = {
    40, 181, 47, 253, 96, 0, 0, 5, 4, 0, 162, 6, 21, 158, 17, 17, 17, 17, 17, 17, 17, 17, 17, 17, 17, 17, 17,
    17, 17, 16, 191, 251, 223, 253, 239, 252, 251, 254, 121, 231, 62, 235, 173, 241, 198, 121, 235, 140, 111,
    181, 215, 210, 75, 43, 181, 85, 206, 8, 167, 140, 19, 70, 40, 155, 123, 142, 61, 214, 158, 107, 108, 37,
    181, 20, 90, 40, 33, 149, 204, 41, 228, 152, 114, 72, 33, 38, 136, 33, 192, 0, 97, 4, 32, 2, 16, 1, 4, 30,
    4, 2, 96, 128, 1, 6, 24, 96, 128, 1, 6, 24, 96, 128, 1, 6, 24, 96, 128, 1, 6, 24, 96, 128, 1, 6, 24, 96,
    128, 1, 6, 24, 96, 128, 1, 6, 24, 96, 232, 188};
// numcodecs.Zstd(level=3, checksum=True).encode(data)
const Bytes k_zstd3c = {
    40, 181, 47, 253, 100, 0, 0, 101, 3, 0, 82, 70, 20, 158, 17, 17, 17, 17, 17, 17, 17, 17, 17, 17, 17, 17, 17,
    17, 17, 16, 191, 251, 223, 253, 239, 252, 251, 254, 121, 231, 62, 235, 173, 241, 198, 121, 235, 140, 111,
    181, 215, 210, 75, 43, 181, 85, 206, 8, 167, 140, 19, 70, 40, 155, 123, 142, 61, 214, 158, 107, 108, 37,
    181, 20, 90, 40, 33, 149, 204, 41, 228, 152, 114, 72, 33, 38, 136, 33, 192, 0, 97, 136, 0, 2, 31, 68, 3, 2,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 128, 46, 115, 123, 115, 209};
// numcodecs.Zstd(level=1).encode(b"")
const Bytes k_zstd_empty = {
    40, 181, 47, 253, 32, 0, 1, 0, 0};
// `zstd -1 -c` reading a pipe: a frame without a content size, as
// tensorstore writes.
const Bytes k_zstd_nosize = {
    40, 181, 47, 253, 4, 72, 253, 5, 0, 6, 208, 46, 158, 17, 17, 17, 17, 17, 17, 17, 17, 17, 17, 17, 17, 17, 17,
    17, 16, 41, 0, 41, 0, 41, 0, 167, 152, 83, 204, 41, 199, 144, 99, 200, 49, 135, 148, 67, 202, 33, 196, 20,
    98, 10, 49, 98, 4, 49, 130, 24, 96, 8, 48, 4, 24, 97, 128, 48, 64, 24, 1, 136, 0, 68, 0, 1, 238, 53, 247,
    154, 123, 236, 57, 246, 28, 123, 237, 177, 246, 88, 123, 141, 185, 198, 92, 99, 73, 173, 164, 86, 82, 10,
    45, 133, 150, 66, 40, 45, 148, 22, 74, 42, 33, 149, 144, 74, 1, 213, 222, 106, 111, 181, 150, 94, 75, 175,
    165, 180, 94, 90, 47, 173, 182, 82, 91, 169, 173, 51, 202, 25, 229, 140, 83, 194, 41, 225, 148, 19, 198, 9,
    227, 132, 80, 70, 40, 35, 148, 1, 191, 251, 223, 253, 239, 223, 243, 239, 249, 247, 159, 247, 207, 251, 231,
    220, 119, 238, 59, 247, 122, 103, 189, 179, 222, 120, 107, 188, 53, 222, 121, 227, 188, 113, 222, 25, 235,
    140, 117, 198, 1, 0, 115, 123, 115, 209};

TEST(ZstdCodec, RoundTripsAtEverySize) {
  round_trip_all_sizes(*make("zstd"));
  round_trip_all_sizes(*make("zstd", {{"level", 1}, {"checksum", true}}));
  round_trip_all_sizes(*make("zstd", {{"level", -5}}));
}

TEST(ZstdCodec, CompressesSmoothData) {
  const Bytes data = smooth_field(1 << 20);
  EXPECT_LT(encode(*make("zstd", {{"level", 1}}), data).size(), data.size() * 3 / 4);
}

TEST(ZstdCodec, DecodesNumcodecsVectors) {
  auto codec = make("zstd");
  expect_decodes_to(*codec, k_zstd1, kat_input(256));
  expect_decodes_to(*codec, k_zstd3c, kat_input(256));
  expect_decodes_to(*codec, k_zstd_empty, {});
}

TEST(ZstdCodec, EncodesLikeNumcodecs) {
  // Same format and parameters; zstd 1.5.4 (system) and 1.5.6 (numcodecs)
  // give the same bytes for these inputs.
  EXPECT_EQ(encode(*make("zstd", {{"level", 1}}), kat_input(256)), k_zstd1);
  EXPECT_EQ(encode(*make("zstd", {{"level", 3}, {"checksum", true}}), kat_input(256)), k_zstd3c);
  EXPECT_EQ(encode(*make("zstd", {{"level", 1}}), {}), k_zstd_empty);
}

TEST(ZstdCodec, DecodesFramesWithoutContentSize) {
  ASSERT_EQ(k_zstd_nosize[4] & 0xC0, 0);  // frame header: no content size field
  expect_decodes_to(*make("zstd"), k_zstd_nosize, kat_input(256));
}

TEST(ZstdCodec, DecodesConcatenatedFrames) {
  Bytes two = k_zstd1;
  two.insert(two.end(), k_zstd_nosize.begin(), k_zstd_nosize.end());
  Bytes expected = kat_input(256);
  expected.insert(expected.end(), expected.begin(), expected.end());
  expect_decodes_to(*make("zstd"), two, expected);
}

TEST(ZstdCodec, ToJsonIsTheV3Form) {
  EXPECT_EQ(make("zstd", {{"level", 7}, {"checksum", true}})->to_json(),
            json::parse(R"({"name": "zstd", "configuration": {"level": 7, "checksum": true}})"));
  EXPECT_EQ(make("zstd")->to_json(), json::parse(R"({"name": "zstd", "configuration": {"level": 0, "checksum": false}})"));
  EXPECT_EQ(make("zstd", {{"id", "zstd"}, {"level", 2}, {"checksum", false}})->to_json()["configuration"]["level"], 2);
}

TEST(ZstdCodec, IsThreadSafe) { round_trip_concurrently(*make("zstd", {{"level", 3}})); }

// A frame header claiming 2^40 bytes (1 TiB), followed by nothing useful.
Bytes terabyte_frame() {
  Bytes f = {0x28, 0xB5, 0x2F, 0xFD, 0xE0};  // magic; single segment, 8-byte content size
  const uint64_t size = uint64_t{1} << 40;
  for (int i = 0; i < 8; ++i) f.push_back(static_cast<uint8_t>(size >> (8 * i)));
  f.insert(f.end(), {0x01, 0x00, 0x00});  // a last raw block of 0 bytes
  return f;
}

TEST(ZstdCodec, RefusesAFrameClaimingATerabyte) {
  auto codec = make("zstd");
  expect_corrupt(*codec, terabyte_frame(), 4096, "1099511627776");
  expect_corrupt(*codec, terabyte_frame(), std::nullopt, "more than the limit");
}

TEST(ZstdCodec, RefusesAnImplausibleClaimWithoutAllocatingIt) {
  // 1 GiB claimed (within the default limit) by 16 bytes: decoded by
  // streaming into a small buffer, where the lie shows.
  Bytes f = terabyte_frame();
  f[5 + 5] = 0;  // content size 2^40 -> 2^30
  f[5 + 3] = 0x40;
  expect_corrupt(*make("zstd"), f, std::nullopt);
  expect_corrupt(*make("zstd"), f, uint64_t{1} << 30);
}

TEST(ZstdCodec, RefusesAFrameLargerThanExpected) {
  auto codec = make("zstd");
  expect_corrupt(*codec, k_zstd1, 100, "claims 256");
  expect_corrupt(*codec, k_zstd_nosize, 100, "more than the expected 100");
  CodecOptions small;
  small.max_decoded_bytes = 100;
  expect_corrupt(*codec, k_zstd1, std::nullopt, "more than the limit of 100", small);
  expect_corrupt(*codec, k_zstd_nosize, std::nullopt, "more than the limit of 100", small);
}

TEST(ZstdCodec, RefusesTruncatedInput) {
  auto codec = make("zstd");
  expect_truncations_refused(*codec, k_zstd1, 256);
  expect_truncations_refused(*codec, k_zstd_nosize, 256);
}

TEST(ZstdCodec, RefusesBitFlips) {
  auto codec = make("zstd", {{"checksum", true}});
  const Bytes data = smooth_field(5000);
  const Bytes enc = encode(*codec, data);
  EXPECT_GT(flip_bits(*codec, enc, data, 7, /*checksummed=*/true), 0);
}

TEST(ZstdCodec, RefusesGarbageAndTrailingData) {
  auto codec = make("zstd");
  expect_corrupt(*codec, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 10, "not a zstd frame");
  expect_corrupt(*codec, {}, 0, "empty");
  Bytes trailing = k_zstd1;
  trailing.insert(trailing.end(), {1, 2, 3});
  expect_corrupt(*codec, trailing, 256);
  expect_corrupt(*codec, trailing, std::nullopt);
}

TEST(ZstdCodec, RefusesBadConfigurations) {
  expect_config_error("zstd", {{"level", 99}}, "'level' 99 is outside [");
  expect_config_error("zstd", {{"level", "fast"}}, "must be an integer");
  expect_config_error("zstd", {{"level", 1.5}}, "must be an integer");
  expect_config_error("zstd", {{"checksum", 1}}, "must be true or false");
  expect_config_error("zstd", {{"levle", 3}}, "unknown configuration field 'levle'");
  expect_config_error("zstd", json::array({1}), "must be a JSON object");
}

// decode_prefix: the first bytes of a frame, streamed and stopped; refused
// (false) where the frame has a checksum (it needs everything), and an error
// when the frame holds fewer bytes than asked for.
TEST(ZstdCodec, DecodesAPrefix) {
  const Bytes data = smooth_field(300000);
  for (int level : {1, 3}) {
    const Bytes enc = encode(*make("zstd", {{"level", level}}), data);
    for (size_t n : {size_t{1}, size_t{1000}, size_t{131072}, size_t{131073}, size_t{299999}}) {
      Bytes out(n + 8, 0xEE);
      ASSERT_TRUE(make("zstd")->decode_prefix(view(enc), zarrnative::MutableByteView(out.data(), n), {})) << n;
      EXPECT_TRUE(std::equal(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n), data.begin())) << n;
      EXPECT_EQ(out[n], 0xEE);  // nothing past the prefix
    }
  }
  Bytes out(1000);
  const Bytes checked = encode(*make("zstd", {{"level", 1}, {"checksum", true}}), data);
  EXPECT_FALSE(make("zstd")->decode_prefix(view(checked), zarrnative::MutableByteView(out), {}));
  EXPECT_FALSE(make("zstd")->decode_prefix(view(Bytes{1, 2, 3}), zarrnative::MutableByteView(out), {}));  // no frame
  // a frame of 256 bytes asked for 1000: refused (the whole decode reports it)
  EXPECT_FALSE(make("zstd")->decode_prefix(view(k_zstd1), zarrnative::MutableByteView(out), {}));
  EXPECT_FALSE(make("zstd")->decode_prefix(view(k_zstd_nosize), zarrnative::MutableByteView(out), {}));  // checksum
  // truncated input
  const Bytes enc = encode(*make("zstd"), data);
  const Bytes cut(enc.begin(), enc.begin() + static_cast<std::ptrdiff_t>(enc.size() / 2));
  Bytes big(290000);
  expect_error([&] { make("zstd")->decode_prefix(view(cut), zarrnative::MutableByteView(big), {}); }, ErrorCode::kCorruptChunk,
               "zstd", "truncated");
}

}  // namespace
}  // namespace zn_test
