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

// Python's lzma.compress (numcodecs LZMA) of kat_input(256) with filter chains: the configuration
// beside each.
struct ChainVector {
  const char* config;
  Bytes encoded;
};
const std::vector<ChainVector> k_chains = {
    {R"({"format": 1, "filters": [{"id": 3, "dist": 4}, {"id": 33, "preset": 1}]})",
     {253, 55, 122, 88, 90, 0, 0, 4, 230, 214, 180, 70, 2, 1, 3, 1, 3, 33, 1, 16, 162, 42, 18, 21, 224, 0,
      255, 0, 72, 93, 0, 0, 0, 82, 105, 90, 176, 221, 23, 49, 193, 98, 79, 14, 103, 58, 149, 146, 25, 233,
      212, 115, 186, 236, 177, 245, 36, 7, 224, 148, 105, 228, 250, 15, 97, 19, 117, 203, 153, 241, 175, 161,
      210, 124, 156, 209, 245, 146, 174, 102, 72, 17, 185, 135, 165, 32, 6, 168, 13, 219, 119, 46, 74, 46,
      190, 110, 161, 5, 163, 246, 11, 248, 0, 0, 69, 106, 190, 179, 178, 88, 76, 210, 0, 1, 100, 128, 2, 0, 0,
      0, 136, 225, 223, 75, 177, 196, 103, 251, 2, 0, 0, 0, 0, 4, 89, 90}},
    {R"({"format": 3, "filters": [{"id": 33, "preset": 0, "dict_size": 65536}]})",
     {224, 0, 255, 0, 107, 93, 0, 0, 0, 82, 107, 198, 35, 107, 78, 216, 102, 131, 32, 200, 52, 71, 49, 4, 59,
      205, 202, 217, 22, 205, 231, 118, 182, 62, 90, 160, 113, 253, 8, 174, 116, 210, 127, 116, 64, 160, 80,
      115, 68, 99, 196, 72, 76, 225, 187, 52, 29, 161, 225, 167, 86, 192, 102, 219, 62, 159, 111, 122, 11,
      117, 36, 164, 70, 59, 248, 117, 151, 143, 209, 44, 147, 214, 172, 17, 54, 128, 30, 236, 222, 245, 145,
      34, 143, 110, 221, 201, 105, 141, 206, 214, 234, 231, 197, 55, 128, 162, 90, 111, 157, 153, 40, 119,
      229, 93, 0}},
    {R"({"format": 3, "filters": [{"id": 3, "dist": 2}, {"id": 4611686018427387905, "preset": 0, "lc": 0, "lp": 2, "pb": 1}]})",
     {0, 0, 0, 64, 81, 249, 124, 66, 138, 204, 29, 128, 248, 109, 249, 228, 26, 207, 72, 191, 138, 175, 219,
      237, 160, 236, 141, 79, 76, 17, 194, 222, 25, 137, 190, 107, 121, 214, 142, 158, 90, 250, 121, 104, 111,
      226, 235, 124, 157, 172, 225, 172, 117, 181, 51, 59, 18, 85, 85, 85, 152, 195, 194, 233, 41, 44, 132,
      255, 182, 134, 96, 0}},
    {R"({"format": 2, "filters": [{"id": 4611686018427387905, "preset": 1, "dict_size": 65536, "mf": 18}]})",
     {93, 0, 0, 1, 0, 255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 82, 107, 198, 35, 107, 78, 216, 102,
      131, 32, 200, 52, 71, 49, 4, 59, 205, 202, 217, 22, 205, 231, 118, 182, 62, 90, 160, 113, 253, 8, 174,
      116, 210, 127, 116, 64, 160, 80, 115, 68, 99, 196, 72, 76, 225, 187, 52, 29, 161, 225, 167, 86, 192,
      102, 219, 62, 159, 111, 122, 11, 117, 36, 164, 70, 59, 248, 117, 151, 143, 209, 44, 147, 214, 172, 17,
      54, 128, 30, 236, 222, 245, 145, 34, 143, 110, 221, 201, 105, 141, 206, 214, 234, 231, 197, 55, 128,
      162, 90, 111, 157, 153, 118, 177, 234, 233, 255, 218, 105, 224, 0}},
    {R"({"format": 1, "check": 0, "filters": [{"id": 4, "start_offset": 16}, {"id": 33, "preset": 0, "mode": 1, "nice_len": 32}]})",
     {253, 55, 122, 88, 90, 0, 0, 0, 255, 18, 217, 65, 3, 1, 4, 4, 16, 0, 0, 0, 33, 1, 12, 0, 98, 230, 128,
      80, 224, 0, 255, 0, 107, 93, 0, 0, 0, 82, 107, 198, 35, 107, 78, 216, 102, 131, 32, 200, 52, 71, 49, 4,
      59, 205, 202, 217, 22, 205, 231, 118, 182, 62, 90, 160, 113, 253, 8, 174, 116, 210, 127, 116, 64, 160,
      80, 115, 68, 99, 196, 72, 76, 225, 187, 52, 29, 161, 225, 167, 86, 192, 102, 219, 62, 159, 111, 122, 11,
      117, 36, 164, 70, 59, 248, 117, 151, 143, 209, 44, 147, 214, 172, 17, 54, 128, 30, 236, 222, 245, 145,
      34, 143, 110, 221, 201, 105, 141, 206, 214, 234, 231, 197, 55, 128, 162, 90, 111, 157, 153, 40, 119,
      229, 93, 0, 0, 0, 1, 131, 1, 128, 2, 0, 0, 78, 249, 204, 136, 168, 0, 10, 252, 2, 0, 0, 0, 0, 0, 89, 90}},
};

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

