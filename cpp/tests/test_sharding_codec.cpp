// The sharding_indexed codec: round trips, missing inner chunks, partial
// reads (which bytes are read, how many calls), hostile indexes, and shards
// written by zarr-python 3.1.6 (byte-identical both ways).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <numeric>
#include <string>
#include <vector>

#include "zarrnative/codec/pipeline.h"
#include "zarrnative/codec/registry.h"
#include "zarrnative/codec/sharding.h"
#include "zarrnative/common/error.h"
#include "zarrnative/common/thread_pool.h"

using namespace zarrnative;
using namespace zarrnative::codec;

namespace {

const json kBytes = json{{"name", "bytes"}, {"configuration", {{"endian", "little"}}}};
const json kCrc = json{{"name", "crc32c"}};

std::shared_ptr<const ShardingCodec> make(const json& config, const ChunkSpec& shard) {
  auto c = CodecRegistry::builtin().make_array_to_bytes("sharding_indexed", config, shard);
  auto s = std::dynamic_pointer_cast<const ShardingCodec>(c);
  EXPECT_NE(s, nullptr);
  return s;
}

json config(const Shape& inner, json codecs = json::array({kBytes}), const char* location = "end") {
  return {{"chunk_shape", inner},
          {"codecs", codecs},
          {"index_codecs", json::array({kBytes, kCrc})},
          {"index_location", location}};
}

template <typename T>
std::vector<uint8_t> fill_bytes(T v) {
  std::vector<uint8_t> b(sizeof(T));
  std::memcpy(b.data(), &v, sizeof(T));
  return b;
}

template <typename T>
NDArray iota(const char* typestr, const Shape& shape, T start = 1) {
  NDArray a = NDArray::empty(DType::from_typestr(typestr), shape);
  T* p = static_cast<T*>(a.data());
  for (int64_t i = 0; i < a.size(); ++i) p[i] = static_cast<T>(start + static_cast<T>(i));
  return a;
}

// Sets the box [start, start + shape) of a C-contiguous array to v.
template <typename T>
void set_box(NDArray& a, const Shape& start, const Shape& shape, T v) {
  NDArray one = NDArray::empty(a.dtype(), {});
  *static_cast<T*>(one.data()) = v;
  int64_t off = a.byte_offset();
  for (size_t d = 0; d < start.size(); ++d) off += start[d] * a.strides()[d];
  NDArray box(a.buffer(), a.dtype(), shape, a.strides(), off, false);
  box.copy_from(NDArray(one.buffer(), one.dtype(), shape, Shape(shape.size(), 0), 0, true));
}

NDArray contiguous(const NDArray& a) {
  NDArray c = NDArray::empty(a.dtype(), a.shape());
  c.copy_from(a);
  return c;
}

bool same(const NDArray& a, const NDArray& b) {
  if (a.shape() != b.shape() || a.itemsize() != b.itemsize()) return false;
  NDArray ca = contiguous(a), cb = contiguous(b);
  return std::memcmp(ca.data(), cb.data(), static_cast<size_t>(ca.nbytes())) == 0;
}

NDArray region_of(const NDArray& a, const ShardRegion& r) {
  int64_t off = a.byte_offset();
  for (size_t d = 0; d < r.start.size(); ++d) off += r.start[d] * a.strides()[d];
  return contiguous(NDArray(a.buffer(), a.dtype(), r.shape(), a.strides(), off, true));
}

ByteBuffer encode(const ShardingCodec& c, const NDArray& a) {
  ByteBuffer out;
  c.encode(a, c.shard_spec(), out, {});
  return out;
}

NDArray decode(const ShardingCodec& c, ByteView in) {
  NDArray out = NDArray::empty(c.shard_spec().dtype, c.shard_spec().shape);
  c.decode(in, c.shard_spec(), out, {});
  return out;
}

// A reader over memory that records every read() call.
class CountingReader : public ByteRangeReader {
 public:
  explicit CountingReader(ByteView bytes, bool size_known = true) : inner_(bytes), size_known_(size_known) {}
  std::optional<uint64_t> size() override {
    if (!size_known_) return std::nullopt;
    return inner_.size();
  }
  std::vector<std::optional<ByteBuffer>> read(std::span<const ByteRange> ranges) override {
    calls.emplace_back(ranges.begin(), ranges.end());
    auto out = inner_.read(ranges);
    for (const auto& b : out) bytes_read += b ? b->size() : 0;
    return out;
  }
  std::vector<std::vector<ByteRange>> calls;
  uint64_t bytes_read = 0;

