// The 32-bit checksum codecs (crc32c, and numcodecs' crc32, adler32,
// fletcher32 and jenkins_lookup3): known answers from numcodecs, round trips,
// zero-copy decoding, both locations, and refusal of wrong checksums.
#include "codec_test_util.h"

#include <random>

#include "codec/bytes_to_bytes/checksum32_codec.h"

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
  expect_config_error("crc32c", {{"level", 1}}, "unknown configuration field 'level'");
  expect_config_error("crc32c", {{"location", "middle"}}, "'location' must be \"start\" or \"end\"");
  expect_config_error("crc32c", "end", "must be a JSON object");
  EXPECT_NO_THROW(make("crc32c", nullptr));
}

TEST(Crc32cCodec, NumcodecsLocationStartPutsTheChecksumFirst) {
  // numcodecs.CRC32C(location="start"): the same checksum, before the data.
  const Bytes data = kat_input(256);
  Bytes expected(k_crc32c.end() - 4, k_crc32c.end());
  expected.insert(expected.end(), data.begin(), data.end());
  auto codec = make("crc32c", {{"location", "start"}});
  EXPECT_EQ(encode(*codec, data), expected);
  expect_decodes_to(*codec, expected, data);
  EXPECT_EQ(codec->to_json(), json::parse(R"({"id": "crc32c", "location": "start"})"));
  EXPECT_EQ(make("crc32c", {{"location", "end"}})->to_json(), json::parse(R"({"name": "crc32c"})"));
  EXPECT_EQ(make("numcodecs.crc32c")->name(), "crc32c");
}

// --- numcodecs' other checksums ---------------------------------------------

// numcodecs 0.16: the checksum each codec stores for kat_input(n), at these n
// (the empty input is HDF5's answer for fletcher32: numcodecs' own
// Fletcher32 raises IndexError on an empty buffer).
const std::vector<size_t> k_sizes = {0, 1, 2, 3, 7, 12, 13, 24, 25, 256, 1000, 100001};
const std::vector<uint32_t> k_crc32 = {0x00000000, 0xD202EF8D, 0x36DE2269, 0x0854897F, 0x1F04570E, 0x528565F6,
                                       0xF1890D57, 0x66C9A4EE, 0x0CDFB8EC, 0x65533D63, 0x9B82C9C7, 0xD005CB3C};
const std::vector<uint32_t> k_adler32 = {0x00000001, 0x00010001, 0x00030002, 0x00070004, 0x001E0007, 0x0058000F,
                                         0x00680010, 0x017E0021, 0x01A20024, 0x26F20F84, 0xC4B1F23A, 0x48B70727};
const std::vector<uint32_t> k_fletcher32 = {0x00000000, 0x00000000, 0x00010001, 0x02020201,
                                            0x08080303, 0x14160608, 0x1B1E0708, 0x6258120E,
                                            0x7766150E, 0x331AC9C8, 0xEFFF9992, 0xA69CADD8};
const std::vector<uint32_t> k_lookup3 = {0xDEADBEEF, 0x8BA9414B, 0xDF0D39C9, 0x6B12F277, 0xB0780039, 0xA5CA44B2,
                                         0x345E1C8C, 0xFE85E5EE, 0xA4EFF208, 0xA85B6BE2, 0xB891F16A, 0xB1D527B7};
const std::vector<uint32_t> k_lookup3_12345 = {0xDEADEF28, 0x9210660C, 0xFD916E0B, 0x77E22004,
                                               0x52D5998B, 0xC4CB16EC, 0x0C580321, 0xD8CF16E1,
                                               0x4A013DD7, 0x1919B7AA, 0xEF107EE9, 0x862C858C};