TEST(LzmaCodec, FilterChainsAsNumcodecs) {
  for (const ChainVector& v : k_chains) {
    SCOPED_TRACE(v.config);
    auto codec = make("lzma", json::parse(v.config));
    EXPECT_EQ(encode(*codec, kat_input(256)), v.encoded);
    expect_decodes_to(*codec, v.encoded, kat_input(256));
    round_trip_all_sizes(*codec);
    EXPECT_EQ(codec->to_json()["filters"], json::parse(v.config)["filters"]);
  }
  // .xz and .lzma streams name their filters: they decode without the chain
  // (numcodecs refuses to decode them with it).
  expect_decodes_to(*make("lzma"), k_chains[0].encoded, kat_input(256));
  expect_decodes_to(*make("lzma", {{"format", 0}}), k_chains[3].encoded, kat_input(256));
  // Raw streams do not: another chain fails or decodes to other bytes.
  auto other = make("lzma", json::parse(R"({"format": 3, "filters": [{"id": 33, "preset": 0}]})"));
  try {
    ByteBuffer got;
    other->decode(view(k_chains[2].encoded), got, std::nullopt, CodecOptions{});
    EXPECT_NE(to_bytes(got.view()), kat_input(256));
  } catch (const zarrnative::Error& e) {
    EXPECT_EQ(e.code(), zarrnative::ErrorCode::kCorruptChunk);
  }
}

TEST(LzmaCodec, RawStreamsRefuseTruncationAndDecodeConcatenated) {
  auto raw = make("lzma", json::parse(k_chains[1].config));
  // No check in a raw stream: a flipped bit is refused or decodes to other
  // bytes, never more than the chunk holds and never a crash.
  const Bytes data = smooth_field(3000);
  for (const ChainVector& v : k_chains) {
    if (json::parse(v.config)["format"] != 3) continue;
    auto codec = make("lzma", json::parse(v.config));
    flip_bits(*codec, encode(*codec, data), data, 3, /*checksummed=*/false);
  }
  expect_truncations_refused(*raw, k_chains[1].encoded, 256);
  Bytes two = k_chains[1].encoded;
  two.insert(two.end(), k_chains[1].encoded.begin(), k_chains[1].encoded.end());
  Bytes expected = kat_input(256);
  expected.insert(expected.end(), expected.begin(), expected.end());
  expect_decodes_to(*raw, two, expected);
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
  for (const char* bad : {R"({"format": 3})", R"({"check": 2})", R"({"preset": 10})", R"({"format": 4})",
                          R"({"format": 2, "check": 4})", R"({"level": 1})", R"({"preset": -1})",
                          R"({"filters": []})", R"({"filters": {"id": 33}})", R"({"filters": [33]})",
                          R"({"filters": [{"dist": 1}]})", R"({"filters": [{"id": 99}]})",
                          R"({"filters": [{"id": 33, "preset": 10}]})", R"({"filters": [{"id": 33, "dist": 1}]})",
                          R"({"filters": [{"id": 3, "dist": -1}]})", R"({"filters": [{"id": 3, "dist": 1.5}]})",
                          R"({"preset": 1, "filters": [{"id": 33}]})", R"({"format": 2, "filters": [{"id": 33}]})",
                          R"({"format": 3, "check": 4, "filters": [{"id": 33}]})",
                          R"({"filters": [{"id": 3}, {"id": 3}, {"id": 3}, {"id": 3}, {"id": 33}]})",
                          R"({"format": 3, "filters": [{"id": 33, "dict_size": 1610612736}]})"}) {
    SCOPED_TRACE(bad);
    expect_config_error("lzma", json::parse(bad));
  }
  EXPECT_ANY_THROW(encode(*make("lzma", {{"format", 0}}), kat_input(16)));  // detection decodes only
  // Options liblzma refuses show when the encoder starts: a configuration error.
  for (const char* bad : {R"({"filters": [{"id": 3, "dist": 0}, {"id": 33}]})",
                          R"({"filters": [{"id": 33, "lc": 4, "lp": 4}]})", R"({"filters": [{"id": 3}]})"}) {
    SCOPED_TRACE(bad);
    try {
      encode(*make("lzma", json::parse(bad)), kat_input(16));
      ADD_FAILURE() << "encoded";
    } catch (const zarrnative::Error& e) {
      EXPECT_EQ(e.code(), zarrnative::ErrorCode::kCodecConfig);
    }
  }
}

}  // namespace
}  // namespace zn_test