 private:
  BytesRangeReader inner_;
  bool size_known_;
};

void expect_error(ErrorCode code, const std::function<void()>& fn, const std::vector<std::string>& parts) {
  try {
    fn();
    ADD_FAILURE() << "no error thrown";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    for (const auto& p : parts) EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
  }
}

std::vector<uint8_t> from_hex(const std::string& hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------
// Configuration

TEST(ShardingCodec, ConfigErrorsNameTheField) {
  ChunkSpec spec{DType::from_typestr("<u2"), {8, 12}, {}};
  auto bad = [&](json cfg, const std::string& field) {
    expect_error(ErrorCode::kCodecConfig, [&] { make(cfg, spec); }, {"sharding_indexed", field});
  };
  bad(json{{"codecs", json::array({kBytes})}}, "chunk_shape");
  bad(config({3, 3}), "chunk_shape");         // 3 does not divide 8
  bad(config({2}), "chunk_shape");            // wrong ndim
  bad(config({0, 3}), "chunk_shape");
  bad(json{{"chunk_shape", {2, 3}}}, "codecs");
  bad(config({2, 3}, json::array({json{{"name", "nope"}}})), "codecs");
  json c = config({2, 3});
  c["index_location"] = "middle";
  bad(c, "index_location");
  c = config({2, 3});
  c["index_codecs"] = json::array({kBytes, json{{"name", "zstd"}}});
  bad(c, "index_codecs");
  c = config({2, 3});
  c["extra"] = 1;
  bad(c, "extra");
  // A grid of 2^25 inner chunks (a 512 MiB index) is refused up front.
  ChunkSpec huge{DType::from_typestr("|u1"), {8192, 4096}, {}};
  expect_error(ErrorCode::kCodecConfig, [&] { make(config({1, 1}), huge); }, {"sharding_indexed", "inner chunks"});
}

TEST(ShardingCodec, DefaultsAndJson) {
  ChunkSpec spec{DType::from_typestr("<u2"), {8, 12}, {}};
  auto c = make(json{{"chunk_shape", {2, 3}}, {"codecs", json::array({kBytes})}}, spec);
  EXPECT_EQ(c->config().index_location, IndexLocation::kEnd);
  EXPECT_EQ(c->index_size(), 4u * 4 * 16 + 4);  // 16 entries + crc32c
  EXPECT_EQ(c->chunks_per_shard(), (Shape{4, 4}));
  json j = c->to_json();
  EXPECT_EQ(j["name"], "sharding_indexed");
  EXPECT_EQ(j["configuration"]["index_codecs"][1]["name"], "crc32c");
  auto again = make(j["configuration"], spec);
  EXPECT_EQ(again->to_json(), j);
  EncodedSize es = c->encoded_size(spec);
  EXPECT_EQ(es.kind, EncodedSize::Kind::kBounded);
  EXPECT_EQ(es.bytes, 8u * 12 * 2 + c->index_size());
}

// ---------------------------------------------------------------------------
// Round trips

TEST(ShardingCodec, RoundTrip2DIndexEndAndStart) {
  for (const char* loc : {"end", "start"}) {
    ChunkSpec spec{DType::from_typestr("<u2"), {8, 12}, fill_bytes<uint16_t>(0)};
    auto c = make(config({2, 3}, json::array({kBytes}), loc), spec);
    NDArray a = iota<uint16_t>("<u2", {8, 12});
    set_box<uint16_t>(a, {2, 3}, {2, 3}, 0);  // one inner chunk of fill value
    ByteBuffer enc = encode(*c, a);
    EXPECT_EQ(enc.size(), 15u * 12 + c->index_size()) << loc;  // 15 of 16 inner chunks stored
    EXPECT_TRUE(same(decode(*c, enc.view()), a)) << loc;
    // Through a pipeline, into an F-ordered destination.
    auto p = CodecPipeline::from_v3(json::array({c->to_json()}), spec);
    ByteBuffer enc2;
    p->encode(a, enc2, {});
    EXPECT_EQ(std::vector<uint8_t>(enc2.data(), enc2.data() + enc2.size()),
              std::vector<uint8_t>(enc.data(), enc.data() + enc.size()));
    NDArray f = NDArray::empty(spec.dtype, spec.shape, BufferKind::kHost, 0, 'F');
    p->decode(enc.view(), f, {});
    EXPECT_TRUE(same(f, a)) << loc;
  }
}

TEST(ShardingCodec, RoundTrip3DWithZstdAndCrc) {
  ChunkSpec spec{DType::from_typestr("<f4"), {6, 8, 10}, fill_bytes<float>(-1.5f)};
  json inner = json::array({kBytes, json{{"name", "zstd"}, {"configuration", {{"level", 3}}}}, kCrc});
  for (const char* loc : {"start", "end"}) {
    auto c = make(config({3, 4, 5}, inner, loc), spec);
    NDArray a = iota<float>("<f4", {6, 8, 10}, 0.25f);
    set_box<float>(a, {3, 0, 5}, {3, 4, 5}, -1.5f);
    ByteBuffer enc = encode(*c, a);
    EXPECT_TRUE(same(decode(*c, enc.view()), a)) << loc;
    // Decode into a strided view of a bigger array.
    NDArray big = NDArray::empty(spec.dtype, {12, 8, 10});
    NDArray view(big.buffer(), spec.dtype, {6, 8, 10}, {2 * 320, 40, 4}, 320, false);
    c->decode(enc.view(), spec, view, {});
    EXPECT_TRUE(same(view, a)) << loc;
  }
}

TEST(ShardingCodec, NestedSharding) {
  ChunkSpec spec{DType::from_typestr("<i8"), {8, 8}, fill_bytes<int64_t>(0)};
  json inner_sharding = {{"name", "sharding_indexed"}, {"configuration", config({2, 2}, json::array({kBytes, kCrc}))}};
  auto c = make(config({4, 4}, json::array({inner_sharding}), "start"), spec);
  NDArray a = iota<int64_t>("<i8", {8, 8}, -10);
  set_box<int64_t>(a, {4, 0}, {4, 4}, 0);  // a whole inner shard of fill value
  set_box<int64_t>(a, {0, 4}, {2, 2}, 0);  // an inner-inner chunk of fill value
  ByteBuffer enc = encode(*c, a);
  EXPECT_TRUE(same(decode(*c, enc.view()), a));
  CountingReader reader(enc.view());
  ShardRegion r{{1, 3}, {7, 6}};
  NDArray out = NDArray::empty(spec.dtype, r.shape());
  EXPECT_TRUE(read_shard_region(*c, reader, r, out, {}));
  EXPECT_TRUE(same(out, region_of(a, r)));
}

TEST(ShardingCodec, MissingInnerChunksAndEmptyShards) {
  ChunkSpec spec{DType::from_typestr("<i4"), {4, 6}, fill_bytes<int32_t>(42)};
  auto c = make(config({2, 3}), spec);
  NDArray a = NDArray::empty(spec.dtype, spec.shape);
  set_box<int32_t>(a, {0, 0}, {4, 6}, 42);
  ByteBuffer out;
  EXPECT_FALSE(c->encode_shard(a, out, {}));
  EXPECT_EQ(out.size(), c->index_size());  // no inner data at all
  NDArray d = decode(*c, out.view());
  EXPECT_TRUE(same(d, a));
  set_box<int32_t>(a, {1, 4}, {1, 1}, 7);  // one element differs: one inner chunk stored
  EXPECT_TRUE(c->encode_shard(a, out, {}));
  EXPECT_EQ(out.size(), c->index_size() + 6 * 4);
  EXPECT_TRUE(same(decode(*c, out.view()), a));
  // With write_empty_chunks every inner chunk is stored, the fill ones too.
  CodecOptions keep;
  keep.write_empty_chunks = true;
  EXPECT_TRUE(c->encode_shard(a, out, keep));
  EXPECT_EQ(out.size(), c->index_size() + 4 * 6 * 4);
  ShardIndex index = c->decode_index(out.view().subspan(out.size() - c->index_size()), out.size(), {});
  for (size_t i = 0; i < c->num_inner_chunks(); ++i) EXPECT_FALSE(index.missing(i)) << i;
  EXPECT_TRUE(same(decode(*c, out.view()), a));
  // A missing shard reads as the fill value, with one read call.
  auto missing = BytesRangeReader::missing();
  NDArray part = NDArray::empty(spec.dtype, {2, 2});
  EXPECT_FALSE(read_shard_region(*c, missing, {{1, 1}, {3, 3}}, part, {}));
  for (int i = 0; i < 4; ++i) EXPECT_EQ(static_cast<int32_t*>(part.data())[i], 42);
}

// Encoding hands the shard on in pieces: with the index at the end, batch by
// batch of inner chunks (bounded memory), and the pieces, joined, are a shard
// that decodes to the data; batches that are all fill add nothing.
TEST(ShardingCodec, EncodeToStreamsBatchesInFileOrder) {
  // 1 MiB inner chunks: a batch holds 2 of them (2 MiB), and at least two per
  // thread, so 24 make several batches.
  ChunkSpec spec{DType::from_typestr("|u1"), {6 * 1024, 4 * 1024}, fill_bytes<uint8_t>(0)};
  for (const char* location : {"end", "start"}) {
    const bool at_end = std::string(location) == "end";
    auto c = make(config({1024, 1024}, json::array({kBytes}), location), spec);
    ASSERT_EQ(c->num_inner_chunks(), 24u);
    NDArray a = NDArray::empty(spec.dtype, spec.shape);
    uint8_t* p = static_cast<uint8_t*>(a.data());
    for (int64_t i = 0; i < a.size(); ++i) p[i] = static_cast<uint8_t>(1 + i % 251);
    // The first batch's inner chunks in file order, and one more, all fill.
    const size_t batch = std::max<size_t>(2, 2 * static_cast<size_t>(ThreadPool::global().threads()));
    std::vector<bool> present(24, true);
    std::vector<uint32_t> empty(c->write_order().begin(), c->write_order().begin() + 8);
    empty.push_back(c->write_order()[20]);
    for (uint32_t i : empty) {
      Shape at = c->chunk_coords(i);
      set_box<uint8_t>(a, {at[0] * 1024, at[1] * 1024}, {1024, 1024}, 0);
      present[i] = false;
    }
    std::vector<size_t> expect;  // pieces per call
    if (at_end) {
      for (size_t b = 0; b < 24; b += batch) {
        size_t n = 0;
        for (size_t k = b; k < std::min<size_t>(b + batch, 24); ++k) n += present[c->write_order()[k]];
        if (n) expect.push_back(n);
      }
      expect.push_back(1);  // the index alone
    } else {
      expect.push_back(1 + 15);  // the index, then every chunk
    }
    std::vector<size_t> calls;
    ByteBuffer joined;
    bool any = c->encode_shard_to(a, [&](std::span<const ByteView> pieces) {
      calls.push_back(pieces.size());
      for (const ByteView& piece : pieces) joined.append(piece);
    }, {});
    EXPECT_TRUE(any);
    EXPECT_EQ(calls, expect) << location;
    if (at_end && batch < 24) EXPECT_GE(calls.size(), 3u);  // streamed: more than one batch of data
    EXPECT_EQ(joined.size(), c->index_size() + 15u * 1024 * 1024);
    EXPECT_TRUE(same(decode(*c, joined.view()), a)) << location;
    ByteBuffer whole;
    EXPECT_TRUE(c->encode_shard(a, whole, {}));
    ASSERT_EQ(whole.size(), joined.size());
    EXPECT_EQ(std::memcmp(whole.data(), joined.data(), whole.size()), 0) << location;
    // all fill: the sink is never called
    set_box<uint8_t>(a, {0, 0}, {6 * 1024, 4 * 1024}, 0);
    calls.clear();
    EXPECT_FALSE(c->encode_shard_to(a, [&](std::span<const ByteView> pieces) { calls.push_back(pieces.size()); }, {}));
    EXPECT_TRUE(calls.empty());
  }
}

// A sink that fails (a store error while an earlier batch is written, which
// overlaps the next batch's encoding) fails the encode with its own error.
TEST(ShardingCodec, EncodeToPassesOnTheSinksError) {
  ChunkSpec spec{DType::from_typestr("|u1"), {6 * 1024, 4 * 1024}, fill_bytes<uint8_t>(0)};
  auto c = make(config({1024, 1024}), spec);
  NDArray a = NDArray::empty(spec.dtype, spec.shape);
  uint8_t* p = static_cast<uint8_t*>(a.data());
  for (int64_t i = 0; i < a.size(); ++i) p[i] = static_cast<uint8_t>(1 + i % 251);
  for (int fail_at : {1, 2, 3}) {
    int calls = 0;
    try {
      c->encode_shard_to(a, [&](std::span<const ByteView>) {
        if (++calls == fail_at) throw Error(ErrorCode::kIoError, "disk full");
      }, {});
      ADD_FAILURE() << "no error at call " << fail_at;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kIoError);
      EXPECT_STREQ(e.what(), "disk full");
    }
    EXPECT_EQ(calls, fail_at);  // nothing handed on after the failure
  }
}

// Pipelines decode a prefix where every step allows it: bytes (native
// order) + zstd, with a crc32c outside it (checked over everything first);
// not through a transpose, another byte order or a zstd checksum.
TEST(CodecPipeline, DecodesAPrefixWhereTheChainAllows) {
  ChunkSpec spec{DType::from_typestr("<u2"), {16, 32, 32}, fill_bytes<uint16_t>(0)};
  NDArray a = iota<uint16_t>("<u2", spec.shape, 3);
  const json zstd = {{"name", "zstd"}, {"configuration", {{"level", 1}, {"checksum", false}}}};
  const json zstd_sum = {{"name", "zstd"}, {"configuration", {{"level", 1}, {"checksum", true}}}};
  const json be = {{"name", "bytes"}, {"configuration", {{"endian", "big"}}}};
  const json tr = {{"name", "transpose"}, {"configuration", {{"order", {2, 1, 0}}}}};
  struct Case {
    json chain;
    bool prefix;
  };
  for (const Case& k : {Case{json::array({kBytes, zstd}), true}, Case{json::array({kBytes, zstd, kCrc}), true},
                        Case{json::array({kBytes, zstd_sum}), false}, Case{json::array({be, zstd}), false},
                        Case{json::array({tr, kBytes, zstd}), false}, Case{json::array({kBytes, kCrc}), false}}) {
    SCOPED_TRACE(k.chain.dump());
    auto p = CodecPipeline::from_v3(k.chain, spec);
    ByteBuffer enc;
    p->encode(a, enc, {});
    // rows 0..4 of plane 0 and all of plane 1's first row: up to element (1, 0, 31)
    const uint64_t prefix = c_order_prefix(spec.shape, {0, 0, 0}, {2, 1, 32}, 2);
    EXPECT_EQ(prefix, (32u * 32 + 32) * 2);
    NDArray out = NDArray::empty(spec.dtype, spec.shape);
    std::memset(out.data(), 0xAB, static_cast<size_t>(out.nbytes()));
    EXPECT_EQ(p->decode_prefix(enc.view(), out, prefix, {}), k.prefix);
    if (k.prefix) {
      EXPECT_EQ(std::memcmp(out.data(), a.data(), prefix), 0);
      EXPECT_EQ(static_cast<uint8_t*>(out.data())[prefix], 0xAB);  // left as it was
    }
    EXPECT_FALSE(p->decode_prefix(enc.view(), out, static_cast<uint64_t>(out.nbytes()), {}));  // whole: decode()
  }
  // a broken checksum outside zstd is still caught
  auto p = CodecPipeline::from_v3(json::array({kBytes, zstd, kCrc}), spec);
  ByteBuffer enc;
  p->encode(a, enc, {});
  enc.data()[enc.size() - 1] ^= 1;
  NDArray out = NDArray::empty(spec.dtype, spec.shape);
  EXPECT_THROW(p->decode_prefix(enc.view(), out, 64, {}), Error);
}

// ---------------------------------------------------------------------------
// Partial reads

TEST(ShardingCodec, PartialReadReadsIndexOnceAndOnlyNeededChunks) {
  ChunkSpec spec{DType::from_typestr("<u2"), {8, 8}, fill_bytes<uint16_t>(0)};
  auto c = make(config({2, 2}), spec);  // 16 inner chunks of 8 bytes
  NDArray a = iota<uint16_t>("<u2", {8, 8});
  ByteBuffer enc = encode(*c, a);
  ShardIndex index = c->decode_index(enc.view().subspan(enc.size() - c->index_size()), enc.size(), {});
  ShardRegion r{{2, 3}, {6, 5}};  // inner chunks (1..2, 1..2)
  const std::vector<size_t> needed = {5, 6, 9, 10};

  // Default options: the four ranges are within 1 MiB of each other -> one read.
  {
    CountingReader reader(enc.view());
    NDArray out = NDArray::empty(spec.dtype, r.shape());
    ASSERT_TRUE(read_shard_region(*c, reader, r, out, {}));
    EXPECT_TRUE(same(out, region_of(a, r)));
    ASSERT_EQ(reader.calls.size(), 2u);
    EXPECT_EQ(reader.calls[0], std::vector<ByteRange>{c->index_range(enc.size())});
    uint64_t lo = UINT64_MAX, hi = 0;
    for (size_t i : needed) {
      lo = std::min(lo, index.range(i)->offset);
      hi = std::max(hi, index.range(i)->offset + 8);
    }
    EXPECT_EQ(reader.calls[1], std::vector<ByteRange>{ByteRange::at(lo, hi - lo)});
  }
  // No gap allowed: only adjacent inner chunks merge; exactly the needed bytes.
  {
    CountingReader reader(enc.view());
    NDArray out = NDArray::empty(spec.dtype, r.shape());
    ShardReadOptions ro;
    ro.coalesce_max_gap = 0;
    ASSERT_TRUE(read_shard_region(*c, reader, r, out, {}, ro));
    EXPECT_TRUE(same(out, region_of(a, r)));
    ASSERT_EQ(reader.calls.size(), 2u);
    std::vector<ByteRange> expect;
    std::vector<uint64_t> offsets;
    for (size_t i : needed) offsets.push_back(index.range(i)->offset);
    std::sort(offsets.begin(), offsets.end());
    for (uint64_t o : offsets) {
      if (!expect.empty() && expect.back().offset + expect.back().length == o) expect.back().length += 8;
      else expect.push_back(ByteRange::at(o, 8));
    }
    EXPECT_EQ(reader.calls[1], expect);
    EXPECT_EQ(reader.bytes_read, c->index_size() + 4 * 8);
  }
  // A size cap splits the merged range.
  {
    CountingReader reader(enc.view());
    NDArray out = NDArray::empty(spec.dtype, r.shape());
    ShardReadOptions ro;
    ro.coalesce_max_size = 16;
    ASSERT_TRUE(read_shard_region(*c, reader, r, out, {}, ro));
    EXPECT_TRUE(same(out, region_of(a, r)));
    ASSERT_EQ(reader.calls.size(), 2u);
    for (const ByteRange& br : reader.calls[1]) EXPECT_LE(br.length, 16u);
  }
  // Unknown shard size with the index at the end: a suffix read.
  {
    CountingReader reader(enc.view(), /*size_known=*/false);
    NDArray out = NDArray::empty(spec.dtype, r.shape());
    ASSERT_TRUE(read_shard_region(*c, reader, r, out, {}));
    EXPECT_TRUE(same(out, region_of(a, r)));
    ASSERT_EQ(reader.calls.size(), 2u);
    EXPECT_EQ(reader.calls[0], std::vector<ByteRange>{ByteRange::last(c->index_size())});
  }
}

TEST(ShardingCodec, PartialReadIndexAtStartAndMissingChunks) {
  ChunkSpec spec{DType::from_typestr("<i2"), {6, 9}, fill_bytes<int16_t>(-1)};
  auto c = make(config({3, 3}, json::array({kBytes}), "start"), spec);
  NDArray a = iota<int16_t>("<i2", {6, 9});
  set_box<int16_t>(a, {0, 0}, {3, 9}, -1);  // the first row of inner chunks is missing
  ByteBuffer enc = encode(*c, a);
  {
    CountingReader reader(enc.view(), false);
    ShardRegion r{{0, 1}, {3, 8}};  // only missing inner chunks: no second read
    NDArray out = NDArray::empty(spec.dtype, r.shape());
    ASSERT_TRUE(read_shard_region(*c, reader, r, out, {}));
    EXPECT_TRUE(same(out, region_of(a, r)));
    ASSERT_EQ(reader.calls.size(), 1u);
    EXPECT_EQ(reader.calls[0], std::vector<ByteRange>{ByteRange::at(0, c->index_size())});
  }
  for (const ShardRegion& r : {ShardRegion{{2, 2}, {5, 7}}, ShardRegion{{0, 0}, {6, 9}}, ShardRegion{{4, 8}, {5, 9}},
                               ShardRegion{{3, 3}, {3, 3}}}) {
    CountingReader reader(enc.view());
    NDArray out = NDArray::empty(spec.dtype, r.shape());
    ASSERT_TRUE(read_shard_region(*c, reader, r, out, {}));
    EXPECT_TRUE(same(out, region_of(a, r)));
    EXPECT_LE(reader.calls.size(), 2u);
  }
  NDArray out = NDArray::empty(spec.dtype, {1, 2});
  CountingReader reader(enc.view());
  expect_error(ErrorCode::kOutOfRange, [&] { read_shard_region(*c, reader, {{5, 8}, {6, 10}}, out, {}); },
               {"sharding_indexed"});
}

TEST(ShardingCodec, PlanListsChunksAndDestinations) {
  ChunkSpec spec{DType::from_typestr("|u1"), {4, 4}, {}};
  auto c = make(config({2, 2}), spec);
  NDArray a = iota<uint8_t>("|u1", {4, 4});
  set_box<uint8_t>(a, {2, 2}, {2, 2}, 0);
  ByteBuffer enc = encode(*c, a);
  ShardIndex index = c->decode_index(enc.view().subspan(enc.size() - c->index_size()), enc.size(), {});
  ShardReadPlan plan = plan_shard_read(*c, index, {{1, 0}, {4, 3}});
  ASSERT_EQ(plan.chunks.size(), 4u);
  EXPECT_EQ(plan.chunks[0].coords, (Shape{0, 0}));
  EXPECT_EQ(plan.chunks[0].inner_start, (Shape{1, 0}));
  EXPECT_EQ(plan.chunks[0].shape, (Shape{1, 2}));
  EXPECT_EQ(plan.chunks[0].out_start, (Shape{0, 0}));
  EXPECT_FALSE(plan.chunks[0].whole);
  EXPECT_EQ(plan.chunks[2].coords, (Shape{1, 0}));
  EXPECT_TRUE(plan.chunks[2].whole);
  EXPECT_EQ(plan.chunks[2].out_start, (Shape{1, 0}));
  EXPECT_FALSE(plan.chunks[3].bytes.has_value());  // (1, 1) is missing
  ASSERT_EQ(plan.reads.size(), 1u);                 // the three present ones, coalesced
  EXPECT_EQ(plan.reads[0], ByteRange::at(0, 12));
  // Decoding the plan from bytes gathered elsewhere.
  std::vector<ByteView> reads{enc.view().subspan(0, 12)};
  NDArray out = NDArray::empty(spec.dtype, {3, 3});
  decode_shard_plan(*c, plan, reads, out, {});
  EXPECT_TRUE(same(out, region_of(a, {{1, 0}, {4, 3}})));
}

TEST(ShardingCodec, ManyInnerChunksRandomRegions) {
  ChunkSpec spec{DType::from_typestr("<u4"), {64, 48}, fill_bytes<uint32_t>(0)};
  json inner = json::array({kBytes, json{{"name", "zstd"}, {"configuration", {{"level", 1}}}}, kCrc});
  auto c = make(config({4, 6}, inner), spec);  // 16 x 8 inner chunks, encoded in parallel
  NDArray a = iota<uint32_t>("<u4", {64, 48});
  for (int64_t i = 0; i < 64; i += 12) set_box<uint32_t>(a, {i, 0}, {4, 48}, 0);  // rows of missing chunks
  ByteBuffer enc = encode(*c, a);
  EXPECT_TRUE(same(decode(*c, enc.view()), a));
  uint64_t state = 12345;
  auto next = [&](int64_t n) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<int64_t>((state >> 33) % static_cast<uint64_t>(n));
  };
  for (int t = 0; t < 40; ++t) {
    Shape lo{next(64), next(48)};
    Shape hi{lo[0] + 1 + next(64 - lo[0]), lo[1] + 1 + next(48 - lo[1])};
    ShardRegion r{lo, hi};
    ShardReadOptions ro;
    ro.coalesce_max_gap = static_cast<uint64_t>(next(3)) * 100;  // 0, 100 or 200 bytes
    CountingReader reader(enc.view(), t % 2 == 0);
    NDArray out = NDArray::empty(spec.dtype, r.shape());
    ASSERT_TRUE(read_shard_region(*c, reader, r, out, {}, ro));
    EXPECT_TRUE(same(out, region_of(a, r))) << t;
    EXPECT_LE(reader.calls.size(), 2u);
    if (ro.coalesce_max_gap == 0) {  // exactly the index and the needed inner chunks
      ShardIndex index = c->decode_index(enc.view().subspan(enc.size() - c->index_size()), enc.size(), {});
      uint64_t needed = c->index_size();
      for (int64_t i = lo[0] / 4; i < (hi[0] + 3) / 4; ++i) {
        for (int64_t j = lo[1] / 6; j < (hi[1] + 5) / 6; ++j) {
          if (auto br = index.range(static_cast<size_t>(i * 8 + j))) needed += br->length;
        }
      }
      EXPECT_EQ(reader.bytes_read, needed) << t;
    }
  }
}

