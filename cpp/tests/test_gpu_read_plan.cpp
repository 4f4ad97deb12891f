// The host half of a GPU read, checked on the CPU end to end: the plan's
// payloads are decoded here as nvCOMP would decode them (raw DEFLATE, raw
// LZ4 blocks, zstd frames) into the decoded arena, the stored checksums are
// verified, and scatter_on_host() (the scatter kernel's arithmetic) fills
// the output, which must equal the CPU read of the same selection, for
// every layout: transposes, big-endian chunks, missing chunks, sharding,
// v2 zlib / lz4, chunks that go to the CPU (blosc, checksummed zstd).
#include <gtest/gtest.h>
#include <lz4.h>
#include <zlib.h>
#include <zstd.h>

#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "zarrnative/array/array.h"
#include "zarrnative/common/error.h"
#include "zarrnative/gpu/chain_plan.h"
#include "zarrnative/gpu/chunk_prep.h"
#include "zarrnative/gpu/read_plan.h"
#include "zarrnative/store/memory_store.h"

using namespace zarrnative;
using namespace zarrnative::array;

namespace {

using json = nlohmann::json;
using Bytes = std::vector<uint8_t>;

json v3_doc(const Shape& shape, const Shape& chunks, const std::string& dtype, json codecs, json fill = 0) {
  return {{"zarr_format", 3},
          {"node_type", "array"},
          {"shape", shape},
          {"data_type", dtype},
          {"chunk_grid", {{"name", "regular"}, {"configuration", {{"chunk_shape", chunks}}}}},
          {"chunk_key_encoding", {{"name", "default"}, {"configuration", {{"separator", "/"}}}}},
          {"fill_value", fill},
          {"codecs", codecs}};
}

json bytes_codec(const std::string& endian = "little") {
  return {{"name", "bytes"}, {"configuration", {{"endian", endian}}}};
}

std::shared_ptr<Array> create(const json& doc, int format = 3) {
  auto store = std::make_shared<store::MemoryStore>();
  return Array::create(store, "a", metadata::ArrayMetadata::from_json(doc, format, "a"), false);
}

OrthogonalSelection all_of(const Shape& shape) {
  OrthogonalSelection sel;
  for (int64_t n : shape) sel.push_back(DimSelection::slice(0, n, 1));
  return sel;
}

// Writes a ramp of `dtype` (native order) to the whole array, leaving the
// chunks listed in `skip` (by key) erased.
void fill_ramp(Array& a, const std::vector<std::string>& skip = {}) {
  const auto& m = a.metadata();
  NDArray v = NDArray::empty(m.dtype.with_byte_order(native_byte_order()), m.shape);
  auto* p = static_cast<uint8_t*>(v.data());
  for (int64_t i = 0; i < v.nbytes(); ++i) p[i] = static_cast<uint8_t>((i * 7 + i / 251) & 0xFF);
  a.write(all_of(m.shape), v);
  for (const std::string& k : skip) {
    const std::string key = a.path() + "/" + k;  // the store's key of the chunk
    ASSERT_TRUE(a.store()->exists(key)) << key;
    a.store()->erase(key);
  }
}

// Decodes a plan's payloads as the nvCOMP decoders would, checks the
// stored checksums, and scatters on the host.
Bytes run_on_host(const gpu::ReadPlan& plan) {
  Bytes staging(plan.staging_bytes), decoded(plan.decoded_bytes);
  plan.fill_staging(staging.data());
  for (const gpu::DeviceChunk& c : plan.chunks) {
    EXPECT_EQ(c.staging_offset % gpu::kAlign, 0u);
    EXPECT_EQ(c.decoded_offset % gpu::kAlign, 0u);
    const uint8_t* in = staging.data() + c.staging_offset;
    uint8_t* out = decoded.data() + c.decoded_offset;
    switch (c.compressor) {
      case gpu::GpuCompressor::kNone: continue;
      case gpu::GpuCompressor::kZstd:
        EXPECT_EQ(ZSTD_decompress(out, c.decoded_size, in, c.payload_size), c.decoded_size) << c.key;
        break;
      case gpu::GpuCompressor::kDeflate: {
        z_stream s{};
        EXPECT_EQ(inflateInit2(&s, -15), Z_OK);
        s.next_in = const_cast<uint8_t*>(in);
        s.avail_in = static_cast<uInt>(c.payload_size);
        s.next_out = out;
        s.avail_out = static_cast<uInt>(c.decoded_size);
        EXPECT_EQ(inflate(&s, Z_FINISH), Z_STREAM_END) << c.key;
        EXPECT_EQ(s.total_out, c.decoded_size);
        inflateEnd(&s);
        break;
      }
      case gpu::GpuCompressor::kLz4:
        EXPECT_EQ(LZ4_decompress_safe(reinterpret_cast<const char*>(in), reinterpret_cast<char*>(out),
                                      static_cast<int>(c.payload_size), static_cast<int>(c.decoded_size)),
                  static_cast<int>(c.decoded_size));
        break;
    }
    const ByteView d(out, c.decoded_size);
    if (c.check == gpu::StreamCheck::kCrc32) EXPECT_EQ(gpu::crc32(d), c.checksum) << c.key;
    if (c.check == gpu::StreamCheck::kAdler32) EXPECT_EQ(gpu::adler32(d), c.checksum) << c.key;
  }
  // The device's checksum step (segments of 100 bytes, combined), run here.
  const gpu::ChecksumTables checks = gpu::checksum_tables(plan, reinterpret_cast<uint64_t>(decoded.data()), 100);
  const std::vector<uint32_t> sums = gpu::checksums_on_host(checks, 100);
  for (size_t j = 0; j < sums.size(); ++j) {
    EXPECT_EQ(sums[j], plan.chunks[checks.plan_chunk[j]].checksum) << plan.chunks[checks.plan_chunk[j]].key;
  }
  if (!checks.chunks.empty()) {
    // A wrong decoded byte is caught.
    Bytes damaged = decoded;
    damaged[plan.chunks[checks.plan_chunk[0]].decoded_offset] ^= 1;
    const gpu::ChecksumTables again = gpu::checksum_tables(plan, reinterpret_cast<uint64_t>(damaged.data()), 100);
    EXPECT_NE(gpu::checksums_on_host(again, 100)[0], plan.chunks[checks.plan_chunk[0]].checksum);
  }
  int64_t n = 1;
  for (int64_t e : plan.out_shape) n *= e;
  Bytes out(static_cast<size_t>(n) * plan.itemsize, 0xEE);
  gpu::scatter_on_host(plan, staging.data(), decoded.data(), out.data());
  return out;
}

Bytes cpu_read(const Array& a, const OrthogonalSelection& sel) {
  Shape shape;
  for (const auto& s : sel) shape.push_back(s.count());
  NDArray out = NDArray::empty(a.metadata().dtype.with_byte_order(native_byte_order()), shape);
  a.read(sel, out);
  const auto* p = static_cast<const uint8_t*>(out.data());
  return Bytes(p, p + out.nbytes());
}

std::vector<OrthogonalSelection> selections(const Shape& shape) {
  std::vector<OrthogonalSelection> out;
  out.push_back(all_of(shape));
  OrthogonalSelection strided, lists, corner;
  for (int64_t n : shape) {
    strided.push_back(DimSelection::slice(1, n, 3));
    lists.push_back(DimSelection::list({n - 1, 0, n / 2, n / 2, 1}));
    corner.push_back(DimSelection::slice(n - 2, n, 1));
  }
  out.push_back(strided);
  out.push_back(lists);
  out.push_back(corner);
  return out;
}

void expect_matches_cpu(const Array& a, const std::string& what) {
  for (const auto& sel : selections(a.metadata().shape)) {
    const gpu::ReadPlan plan = gpu::plan_gpu_read(a, sel);
    ASSERT_FALSE(plan.whole_cpu) << what << ": " << plan.chain.cpu_reason;
    EXPECT_EQ(run_on_host(plan), cpu_read(a, sel)) << what;
  }
}

TEST(GpuReadPlan, MatchesTheCpuReadForEveryGpuCodec) {
  const Shape shape{13, 10, 7}, chunks{4, 5, 3};
  const std::vector<std::pair<std::string, json>> chains = {
      {"raw", json::array({bytes_codec()})},
      {"zstd", json::array({bytes_codec(), {{"name", "zstd"}, {"configuration", {{"level", 1}, {"checksum", false}}}}})},
      {"gzip", json::array({bytes_codec(), {{"name", "gzip"}, {"configuration", {{"level", 5}}}}})},
      {"zstd+crc32c", json::array({bytes_codec(), {{"name", "zstd"}, {"configuration", {{"level", 1}}}},
                                   {{"name", "crc32c"}}})},
      {"big-endian gzip", json::array({bytes_codec("big"), {{"name", "gzip"}, {"configuration", {{"level", 1}}}}})},
      {"transpose", json::array({{{"name", "transpose"}, {"configuration", {{"order", {2, 0, 1}}}}},
                                 bytes_codec("big"), {{"name", "zstd"}, {"configuration", {{"level", 1}}}}})},
      {"two transposes", json::array({{{"name", "transpose"}, {"configuration", {{"order", {1, 2, 0}}}}},
                                      {{"name", "transpose"}, {"configuration", {{"order", {0, 2, 1}}}}},
                                      bytes_codec()})},
  };
  for (const std::string dtype : {"uint8", "int16", "float32", "float64", "complex128"}) {
    for (const auto& [name, codecs] : chains) {
      auto a = create(v3_doc(shape, chunks, dtype, codecs, dtype == "complex128" ? json::array({1.5, -2.0}) : json(3)));
      fill_ramp(*a, {"c/1/0/1", "c/3/1/2"});  // two missing chunks: the fill value
      expect_matches_cpu(*a, name + " " + dtype);
    }
  }
}

TEST(GpuReadPlan, ShardedArraysDecodeInnerChunks) {
  const json inner = json::array({bytes_codec(), {{"name", "gzip"}, {"configuration", {{"level", 1}}}}});
  const json codecs = json::array({{{"name", "sharding_indexed"},
                                    {"configuration",
                                     {{"chunk_shape", {2, 4}},
                                      {"codecs", inner},
                                      {"index_codecs", json::array({bytes_codec(), {{"name", "crc32c"}}})},
                                      {"index_location", "end"}}}}});
  auto a = create(v3_doc({11, 13}, {4, 8}, "uint16", codecs, 7));
  fill_ramp(*a, {"c/2/0"});
  // Inner chunks equal to the fill value are left out of their shard.
  NDArray fill = NDArray::empty(DType::from_typestr("<u2"), {2, 4});
  for (int i = 0; i < 8; ++i) static_cast<uint16_t*>(fill.data())[i] = 7;
  a->write({DimSelection::slice(0, 2, 1), DimSelection::slice(0, 4, 1)}, fill);
  expect_matches_cpu(*a, "sharded gzip");
  const gpu::ReadPlan plan = gpu::plan_gpu_read(*a, all_of({11, 13}));
  EXPECT_TRUE(plan.chain.sharding);
  EXPECT_EQ(plan.chunk_shape, (Shape{2, 4}));
  EXPECT_GT(plan.chunks_per_compressor[static_cast<int>(gpu::GpuCompressor::kDeflate)], 0);
}

TEST(GpuReadPlan, V2ZlibAndLz4) {
  for (const char* compressor : {"zlib", "lz4"}) {
    for (const char* order : {"C", "F"}) {
      const json doc = {{"zarr_format", 2},         {"shape", {9, 11}},   {"chunks", {4, 3}},
                        {"dtype", ">i4"},            {"fill_value", -1},   {"order", order},
                        {"compressor", {{"id", compressor}}}, {"filters", nullptr}};
      auto a = create(doc, 2);
      fill_ramp(*a, {"1.2"});
      expect_matches_cpu(*a, std::string(compressor) + " order " + order);
      const gpu::ReadPlan plan = gpu::plan_gpu_read(*a, all_of({9, 11}));
      EXPECT_EQ(plan.chain.swap_unit, 4);
    }
  }
}

TEST(GpuReadPlan, ChainsWithoutAGpuDecoderAreReported) {
  const std::vector<std::pair<json, std::string>> chains = {
      {json::array({bytes_codec(), {{"name", "blosc"},
                                    {"configuration", {{"cname", "lz4"}, {"clevel", 5}, {"shuffle", "shuffle"},
                                                       {"typesize", 4}, {"blocksize", 0}}}}}),
       "blosc"},
      {json::array({bytes_codec(), {{"name", "zstd"}, {"configuration", {{"level", 1}, {"checksum", true}}}}}),
       "checksum"},
      {json::array({bytes_codec(), {{"name", "crc32c"}}, {{"name", "zstd"}, {"configuration", {{"level", 1}}}}}),
       "crc32c"},
      {json::array({bytes_codec(), {{"name", "gzip"}, {"configuration", {{"level", 1}}}},
                    {{"name", "zstd"}, {"configuration", {{"level", 1}}}}}),
       "two compressors"},
  };
  for (const auto& [codecs, reason] : chains) {
    auto a = create(v3_doc({6, 6}, {3, 3}, "int32", codecs));
    fill_ramp(*a);
    const gpu::ReadPlan plan = gpu::plan_gpu_read(*a, all_of({6, 6}));
    EXPECT_TRUE(plan.whole_cpu) << reason;
    EXPECT_NE(plan.chain.cpu_reason.find(reason), std::string::npos) << plan.chain.cpu_reason;
    EXPECT_NE(gpu::describe(plan).find("CPU"), std::string::npos);
  }
}

TEST(GpuReadPlan, ChunksNvcompCannotTakeAreDecodedOnTheCpu) {
  auto a = create(v3_doc({8}, {4}, "uint8", json::array({bytes_codec(), {{"name", "gzip"}, {"configuration", {{"level", 1}}}}})));
  fill_ramp(*a);
  // Chunk c/1 becomes two gzip members: valid, but not one nvCOMP stream.
  ByteBuffer first, second;
  auto gz = codec::CodecRegistry::builtin().make_bytes_to_bytes("gzip", {{"level", 1}}, a->pipeline().spec());
  const uint8_t part1[2] = {1, 2}, part2[2] = {3, 4};
  gz->encode(ByteView(part1, 2), first, {});
  gz->encode(ByteView(part2, 2), second, {});
  Bytes two(first.view().begin(), first.view().end());
  two.insert(two.end(), second.view().begin(), second.view().end());
  a->store()->set("a/c/1", ByteView(two.data(), two.size()));
  const gpu::ReadPlan plan = gpu::plan_gpu_read(*a, all_of({8}));
  ASSERT_EQ(plan.cpu_fallbacks.size(), 1u);
  EXPECT_NE(plan.cpu_fallbacks[0].find("c/1"), std::string::npos);
  EXPECT_EQ(run_on_host(plan), cpu_read(*a, all_of({8})));
  EXPECT_EQ(cpu_read(*a, all_of({8}))[5], 2);
}

TEST(GpuReadPlan, CorruptChunksRaiseAsTheCpuRead) {
  auto a = create(v3_doc({8}, {4}, "uint8",
                         json::array({bytes_codec(), {{"name", "zstd"}, {"configuration", {{"level", 1}}}},
                                      {{"name", "crc32c"}}})));
  fill_ramp(*a);
  auto bytes = a->store()->get("a/c/1");
  ASSERT_TRUE(bytes);
  Bytes b(bytes->view().begin(), bytes->view().end());
  b[b.size() - 1] ^= 1;  // the crc32c
  a->store()->set("a/c/1", ByteView(b.data(), b.size()));
  for (int gpu_path = 0; gpu_path < 2; ++gpu_path) {
    try {
      if (gpu_path) {
        gpu::plan_gpu_read(*a, all_of({8}));
      } else {
        cpu_read(*a, all_of({8}));
      }
      ADD_FAILURE() << "no error";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kCorruptChunk);
      EXPECT_NE(std::string(e.what()).find("c/1"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("crc32c"), std::string::npos) << e.what();
    }
  }
}

}  // namespace

