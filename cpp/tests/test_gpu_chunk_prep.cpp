// The host half of GPU decoding, run on the CPU: the raw streams that
// chunk_prep finds inside gzip / zlib / lz4 / zstd chunks decode (with zlib's
// raw inflate, LZ4_decompress_safe, ZSTD_decompress) to the chunk's bytes;
// the stored checksums are those of the data; malformed wrappers throw
// kCorruptChunk as the CPU codecs do; well-formed streams nvCOMP cannot take
// go to the CPU with a reason. Also the segment-wise CRC32 / Adler-32
// arithmetic of the device checksum kernels, against libdeflate.
#include <libdeflate.h>
#include <lz4.h>
#include <zlib.h>
#include <zstd.h>

#include "codec_test_util.h"
#include "zarrnative/gpu/checksum_math.h"
#include "zarrnative/gpu/chunk_prep.h"

namespace zn_test {
namespace {

using zarrnative::gpu::GpuCompressor;
using zarrnative::gpu::PreparedChunk;
using zarrnative::gpu::StreamCheck;
namespace gpu = zarrnative::gpu;

Bytes encode(std::string_view codec, const Bytes& data, const json& config = json::object()) {
  ByteBuffer out;
  make(codec, config)->encode(view(data), out, CodecOptions{});
  return to_bytes(out.view());
}

Bytes raw_inflate(ByteView in, size_t size) {
  Bytes out(size + 1);  // never empty: zlib refuses a null output buffer
  z_stream s{};
  EXPECT_EQ(inflateInit2(&s, -15), Z_OK);
  s.next_in = const_cast<Bytef*>(in.data());
  s.avail_in = static_cast<uInt>(in.size());
  s.next_out = out.data();
  s.avail_out = static_cast<uInt>(out.size());
  const int ret = inflate(&s, Z_FINISH);
  EXPECT_EQ(ret, Z_STREAM_END);
  EXPECT_EQ(s.avail_in, 0u) << "bytes left after the raw DEFLATE stream";
  EXPECT_EQ(s.total_out, size);
  out.resize(s.total_out);
  inflateEnd(&s);
  return out;
}

// Runs `fn`, expecting Error(kCorruptChunk) whose message starts with "<codec>: ".
template <typename Fn>
void expect_corrupt(std::string_view codec, Fn fn) {
  try {
    fn();
    ADD_FAILURE() << "no error thrown";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kCorruptChunk) << e.what();
    EXPECT_EQ(std::string(e.what()).rfind(std::string(codec) + ": ", 0), 0u) << e.what();
  }
}

// The CPU codec refuses the same bytes with the same error code.
void expect_cpu_refuses(std::string_view codec, const Bytes& stored, size_t size) {
  ByteBuffer out;
  try {
    make(codec)->decode(view(stored), out, size, CodecOptions{});
    ADD_FAILURE() << codec << ": the CPU decoder accepted what the GPU preparation refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kCorruptChunk) << e.what();
  }
}

// A gzip member around `deflate` with the header fields of `flags`.
Bytes gzip_member(const Bytes& deflate, const Bytes& data, uint8_t flags) {
  Bytes m = {0x1f, 0x8b, 8, flags, 1, 2, 3, 4, 0, 3};
  if (flags & 0x04) {
    m.insert(m.end(), {5, 0, 'A', 'B', 2, 0, 'x'});  // XLEN 5: one subfield "AB" of 2 bytes... and 1 spare
  }
  if (flags & 0x08) m.insert(m.end(), {'c', '.', 'b', 'i', 'n', 0});
  if (flags & 0x10) m.insert(m.end(), {'h', 'i', 0});
  if (flags & 0x02) {
    const uint32_t crc = gpu::crc32(view(m));
    m.push_back(static_cast<uint8_t>(crc));
    m.push_back(static_cast<uint8_t>(crc >> 8));
  }
  m.insert(m.end(), deflate.begin(), deflate.end());
  const uint32_t crc = gpu::crc32(view(data)), size = static_cast<uint32_t>(data.size());
  for (uint32_t v : {crc, size}) {
    for (int i = 0; i < 4; ++i) m.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  return m;
}

// --- gzip ----------------------------------------------------------------------

TEST(GpuChunkPrep, GzipPayloadIsRawDeflateOfTheChunk) {
  for (size_t n : {size_t{0}, size_t{1}, size_t{1000}, size_t{100000}}) {
    const Bytes data = smooth_field(n);
    const Bytes stored = encode("gzip", data);
    const PreparedChunk p = gpu::prepare_gzip(view(stored), n);
    ASSERT_FALSE(p.cpu_reason) << *p.cpu_reason;
    EXPECT_EQ(p.compressor, GpuCompressor::kDeflate);
    EXPECT_EQ(p.payload.data(), stored.data() + 10);      // a view, no copy
    EXPECT_EQ(p.payload.size(), stored.size() - 18);
    EXPECT_EQ(raw_inflate(p.payload, n), data);
    EXPECT_EQ(p.check, StreamCheck::kCrc32);
    EXPECT_EQ(p.checksum, crc32(0, data.data(), static_cast<uInt>(data.size())));
  }
}

TEST(GpuChunkPrep, GzipOptionalHeaderFieldsAreSkipped) {
  const Bytes data = smooth_field(5000);
  const Bytes stored = encode("gzip", data);
  const Bytes deflate(stored.begin() + 10, stored.end() - 8);
  for (uint8_t flags : {0x02, 0x04, 0x08, 0x10, 0x1E, 0x01}) {
    const Bytes member = gzip_member(deflate, data, flags);
    const PreparedChunk p = gpu::prepare_gzip(view(member), data.size());
    ASSERT_FALSE(p.cpu_reason) << int(flags);
    EXPECT_EQ(raw_inflate(p.payload, data.size()), data) << "flags " << int(flags);
    // The CPU codec reads the same member.
    ByteBuffer out;
    make("gzip")->decode(view(member), out, data.size(), CodecOptions{});
    EXPECT_EQ(to_bytes(out.view()), data);
  }
  // A wrong header CRC: the CPU decoder (libdeflate) does not check it, and
  // neither does the GPU path, so that both read the same chunks.
  Bytes member = gzip_member(deflate, data, 0x02);
  member[10] ^= 0xFF;
  EXPECT_FALSE(gpu::prepare_gzip(view(member), data.size()).cpu_reason);
}

TEST(GpuChunkPrep, GzipMalformedHeadersThrowAsTheCpuCodec) {
  const Bytes data = smooth_field(3000);
  const Bytes good = encode("gzip", data);
  const Bytes deflate(good.begin() + 10, good.end() - 8);
  std::vector<std::pair<std::string, Bytes>> bad;
  bad.push_back({"empty", {}});
  bad.push_back({"too short", Bytes(good.begin(), good.begin() + 12)});
  Bytes b = good;
  b[0] = 0x1e;
  bad.push_back({"magic", b});
  b = good;
  b[2] = 7;
  bad.push_back({"method", b});
  b = good;
  b[3] = 0x20;
  bad.push_back({"reserved flag", b});
  b = {0x1f, 0x8b, 8, 0x04, 0, 0, 0, 0, 0, 3, 0xFF, 0xFF, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  bad.push_back({"FEXTRA longer than the member", b});
  b = {0x1f, 0x8b, 8, 0x08, 0, 0, 0, 0, 0, 3, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'};
  bad.push_back({"FNAME without its zero", b});
  for (const auto& [what, bytes] : bad) {
    SCOPED_TRACE(what);
    expect_corrupt("gzip", [&] { gpu::prepare_gzip(view(bytes), data.size()); });
    expect_cpu_refuses("gzip", bytes, data.size());
  }
}

TEST(GpuChunkPrep, GzipSeveralMembersGoToTheCpu) {
  const Bytes a = smooth_field(1000, 1), b = smooth_field(700, 2);
  Bytes stored = encode("gzip", a);
  const Bytes second = encode("gzip", b);
  stored.insert(stored.end(), second.begin(), second.end());
  const PreparedChunk p = gpu::prepare_gzip(view(stored), a.size() + b.size());
  ASSERT_TRUE(p.cpu_reason);
  EXPECT_NE(p.cpu_reason->find("gzip: "), std::string::npos);
  // Zero padding after the member, which Python's reader allows.
  Bytes padded = encode("gzip", a);
  padded.insert(padded.end(), 4, 0);
  EXPECT_TRUE(gpu::prepare_gzip(view(padded), a.size()).cpu_reason);
}

// --- zlib ----------------------------------------------------------------------

TEST(GpuChunkPrep, ZlibPayloadIsRawDeflateOfTheChunk) {
  for (int level : {1, 6, 9}) {
    const Bytes data = smooth_field(40000);
    const Bytes stored = encode("zlib", data, {{"level", level}});
    const PreparedChunk p = gpu::prepare_zlib(view(stored), data.size());
    EXPECT_EQ(p.compressor, GpuCompressor::kDeflate);
    EXPECT_EQ(p.payload.data(), stored.data() + 2);
    EXPECT_EQ(raw_inflate(p.payload, data.size()), data);
    EXPECT_EQ(p.check, StreamCheck::kAdler32);
    EXPECT_EQ(p.checksum, adler32(1, data.data(), static_cast<uInt>(data.size())));
  }
}

TEST(GpuChunkPrep, ZlibMalformedHeadersThrowAsTheCpuCodec) {
  const Bytes data = smooth_field(3000);
  const Bytes good = encode("zlib", data);
  std::vector<std::pair<std::string, Bytes>> bad;
  bad.push_back({"empty", {}});
  bad.push_back({"too short", {0x78, 0x9c, 3}});
  Bytes b = good;
  b[0] = 0x77;  // method 7
  bad.push_back({"method", b});
  b = good;
  b[1] ^= 0x01;  // breaks the check bits
  bad.push_back({"check bits", b});
  b = good;
  b[0] = 0x88;  // window 2^16: not allowed (and the check bits fixed below)
  b[1] = static_cast<uint8_t>(b[1] & 0xE0);
  b[1] = static_cast<uint8_t>(b[1] + (31 - (0x88 * 256 + b[1]) % 31) % 31);
  bad.push_back({"window", b});
  b = good;
  b[1] = 0x20;  // FDICT
  b[1] = static_cast<uint8_t>(b[1] + (31 - (b[0] * 256 + b[1]) % 31) % 31);
  bad.push_back({"FDICT", b});
  for (const auto& [what, bytes] : bad) {
    SCOPED_TRACE(what);
    expect_corrupt("zlib", [&] { gpu::prepare_zlib(view(bytes), data.size()); });
    expect_cpu_refuses("zlib", bytes, data.size());
  }
}

// --- lz4 -----------------------------------------------------------------------

TEST(GpuChunkPrep, Lz4PayloadIsTheRawBlock) {
  for (size_t n : {size_t{0}, size_t{1}, size_t{65536}, size_t{300000}}) {
    const Bytes data = smooth_field(n);
    const Bytes stored = encode("lz4", data);
    const PreparedChunk p = gpu::prepare_lz4(view(stored), n);
    EXPECT_EQ(p.compressor, GpuCompressor::kLz4);
    EXPECT_EQ(p.payload.data(), stored.data() + 4);
    Bytes out(n + 1);
    const int got = LZ4_decompress_safe(reinterpret_cast<const char*>(p.payload.data()),
                                        reinterpret_cast<char*>(out.data()), static_cast<int>(p.payload.size()),
                                        static_cast<int>(out.size()));
    ASSERT_EQ(got, static_cast<int>(n));
    out.resize(n);
    EXPECT_EQ(out, data);
  }
}

TEST(GpuChunkPrep, Lz4LyingSizesThrowAsTheCpuCodec) {
  const Bytes data = smooth_field(3000);
  const Bytes good = encode("lz4", data);
  std::vector<std::pair<std::string, Bytes>> bad;
  bad.push_back({"too short", {0, 0, 0, 0}});
  Bytes b = good;
  b[0] ^= 1;
  bad.push_back({"size differs", b});
  b = {0xFF, 0xFF, 0xFF, 0x0F, 0x10};
  bad.push_back({"size a block cannot hold", b});
  for (const auto& [what, bytes] : bad) {
    SCOPED_TRACE(what);
    expect_corrupt("lz4", [&] { gpu::prepare_lz4(view(bytes), data.size()); });
    expect_cpu_refuses("lz4", bytes, data.size());
  }
  // A lie that agrees with the expected size is the decoder's to find.
  EXPECT_NO_THROW(gpu::prepare_lz4(view(good), data.size()));
}

// --- zstd ----------------------------------------------------------------------

TEST(GpuChunkPrep, ZstdFramesGoAsTheyAre) {
  const Bytes data = smooth_field(70000);
  const Bytes stored = encode("zstd", data, {{"level", 3}});
  const PreparedChunk p = gpu::prepare_zstd(view(stored), data.size());
  ASSERT_FALSE(p.cpu_reason) << *p.cpu_reason;
  EXPECT_EQ(p.compressor, GpuCompressor::kZstd);
  EXPECT_EQ(p.payload.data(), stored.data());
  EXPECT_EQ(p.payload.size(), stored.size());
  Bytes out(data.size());
  EXPECT_EQ(ZSTD_decompress(out.data(), out.size(), p.payload.data(), p.payload.size()), data.size());
  EXPECT_EQ(out, data);
}

TEST(GpuChunkPrep, ZstdFramesNvcompMayNotTakeGoToTheCpu) {
  const Bytes data = smooth_field(5000);
  // A content checksum.
  const Bytes checked = encode("zstd", data, {{"checksum", true}});
  EXPECT_TRUE(gpu::prepare_zstd(view(checked), data.size()).cpu_reason);
  // Two frames.
  const Bytes half(data.begin(), data.begin() + 2500), rest(data.begin() + 2500, data.end());
  Bytes two = encode("zstd", half);
  const Bytes second = encode("zstd", rest);
  two.insert(two.end(), second.begin(), second.end());
  EXPECT_TRUE(gpu::prepare_zstd(view(two), data.size()).cpu_reason);
  // A skippable frame first.
  Bytes skippable = {0x50, 0x2A, 0x4D, 0x18, 2, 0, 0, 0, 9, 9};
  const Bytes frame = encode("zstd", data);
  skippable.insert(skippable.end(), frame.begin(), frame.end());
  EXPECT_TRUE(gpu::prepare_zstd(view(skippable), data.size()).cpu_reason);
  // Each of these the CPU codec decodes.
  for (const Bytes* b : std::vector<const Bytes*>{&checked, &two, &skippable}) {
    ByteBuffer out;
    make("zstd")->decode(view(*b), out, data.size(), CodecOptions{});
    EXPECT_EQ(to_bytes(out.view()), data);
  }
}

TEST(GpuChunkPrep, ZstdMalformedFramesThrowAsTheCpuCodec) {
  const Bytes data = smooth_field(5000);
  const Bytes good = encode("zstd", data);
  std::vector<std::pair<std::string, Bytes>> bad;
  bad.push_back({"empty", {}});
  Bytes b = good;
  b[0] ^= 0xFF;
  bad.push_back({"magic", b});
  bad.push_back({"truncated", Bytes(good.begin(), good.end() - 3)});
  const Bytes big = encode("zstd", smooth_field(6000));
  bad.push_back({"claims more than the chunk", big});
  for (const auto& [what, bytes] : bad) {
    SCOPED_TRACE(what);
    expect_corrupt("zstd", [&] { gpu::prepare_zstd(view(bytes), data.size()); });
    expect_cpu_refuses("zstd", bytes, data.size());
  }
}

TEST(GpuChunkPrep, RawChunksMustHaveTheChunkSize) {
  const Bytes data = smooth_field(64);
  EXPECT_EQ(gpu::prepare_raw(view(data), 64).payload.size(), 64u);
  expect_corrupt("bytes", [&] { gpu::prepare_raw(view(data), 65); });
}

// --- checksum arithmetic of the device kernels ----------------------------------

TEST(GpuChecksumMath, SegmentsCombineToTheWholeCrc32AndAdler32) {
  uint32_t table[256];
  gpu::crc32_make_table(table);
  const Bytes data = smooth_field(200000, 7);
  EXPECT_EQ(gpu::crc32_bytes(table, 0, data.data(), data.size()), libdeflate_crc32(0, data.data(), data.size()));
  EXPECT_EQ(gpu::adler32_bytes(1, data.data(), data.size()), libdeflate_adler32(1, data.data(), data.size()));
  for (size_t segment : {size_t{1}, size_t{7}, size_t{4096}, size_t{32768}, size_t{199999}}) {
    SCOPED_TRACE(segment);
    uint32_t crc = 0, adler = 1;
    const uint32_t factor = gpu::crc32_shift_factor(segment);
    for (size_t pos = 0; pos < data.size(); pos += segment) {
      const size_t n = std::min(segment, data.size() - pos);
      const uint32_t c = gpu::crc32_bytes(table, 0, data.data() + pos, n);
      const uint32_t a = gpu::adler32_bytes(1, data.data() + pos, n);
      if (pos == 0) {
        crc = c;
        adler = a;
      } else {
        crc = n == segment ? gpu::crc32_combine_factor(crc, c, factor) : gpu::crc32_combine(crc, c, n);
        adler = gpu::adler32_combine(adler, a, n);
      }
    }
    EXPECT_EQ(crc, libdeflate_crc32(0, data.data(), data.size()));
    EXPECT_EQ(adler, libdeflate_adler32(1, data.data(), data.size()));
  }
}

TEST(GpuChecksumMath, EmptySegmentsAndKnownAnswers) {
  uint32_t table[256];
  gpu::crc32_make_table(table);
  const Bytes abc = {'1', '2', '3', '4', '5', '6', '7', '8', '9'};
  EXPECT_EQ(gpu::crc32_bytes(table, 0, abc.data(), abc.size()), 0xCBF43926u);  // the CRC-32 check value
  EXPECT_EQ(gpu::adler32_bytes(1, abc.data(), abc.size()), 0x091E01DEu);
  EXPECT_EQ(gpu::crc32_combine(0xCBF43926u, 0, 0), 0xCBF43926u);
  EXPECT_EQ(gpu::adler32_combine(0x091E01DEu, 1, 0), 0x091E01DEu);
}

}  // namespace
}  // namespace zn_test