// ---------------------------------------------------------------------------
// Hostile input

class ShardingHostileIndex : public ::testing::Test {
 protected:
  void SetUp() override {
    spec = ChunkSpec{DType::from_typestr("<u2"), {4, 4}, {}};
    c = make(config({2, 2}), spec);  // index at the end, 4 inner chunks of 8 bytes
    a = iota<uint16_t>("<u2", {4, 4});
    good = encode(*c, a);
    index = c->decode_index(good.view().subspan(good.size() - c->index_size()), good.size(), {});
  }
  // The shard with the index replaced (a valid checksum) and its data kept.
  ByteBuffer with_index(const ShardIndex& idx) {
    ByteBuffer ib;
    c->encode_index(idx, ib, {});
    ByteBuffer s = good;
    std::memcpy(s.data() + s.size() - ib.size(), ib.data(), ib.size());
    return s;
  }
  void expect_corrupt(const ByteBuffer& shard, const std::string& what) {
    expect_error(ErrorCode::kCorruptChunk, [&] { decode(*c, shard.view()); }, {"sharding_indexed", what});
    CountingReader reader(shard.view());
    NDArray out = NDArray::empty(spec.dtype, spec.shape);
    expect_error(ErrorCode::kCorruptChunk, [&] { read_shard_region(*c, reader, {{0, 0}, {4, 4}}, out, {}); },
                 {"sharding_indexed", what});
  }
  ChunkSpec spec;
  std::shared_ptr<const ShardingCodec> c;
  NDArray a = NDArray::empty(DType::from_typestr("<u2"), {1});
  ByteBuffer good;
  ShardIndex index;
};