namespace {

TEST(GpuReadPlan, LyingShardIndexRaisesCorruptChunk) {
  // An index without crc32c, so that a lie is not caught by its checksum.
  const json codecs = json::array({{{"name", "sharding_indexed"},
                                    {"configuration",
                                     {{"chunk_shape", {4}},
                                      {"codecs", json::array({bytes_codec()})},
                                      {"index_codecs", json::array({bytes_codec()})},
                                      {"index_location", "end"}}}}});
  auto a = create(v3_doc({16}, {16}, "uint8", codecs));
  fill_ramp(*a);
  auto stored = a->store()->get("a/c/0");
  ASSERT_TRUE(stored);
  Bytes b(stored->view().begin(), stored->view().end());
  // Inner chunk 1's offset (entry 2 of 8 little-endian uint64 at the end).
  const size_t entry = b.size() - 4 * 16 + 16;
  b[entry + 1] = 0x10;  // offset += 4096: past the end of the shard
  a->store()->set("a/c/0", ByteView(b.data(), b.size()));
  for (const auto& sel : {all_of({16}), OrthogonalSelection{DimSelection::slice(4, 6, 1)}}) {
    for (int gpu_path = 0; gpu_path < 2; ++gpu_path) {
      try {
        if (gpu_path) {
          gpu::plan_gpu_read(*a, sel);
        } else {
          cpu_read(*a, sel);
        }
        ADD_FAILURE() << "no error";
      } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kCorruptChunk) << e.what();
        EXPECT_NE(std::string(e.what()).find("c/0"), std::string::npos) << e.what();
      }
    }
  }
}

}  // namespace