uint32_t stored_checksum(const Bytes& enc, bool at_start) {
  const uint8_t* p = at_start ? enc.data() : enc.data() + enc.size() - 4;
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

struct Known {
  const char* name;
  json config;
  const std::vector<uint32_t>* sums;
  bool at_start;
};

TEST(Checksum32Codecs, MatchNumcodecsAtEveryBoundary) {
  const std::vector<Known> cases = {
      {"crc32", json::object(), &k_crc32, true},
      {"adler32", json::object(), &k_adler32, true},
      {"fletcher32", json::object(), &k_fletcher32, false},
      {"jenkins_lookup3", json::object(), &k_lookup3, false},
      {"jenkins_lookup3", {{"initval", 12345}, {"prefix", nullptr}}, &k_lookup3_12345, false},
  };
  for (const Known& k : cases) {
    auto codec = make(k.name, k.config);
    for (size_t i = 0; i < k_sizes.size(); ++i) {
      SCOPED_TRACE(std::string(k.name) + " " + k.config.dump() + " at " + std::to_string(k_sizes[i]) + " bytes");
      const Bytes data = kat_input(k_sizes[i]);
      const Bytes enc = encode(*codec, data);
      ASSERT_EQ(enc.size(), data.size() + 4);
      EXPECT_EQ(stored_checksum(enc, k.at_start), (*k.sums)[i]);
      EXPECT_EQ(Bytes(enc.begin() + (k.at_start ? 4 : 0), enc.end() - (k.at_start ? 0 : 4)), data);
      expect_decodes_to(*codec, enc, data);
    }
  }
}

TEST(Checksum32Codecs, KnownAnswersOfTheFunctions) {
  using namespace zarrnative::codec;
  const Bytes digits = {'1', '2', '3', '4', '5', '6', '7', '8', '9'};
  EXPECT_EQ(crc32(view(digits)), 0xCBF43926u);
  const Bytes wiki = {'W', 'i', 'k', 'i', 'p', 'e', 'd', 'i', 'a'};
  EXPECT_EQ(adler32(view(wiki)), 0x11E60398u);
  // Fletcher-32 of big-endian words "ab" "cd" "e" (HDF5 order).
  EXPECT_EQ(fletcher32(view(Bytes{'a', 'b', 'c', 'd', 'e'})), ((0x6162u + 0x6364 + 0x6500) % 0xFFFF) |
                                                                   ((0x6162u * 3 + 0x6364 * 2 + 0x6500) % 0xFFFF) << 16);
  EXPECT_EQ(jenkins_lookup3({}, 0), 0xDEADBEEFu);
}

// HDF5's Fletcher-32 as written: sums folded every 360 words.
uint32_t fletcher32_reference(const Bytes& data) {
  uint32_t sum1 = 0, sum2 = 0;
  auto fold = [](uint32_t s) { return (s & 0xFFFFu) + (s >> 16); };
  size_t i = 0, words = data.size() / 2;
  while (words > 0) {
    size_t n = std::min<size_t>(words, 360);
    words -= n;
    for (; n > 0; --n, i += 2) {
      sum1 += uint32_t{data[i]} << 8 | data[i + 1];
      sum2 += sum1;
    }
    sum1 = fold(sum1);
    sum2 = fold(sum2);
  }
  if (data.size() % 2 != 0) {
    sum1 += uint32_t{data[i]} << 8;
    sum2 += sum1;
    sum1 = fold(sum1);
    sum2 = fold(sum2);
  }
  return fold(sum2) << 16 | fold(sum1);
}

TEST(Checksum32Codecs, Fletcher32MatchesHdf5sFoldingEverywhere) {
  // Random bytes, all-0xFF words (every residue 0, so 0xFFFF) and zeros, at
  // sizes around the 360-word folds and the 4096-word blocks.
  std::mt19937 rng(3);
  for (size_t n : {0u, 1u, 2u, 3u, 719u, 720u, 721u, 8191u, 8192u, 8193u, 16385u, 300001u}) {
    for (int kind = 0; kind < 3; ++kind) {
      Bytes data(n, kind == 1 ? 0xFF : 0);
      if (kind == 0) for (auto& b : data) b = static_cast<uint8_t>(rng());
      if (kind == 2 && n > 0) data[n / 2] = 1;
      SCOPED_TRACE(std::to_string(n) + " bytes, kind " + std::to_string(kind));
      EXPECT_EQ(zarrnative::codec::fletcher32(view(data)), fletcher32_reference(data));
    }
  }
  // numcodecs 0.16's Fletcher32 of all-0xFF bytes.
  EXPECT_EQ(zarrnative::codec::fletcher32(view(Bytes(2, 0xFF))), 0xFFFFFFFFu);
  EXPECT_EQ(zarrnative::codec::fletcher32(view(Bytes(3, 0xFF))), 0xFF00FF00u);
  EXPECT_EQ(zarrnative::codec::fletcher32(view(Bytes(200001, 0xFF))), 0xFF00FF00u);
  EXPECT_EQ(zarrnative::codec::fletcher32(view(Bytes(131070, 0xFF))), 0xFFFFFFFFu);
  EXPECT_EQ(zarrnative::codec::fletcher32(view(Bytes(1000, 0))), 0u);
}

TEST(Checksum32Codecs, LocationsAndJson) {
  // numcodecs.CRC32(location="end") and numcodecs.Adler32() of kat_input(6).
  EXPECT_EQ(encode(*make("crc32", {{"location", "end"}}), kat_input(6)),
            (Bytes{0, 1, 2, 0, 1, 2, 245, 16, 190, 209}));
  EXPECT_EQ(encode(*make("adler32"), kat_input(6)), (Bytes{7, 0, 23, 0, 0, 1, 2, 0, 1, 2}));
  EXPECT_EQ(make("crc32")->to_json(), json::parse(R"({"id": "crc32", "location": "start"})"));
  EXPECT_EQ(make("adler32", {{"id", "adler32"}, {"location", "end"}})->to_json(),
            json::parse(R"({"id": "adler32", "location": "end"})"));
  EXPECT_EQ(make("fletcher32")->to_json(), json::parse(R"({"id": "fletcher32"})"));
  EXPECT_EQ(make("jenkins_lookup3", {{"initval", 7}})->to_json(),
            json::parse(R"({"id": "jenkins_lookup3", "initval": 7, "prefix": null})"));
  for (const char* name : {"crc32", "adler32", "fletcher32", "jenkins_lookup3"}) {
    EXPECT_EQ(make("numcodecs." + std::string(name))->name(), name);
  }
}

TEST(Checksum32Codecs, RoundTripAndCatchEveryBitFlip) {
  struct Case {
    const char* name;
    bool at_start;
  };
  for (const Case c : {Case{"crc32", true}, Case{"crc32", false}, Case{"adler32", true}, Case{"adler32", false},
                       Case{"crc32c", true}, Case{"fletcher32", false}, Case{"jenkins_lookup3", false}}) {
    SCOPED_TRACE(std::string(c.name) + (c.at_start ? " at the start" : " at the end"));
    const bool located = std::string(c.name).rfind("crc32", 0) == 0 || c.name[0] == 'a';
    auto codec = make(c.name, located ? json{{"location", c.at_start ? "start" : "end"}} : json::object());
    round_trip_all_sizes(*codec);
    const Bytes data = smooth_field(300);
    const Bytes enc = encode(*codec, data);
    // Every single-bit flip is caught (Adler-32 and Fletcher-32 too: a lone
    // flipped bit changes the first sum).
    EXPECT_EQ(flip_bits(*codec, enc, data, 1, true), static_cast<int>(2 * enc.size() * 8));
    expect_corrupt(*codec, {1, 2, 3}, std::nullopt, "shorter than the 4-byte checksum");
    expect_truncations_refused(*codec, enc, 300);
    Bytes bad = enc;
    bad[bad.size() / 2] ^= 0x40;
    expect_corrupt(*codec, bad, 300, "checksum mismatch");
    CodecOptions lax;
    lax.validate_checksums = false;
    expect_decodes_to(*codec, bad, Bytes(bad.begin() + (c.at_start ? 4 : 0), bad.end() - (c.at_start ? 0 : 4)), lax);
  }
}

TEST(Checksum32Codecs, RefuseBadConfigurations) {
  expect_config_error("crc32", {{"location", 1}}, "'location' must be a string");
  expect_config_error("adler32", {{"location", "both"}}, "'location' must be \"start\" or \"end\"");
  expect_config_error("fletcher32", {{"location", "end"}}, "unknown configuration field 'location'");
  expect_config_error("jenkins_lookup3", {{"initval", -1}}, "'initval' -1 is outside");
  expect_config_error("jenkins_lookup3", {{"initval", 1ll << 32}}, "outside");
  expect_config_error("jenkins_lookup3", {{"prefix", json::array({1, 2})}}, "'prefix' other than null");
  expect_config_error("jenkins_lookup3", {{"seed", 1}}, "unknown configuration field 'seed'");
  EXPECT_NO_THROW(make("jenkins_lookup3", {{"initval", 0xFFFFFFFFll}, {"prefix", nullptr}}));
}

}  // namespace
}  // namespace zn_test