TEST_F(ShardingHostileIndex, OffsetPastTheEnd) {
  ShardIndex bad = index;
  bad.entries[2 * 3] = good.size();  // inner chunk (1, 1) starts at the end
  expect_corrupt(with_index(bad), "inner chunk (1, 1)");
  bad = index;
  bad.entries[2 * 1 + 1] = 1 << 30;  // absurd length
  expect_corrupt(with_index(bad), "inner chunk (0, 1)");
}

TEST_F(ShardingHostileIndex, Overflow) {
  ShardIndex bad = index;
  bad.entries[2 * 2] = UINT64_MAX - 3;
  bad.entries[2 * 2 + 1] = 8;
  expect_corrupt(with_index(bad), "overflows");
}

TEST_F(ShardingHostileIndex, OverlappingTheIndex) {
  ShardIndex bad = index;
  bad.entries[0] = good.size() - c->index_size() - 4;  // last 4 bytes of data + 4 of the index
  expect_corrupt(with_index(bad), "overlapping the shard index");
}

TEST_F(ShardingHostileIndex, HalfMissingMarker) {
  ShardIndex bad = index;
  bad.entries[1] = ShardIndex::kMissing;
  expect_corrupt(with_index(bad), "inner chunk (0, 0)");
}

TEST_F(ShardingHostileIndex, WrongLengthIsNamedByChunk) {
  ShardIndex bad = index;
  bad.entries[2 * 1 + 1] = 6;  // the bytes codec wants 8
  expect_corrupt(with_index(bad), "inner chunk (0, 1)");
}