namespace {

// The layouts of a 17x20 array that the batch and point tests read: plain
// zstd chunks, transposed big-endian ones, and shards of those with the
// index at either end; each with one chunk (or shard) missing.
struct LayoutCase {
  std::string name;
  json codecs;
  Shape chunks;
  std::vector<std::string> missing;
};

std::vector<LayoutCase> layout_cases() {
  const json zstd = {{"name", "zstd"}, {"configuration", {{"level", 1}, {"checksum", false}}}};
  const json plain = json::array({bytes_codec(), zstd});
  const json transposed = json::array({{{"name", "transpose"}, {"configuration", {{"order", {1, 0}}}}},
                                       bytes_codec("big"), zstd});
  const auto sharded = [](const json& inner, const char* location) {
    return json::array({{{"name", "sharding_indexed"},
                         {"configuration",
                          {{"chunk_shape", {4, 5}},
                           {"codecs", inner},
                           {"index_codecs", json::array({bytes_codec(), {{"name", "crc32c"}}})},
                           {"index_location", location}}}}});
  };
  return {{"unsharded", plain, {4, 5}, {"c/1/1"}},
          {"transposed", transposed, {4, 5}, {"c/0/0"}},
          {"sharded, index at the start", sharded(plain, "start"), {8, 10}, {"c/1/0"}},
          {"sharded transposed, index at the end", sharded(transposed, "end"), {8, 10}, {"c/0/1"}}};
}

// A batch read: one output (selections, *shape), each chunk that several
// selections need planned (fetched, sent, decoded) once.
Bytes cpu_read_many(const Array& a, const std::vector<OrthogonalSelection>& sels) {
  Shape shape{static_cast<int64_t>(sels.size())};
  for (const auto& s : sels[0]) shape.push_back(s.count());
  NDArray out = NDArray::empty(a.metadata().dtype.with_byte_order(native_byte_order()), shape);
  a.read_many(sels, out);
  const auto* p = static_cast<const uint8_t*>(out.data());
  return Bytes(p, p + out.nbytes());
}

OrthogonalSelection crop(int64_t r, int64_t c, int64_t h, int64_t w) {
  return {DimSelection::slice(r, r + h, 1), DimSelection::slice(c, c + w, 1)};
}

TEST(GpuReadPlan, BatchesDecodeSharedChunksOnce) {
  // Three crops of one shape, two of them overlapping (chunks shared), one
  // over a missing chunk or shard, and one with a step.
  const std::vector<OrthogonalSelection> sels = {
      crop(0, 0, 6, 7), crop(2, 3, 6, 7), crop(10, 12, 6, 7),
      {DimSelection::slice(1, 13, 2), DimSelection::list({19, 0, 4, 4, 8, 11, 2})}};
  for (const LayoutCase& c : layout_cases()) {
    auto a = create(v3_doc({17, 20}, c.chunks, "int16", c.codecs, -5));
    fill_ramp(*a, c.missing);
    const gpu::ReadPlan plan = gpu::plan_gpu_read_many(*a, sels);
    ASSERT_FALSE(plan.whole_cpu) << c.name;
    EXPECT_EQ(plan.out_shape, (Shape{4, 6, 7})) << c.name;
    EXPECT_EQ(plan.sel_shape, (Shape{6, 7})) << c.name;
    EXPECT_EQ(run_on_host(plan), cpu_read_many(*a, sels)) << c.name;
    // Each decode unit once, though the selections need some twice or more.
    std::set<std::string> keys;
    for (const gpu::DeviceChunk& ch : plan.chunks) EXPECT_TRUE(keys.insert(ch.key).second) << ch.key;
    int64_t uses = 0;
    for (const gpu::ScatterTask& t : plan.tasks) uses += t.chunk >= 0;
    EXPECT_GT(uses, static_cast<int64_t>(plan.chunks.size())) << c.name;
    // One selection alone, as plan_gpu_read plans it.
    const gpu::ReadPlan one = gpu::plan_gpu_read_many(*a, {sels[1]});
    EXPECT_EQ(one.out_shape, (Shape{1, 6, 7}));
    EXPECT_EQ(run_on_host(one), cpu_read(*a, sels[1])) << c.name;
  }
}

TEST(GpuReadPlan, BatchesRefuseSelectionsOfDifferentShapes) {
  auto a = create(v3_doc({8, 8}, {4, 4}, "uint8", json::array({bytes_codec()})));
  fill_ramp(*a);
  try {
    gpu::plan_gpu_read_many(*a, {crop(0, 0, 2, 2), crop(0, 0, 2, 3)});
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("selection 1 has shape (2, 3)"), std::string::npos) << e.what();
  }
  EXPECT_THROW(gpu::plan_gpu_read_many(*a, {}), Error);
  EXPECT_THROW(gpu::plan_gpu_read_many(*a, {crop(0, 0, 2, 2), crop(7, 7, 2, 2)}), Error);  // out of range
}

}  // namespace