TEST_F(ShardingHostileIndex, TruncatedShard) {
  ByteBuffer shard(good.view().subspan(0, c->index_size() - 1));
  expect_corrupt(shard, "index");
  // Cut at the end: the index (now misplaced) fails its checksum.
  ByteBuffer cut(good.view().subspan(0, good.size() - 8));
  expect_error(ErrorCode::kCorruptChunk, [&] { decode(*c, cut.view()); }, {"sharding_indexed", "shard index"});
}

TEST_F(ShardingHostileIndex, WrongChecksum) {
  ByteBuffer s = good;
  s.data()[s.size() - 10] ^= 1;
  expect_corrupt(s, "shard index");
}

TEST_F(ShardingHostileIndex, UnknownSizeShortRead) {
  // Size unknown: the index is read with a suffix read, and an entry past
  // the end is caught when its bytes come back short.
  ShardIndex bad = index;
  bad.entries[2 * 3] = good.size() - 4;
  ByteBuffer s = with_index(bad);
  CountingReader reader(s.view(), false);
  NDArray out = NDArray::empty(spec.dtype, spec.shape);
  expect_error(ErrorCode::kCorruptChunk, [&] { read_shard_region(*c, reader, {{0, 0}, {4, 4}}, out, {}); },
               {"sharding_indexed", "inner chunk (1, 1)", "past the end"});
}

// ---------------------------------------------------------------------------
// Known answers: shards written by zarr-python 3.1.6 (LocalStore, bytes codec
// only, so the bytes are deterministic). See the generating code in each test.

TEST(ShardingCodec, ZarrPythonShardIndexEnd) {
  // a = np.arange(1, 25, dtype='<u2').reshape(4, 6); a[2:4, 0:3] = 0
  // zarr.create_array(store, shape=(4, 6), chunks=(2, 3), shards=(4, 6), dtype='uint16', fill_value=0,
  //                   serializer=BytesCodec(endian='little'), compressors=None, filters=None)[:] = a
  const auto fixture = from_hex(
      "0100020003000700080009000400050006000a000b000c0010001100120016001700180000000000000000000c0000000000"
      "00000c000000000000000c00000000000000ffffffffffffffffffffffffffffffff18000000000000000c00000000000000"
      "ac43ee37");
  json cfg = json::parse(R"({"chunk_shape": [2, 3], "codecs": [{"name": "bytes", "configuration": {"endian":
      "little"}}], "index_codecs": [{"name": "bytes", "configuration": {"endian": "little"}}, {"name": "crc32c"}],
      "index_location": "end"})");
  ChunkSpec spec{DType::from_typestr("<u2"), {4, 6}, fill_bytes<uint16_t>(0)};
  auto c = make(cfg, spec);
  NDArray a = iota<uint16_t>("<u2", {4, 6});
  set_box<uint16_t>(a, {2, 0}, {2, 3}, 0);
  EXPECT_TRUE(same(decode(*c, fixture), a));
  ByteBuffer enc = encode(*c, a);
  EXPECT_EQ(std::vector<uint8_t>(enc.data(), enc.data() + enc.size()), fixture);
}