namespace {

// Coordinate selections: each chunk (or inner chunk) holding points decoded
// once, the points gathered by the scatter kernel's points tasks.
Bytes cpu_read_points(const Array& a, const std::vector<std::vector<int64_t>>& points) {
  NDArray out = NDArray::empty(a.metadata().dtype.with_byte_order(native_byte_order()),
                               {static_cast<int64_t>(points[0].size())});
  a.read_points(points, out);
  const auto* p = static_cast<const uint8_t*>(out.data());
  return Bytes(p, p + out.nbytes());
}

TEST(GpuReadPlan, CoordinateSelectionsGatherPoints) {
  // Points in several chunks, in no order, repeated, and in the missing ones.
  const std::vector<std::vector<int64_t>> points = {{0, 16, 5, 5, 9, 3, 12, 0, 7, 16, 4},
                                                    {0, 19, 6, 6, 2, 17, 8, 1, 9, 0, 5}};
  for (const LayoutCase& c : layout_cases()) {
    auto a = create(v3_doc({17, 20}, c.chunks, "uint32", c.codecs, 77));
    fill_ramp(*a, c.missing);
    const gpu::ReadPlan plan = gpu::plan_gpu_read_points(*a, points);
    ASSERT_FALSE(plan.whole_cpu) << c.name;
    EXPECT_TRUE(plan.points);
    EXPECT_EQ(plan.out_shape, (Shape{11}));
    const Bytes want = cpu_read_points(*a, points);
    EXPECT_EQ(run_on_host(plan), want) << c.name;
    std::set<std::string> keys;
    for (const gpu::DeviceChunk& ch : plan.chunks) EXPECT_TRUE(keys.insert(ch.key).second) << ch.key;
    int64_t filled = 0;
    for (const gpu::ScatterTask& t : plan.tasks) {
      EXPECT_TRUE(t.points);
      if (t.chunk < 0) filled += t.elements;
    }
    EXPECT_GT(filled, 0) << c.name << ": a point in a missing chunk reads the fill value";
  }
}

TEST(GpuReadPlan, CoordinateSelectionsCheckTheirPoints) {
  auto a = create(v3_doc({8, 8}, {4, 4}, "uint8", json::array({bytes_codec()})));
  fill_ramp(*a);
  for (const auto& bad : std::vector<std::vector<std::vector<int64_t>>>{{{0, 8}, {0, 0}}, {{0, -1}, {0, 0}}}) {
    try {
      gpu::plan_gpu_read_points(*a, bad);
      ADD_FAILURE() << "no error";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kOutOfRange) << e.what();
    }
  }
  EXPECT_THROW(gpu::plan_gpu_read_points(*a, {{0, 1}}), Error);  // one index array for two dimensions
  // No points: an empty output, nothing fetched.
  const gpu::ReadPlan none = gpu::plan_gpu_read_points(*a, {{}, {}});
  EXPECT_EQ(none.out_shape, (Shape{0}));
  EXPECT_TRUE(none.chunks.empty());
}

}  // namespace