TEST(ShardingCodec, ZarrPythonShardIndexStartMortonOrder) {
  // b = (np.arange(48, dtype='<i4') * 3 - 20).reshape(6, 4, 2); b[2:4, 2:4, 0:1] = 7
  // ShardingCodec(chunk_shape=(2, 2, 1), codecs=[BytesCodec()], index_codecs=[BytesCodec(), Crc32cCodec()],
  //               index_location='start'); one shard (6, 4, 2), dtype int32, fill_value 7.
  // The inner chunk grid (3, 2, 2) is not a power of two: zarr-python lays
  // the chunks out in Morton order.
  const auto fixture = from_hex(
      "c4000000000000001000000000000000f4000000000000001000000000000000e40000000000000010000000000000001401"
      "0000000000001000000000000000d400000000000000100000000000000004010000000000001000000000000000ffffffff"
      "ffffffffffffffffffffffff2401000000000000100000000000000034010000000000001000000000000000540100000000"
      "0000100000000000000044010000000000001000000000000000640100000000000010000000000000008a6ba862ecffffff"
      "f2ffffff040000000a0000001c00000022000000340000003a000000f8fffffffeffffff1000000016000000effffffff5ff"
      "ffff070000000d0000001f00000025000000370000003d000000fbffffff0100000013000000190000002b00000031000000"
      "43000000490000004c00000052000000640000006a000000580000005e00000070000000760000004f000000550000006700"
      "00006d0000005b000000610000007300000079000000");
  ASSERT_EQ(fixture.size(), 372u);
  json cfg = json::parse(R"({"chunk_shape": [2, 2, 1], "codecs": [{"name": "bytes", "configuration": {"endian":
      "little"}}], "index_codecs": [{"name": "bytes", "configuration": {"endian": "little"}}, {"name": "crc32c"}],
      "index_location": "start"})");
  ChunkSpec spec{DType::from_typestr("<i4"), {6, 4, 2}, fill_bytes<int32_t>(7)};
  auto c = make(cfg, spec);
  NDArray b = NDArray::empty(spec.dtype, spec.shape);
  for (int i = 0; i < 48; ++i) static_cast<int32_t*>(b.data())[i] = i * 3 - 20;
  set_box<int32_t>(b, {2, 2, 0}, {2, 2, 1}, 7);
  EXPECT_TRUE(same(decode(*c, fixture), b));
  ByteBuffer enc = encode(*c, b);
  EXPECT_EQ(std::vector<uint8_t>(enc.data(), enc.data() + enc.size()), fixture);
  // And a partial read of it.
  CountingReader reader(ByteView(fixture.data(), fixture.size()));
  ShardRegion r{{1, 1, 1}, {5, 3, 2}};
  NDArray out = NDArray::empty(spec.dtype, r.shape());
  ASSERT_TRUE(read_shard_region(*c, reader, r, out, {}));
  EXPECT_TRUE(same(out, region_of(b, r)));
  EXPECT_EQ(reader.calls.size(), 2u);
}

TEST_F(ShardingHostileIndex, RandomCorruptionIsAnErrorNeverACrash) {
  // No checksum on the index, so that mutations reach the validation.
  json cfg = config({2, 2}, json::array({kBytes, json{{"name", "zstd"}}}), "start");
  cfg["index_codecs"] = json::array({kBytes});
  auto z = make(cfg, spec);
  ByteBuffer shard = encode(*z, a);
  uint64_t state = 99;
  auto next = [&](uint64_t n) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (state >> 33) % n;
  };
  int errors = 0;
  for (int t = 0; t < 400; ++t) {
    ByteBuffer s = shard;
    for (uint64_t k = 0, n = 1 + next(4); k < n; ++k) {
      // Mostly the index (the first 64 bytes), sometimes the data.
      size_t at = static_cast<size_t>(t % 4 ? next(z->index_size()) : next(s.size()));
      s.data()[at] = static_cast<uint8_t>(t % 3 ? next(256) : 0xff);
    }
    try {
      decode(*z, s.view());
    } catch (const Error& e) {
      ++errors;
      EXPECT_EQ(e.code(), ErrorCode::kCorruptChunk) << e.what();
    }
    CountingReader reader(s.view(), t % 2 == 0);
    NDArray out = NDArray::empty(spec.dtype, {3, 3});
    try {
      read_shard_region(*z, reader, {{1, 1}, {4, 4}}, out, {});
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kCorruptChunk) << e.what();
    }
  }
  EXPECT_GT(errors, 100);
}
