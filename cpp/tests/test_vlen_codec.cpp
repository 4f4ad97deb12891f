// Tests of the "vlen-utf8" and "vlen-bytes" codecs: known answers written by
// numcodecs (VLenUTF8 / VLenBytes), round trips through C-ordered and strided
// arrays (empty items, non-ASCII text, 0-d and zero-size chunks), the
// lifetime of the decoded heaps, the pipeline's fill values, configuration
// errors, and hostile input.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "array_codec_test_util.h"
#include "codec/array_to_bytes/vlen_codec.h"
#include "zarrnative/codec/pipeline.h"
#include "zarrnative/codec/registry.h"
#include "zarrnative/common/error.h"
#include "zarrnative/common/vlen.h"

namespace zarrnative::codec {
namespace {

using namespace array_codec_test;
using Strings = std::vector<std::string>;

const DType kString(DTypeKind::kString, kVlenItemSize);
const DType kBytesType(DTypeKind::kBytes, kVlenItemSize);

// numcodecs.VLenUTF8().encode(np.array([['a', 'bc', ''], ['é€😀', 'zarr', '\x00x']], dtype=object))
const Bytes kUtf8Encoded = {6, 0, 0, 0, 1, 0, 0, 0, 97, 2, 0, 0, 0, 98, 99, 0, 0, 0, 0, 9, 0, 0, 0, 195, 169, 226,
                            130, 172, 240, 159, 152, 128, 4, 0, 0, 0, 122, 97, 114, 114, 2, 0, 0, 0, 0, 120};
const Strings kUtf8Items = {"a", "bc", "", "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80", "zarr", std::string("\0x", 2)};
const Shape kUtf8Shape{2, 3};

// numcodecs.VLenBytes().encode(np.array([b'\x00\xff', b'', b'abc', b'\x80'], dtype=object))
const Bytes kBytesEncoded = {4, 0, 0, 0, 2, 0, 0, 0, 0, 255, 0, 0, 0, 0, 3, 0, 0, 0, 97, 98, 99, 1, 0, 0, 0, 128};
const Strings kBytesItems = {std::string("\0\xFF", 2), "", "abc", "\x80"};

std::shared_ptr<const ArrayToBytesCodec> make(std::string_view name, const ChunkSpec& spec,
                                              const json& config = json::object()) {
  return CodecRegistry::builtin().make_array_to_bytes(name, config, spec);
}

// A C-ordered array of `items`, their bytes in one heap attached to its buffer.
NDArray make_vlen(const DType& dtype, const Shape& shape, const Strings& items) {
  NDArray a = NDArray::empty(dtype, shape);
  EXPECT_EQ(static_cast<size_t>(a.size()), items.size());
  auto heap = std::make_shared<ByteBuffer>();
  for (const auto& s : items) heap->append(ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
  auto* out = static_cast<VlenItem*>(a.data());
  size_t pos = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    out[i] = {items[i].empty() ? nullptr : heap->data() + pos, items[i].size()};
    pos += items[i].size();
  }
  a.buffer()->attach(heap);
  return a;
}

// The items of `a` (any strides) in C order.
Strings items_of(const NDArray& a) {
  NDArray c = NDArray::empty(a.dtype(), a.shape());
  c.copy_from(a);
  Strings out;
  const auto* p = static_cast<const VlenItem*>(c.data());
  for (int64_t i = 0; i < c.size(); ++i) out.emplace_back(p[i].view());
  return out;
}

Bytes encode(const ArrayToBytesCodec& c, const NDArray& a, const ChunkSpec& spec) {
  ByteBuffer out;
  c.encode(a, spec, out, {});
  return Bytes(out.data(), out.data() + out.size());
}

Bytes with_header(uint32_t count, std::initializer_list<std::pair<uint32_t, std::string>> items) {
  Bytes b;
  auto put = [&](uint32_t v) {
    for (int k = 0; k < 4; ++k) b.push_back(static_cast<uint8_t>(v >> (8 * k)));
  };
  put(count);
  for (const auto& [len, s] : items) {
    put(len);
    b.insert(b.end(), s.begin(), s.end());
  }
  return b;
}

TEST(VlenCodecTest, KnownAnswersFromNumcodecs) {
  struct Case {
    std::string_view name;
    DType dtype;
    Shape shape;
    const Strings& items;
    const Bytes& encoded;
  };
  for (const Case& k : {Case{names::kVlenUtf8, kString, kUtf8Shape, kUtf8Items, kUtf8Encoded},
                        Case{names::kVlenBytes, kBytesType, {4}, kBytesItems, kBytesEncoded}}) {
    SCOPED_TRACE(k.name);
    const ChunkSpec spec{k.dtype, k.shape, {}};
    auto c = make(k.name, spec);
    EXPECT_EQ(c->name(), k.name);
    EXPECT_EQ(c->to_json(), (json{{"name", k.name}, {"configuration", json::object()}}));
    EXPECT_FALSE(c->encoded_size(spec).is_known());
    EXPECT_FALSE(c->is_identity_for(spec));
    const NDArray x = make_vlen(k.dtype, k.shape, k.items);
    EXPECT_EQ(encode(*c, x, spec), k.encoded);
    EXPECT_EQ(encode(*c, strided(x), spec), k.encoded);
    for (NDArray out : {NDArray::empty(k.dtype, k.shape), strided_empty(k.dtype, k.shape)}) {
      c->decode(ByteView(k.encoded), spec, out, {});
      EXPECT_EQ(items_of(out), k.items);
    }
  }
}

TEST(VlenCodecTest, TheV2FilterFormMakesTheSameCodec) {
  const ChunkSpec spec{kString, {2}, {}};
  auto c = make(names::kVlenUtf8, spec, json{{"id", "vlen-utf8"}});
  EXPECT_EQ(encode(*c, make_vlen(kString, {2}, {"x", "yz"}), spec), with_header(2, {{1, "x"}, {2, "yz"}}));
  EXPECT_EQ(make(names::kVlenBytes, {kBytesType, {2}, {}}, json{{"id", "vlen-bytes"}})->name(), "vlen-bytes");
  EXPECT_EQ(make(names::kVlenUtf8, spec, json())->name(), "vlen-utf8");  // null: no configuration
}

TEST(VlenCodecTest, EncodesTransposedViewsInCOrderOfTheView) {
  // x = [[a, b, c], [d, e, f]]; its transpose is [[a, d], [b, e], [c, f]].
  const NDArray x = make_vlen(kString, {2, 3}, {"a", "b", "c", "d", "e", "f"});
  const NDArray t(x.buffer(), kString, {3, 2}, {16, 48}, 0, true);
  const ChunkSpec spec{kString, {3, 2}, {}};
  EXPECT_EQ(encode(*make(names::kVlenUtf8, spec), t, spec),
            with_header(6, {{1, "a"}, {1, "d"}, {1, "b"}, {1, "e"}, {1, "c"}, {1, "f"}}));
}

TEST(VlenCodecTest, RoundTripsEdgeCases) {
  const std::string big(100000, 'q');
  struct Case {
    Shape shape;
    Strings items;
  };
  const Case cases[] = {
      {{5}, {"", "", "", "", ""}},                        // only empty items: no heap
      {{}, {"\xF0\x9F\x92\xA9 zero-d"}},                  // a 0-d chunk
      {{0}, {}},                                          // zero-size chunks
      {{3, 0, 2}, {}},
      {{2, 2}, {big, "", "\xE6\x97\xA5\xE6\x9C\xAC", "\x7F"}},
  };
  for (const Case& k : cases) {
    for (const DType& dtype : {kString, kBytesType}) {
      const ChunkSpec spec{dtype, k.shape, {}};
      auto c = make(dtype == kString ? names::kVlenUtf8 : names::kVlenBytes, spec);
      const Bytes enc = encode(*c, make_vlen(dtype, k.shape, k.items), spec);
      uint64_t expected = 4;
      for (const auto& s : k.items) expected += 4 + s.size();
      EXPECT_EQ(enc.size(), expected);
      for (NDArray out : {NDArray::empty(dtype, k.shape), strided_empty(dtype, k.shape)}) {
        c->decode(ByteView(enc), spec, out, {});
        EXPECT_EQ(items_of(out), k.items);
      }
    }
  }
  // Empty items decode as the all-zero item, whatever the destination held.
  const ChunkSpec spec{kString, {2}, {}};
  NDArray out = make_vlen(kString, {2}, {"old", "older"});
  make(names::kVlenUtf8, spec)->decode(ByteView(with_header(2, {{0, ""}, {0, ""}})), spec, out, {});
  const auto* items = static_cast<const VlenItem*>(out.data());
  EXPECT_EQ(items[0].data, nullptr);
  EXPECT_EQ(items[1].size, 0u);
}

TEST(VlenCodecTest, DecodedItemsOutliveTheInputAndTheChunkView) {
  // Decode chunk 1 of a 2-chunk result into a view of it; the input goes
  // away, and so do the view and the codec: the result's buffer keeps the heap.
  NDArray result = NDArray::empty(kString, {4});
  {
    const ChunkSpec spec{kString, {2}, {}};
    auto enc = std::make_unique<Bytes>(with_header(2, {{5, "hello"}, {5, "world"}}));
    NDArray view(result.buffer(), kString, {2}, {16}, 32, false);
    make(names::kVlenUtf8, spec)->decode(ByteView(*enc), spec, view, {});
    std::fill(enc->begin(), enc->end(), 0xAA);
  }
  EXPECT_EQ(items_of(result), (Strings{"", "", "hello", "world"}));
  // A copy keeps the heaps too, after the original is gone.
  NDArray copy = NDArray::empty(kString, {4});
  copy.copy_from(result);
  result = NDArray::empty(kString, {1});
  EXPECT_EQ(items_of(copy), (Strings{"", "", "hello", "world"}));
}

TEST(VlenCodecTest, ManyThreadsDecodeIntoOneResult) {
  constexpr int kChunks = 64;
  NDArray result = NDArray::empty(kString, {kChunks, 3});
  const ChunkSpec spec{kString, {3}, {}};
  auto c = make(names::kVlenUtf8, spec);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < kChunks; i += 4) {
        const std::string s = std::to_string(i);
        const Bytes enc = with_header(3, {{static_cast<uint32_t>(s.size()), s}, {1, "-"}, {0, ""}});
        NDArray row(result.buffer(), kString, {3}, {16}, i * 48, false);
        c->decode(ByteView(enc), spec, row, {});
      }
    });
  }
  for (auto& th : threads) th.join();
  const Strings items = items_of(result);
  for (int i = 0; i < kChunks; ++i) {
    EXPECT_EQ(items[i * 3], std::to_string(i));
    EXPECT_EQ(items[i * 3 + 1], "-");
    EXPECT_EQ(items[i * 3 + 2], "");
  }
  EXPECT_EQ(result.buffer()->attachments().size(), static_cast<size_t>(kChunks));
}

TEST(VlenCodecTest, HostileInputIsACorruptChunk) {
  const ChunkSpec spec{kString, {2}, {}};
  const ChunkSpec bspec{kBytesType, {2}, {}};
  auto utf8 = make(names::kVlenUtf8, spec);
  auto bytes = make(names::kVlenBytes, bspec);
  const Bytes cases[] = {
      {},                                                       // no header
      {2, 0, 0},                                                // truncated header
      with_header(1, {{1, "a"}}),                               // count below the chunk's
      with_header(3, {{1, "a"}, {1, "b"}, {1, "c"}}),           // count above
      {0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0},                     // a huge count, a tiny chunk
      with_header(2, {{1, "a"}}),                               // second length missing
      {2, 0, 0, 0, 1, 0, 0, 0, 'a', 0, 0},                      // second length cut off
      with_header(2, {{1, "a"}, {6, "bcdef"}}),                 // length past the end
      with_header(2, {{0xFFFFFFFF, "a"}, {1, "b"}}),            // a length near 4 GiB
  };
  for (const Bytes& in : cases) {
    SCOPED_TRACE(::testing::PrintToString(in));
    for (auto [c, s] : {std::pair{utf8, spec}, std::pair{bytes, bspec}}) {
      NDArray out = NDArray::empty(s.dtype, {2});
      EXPECT_EQ(error_code_of([&] { c->decode(ByteView(in), s, out, {}); }), ErrorCode::kCorruptChunk);
    }
  }
  EXPECT_NE(error_message([&] {
              NDArray out = NDArray::empty(kString, {2});
              utf8->decode(ByteView(with_header(3, {})), spec, out, {});
            }, ErrorCode::kCorruptChunk).find("vlen-utf8: chunk holds 3 items, expected 2"),
            std::string::npos);
  // Bytes after the last item are ignored, as numcodecs does.
  NDArray out = NDArray::empty(kString, {2});
  Bytes trailing = with_header(2, {{1, "a"}, {1, "b"}});
  trailing.push_back(0xFF);
  utf8->decode(ByteView(trailing), spec, out, {});
  EXPECT_EQ(items_of(out), (Strings{"a", "b"}));
}

TEST(VlenCodecTest, InvalidUtf8IsCorruptForTextOnly) {
  const ChunkSpec spec{kString, {1}, {}};
  const ChunkSpec bspec{kBytesType, {1}, {}};
  for (const std::string bad : {"\xFF", "\x80", "\xC0\x80", "\xC1\xBF", "\xE0\x80\x80", "\xED\xA0\x80",
                                "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xE2\x82", "ok\xF0\x9F\x98"}) {
    SCOPED_TRACE(::testing::PrintToString(bad));
    const Bytes enc = with_header(1, {{static_cast<uint32_t>(bad.size()), bad}});
    NDArray out = NDArray::empty(kString, {1});
    EXPECT_EQ(error_code_of([&] { make(names::kVlenUtf8, spec)->decode(ByteView(enc), spec, out, {}); }),
              ErrorCode::kCorruptChunk);
    EXPECT_EQ(error_code_of([&] { encode(*make(names::kVlenUtf8, spec), make_vlen(kString, {1}, {bad}), spec); }),
              ErrorCode::kInvalidArgument);
    NDArray bout = NDArray::empty(kBytesType, {1});
    make(names::kVlenBytes, bspec)->decode(ByteView(enc), bspec, bout, {});
    EXPECT_EQ(items_of(bout), Strings{bad});
  }
}

// A plain reference: decode one sequence by its bit pattern, then require the
// shortest form, no surrogate and nothing above U+10FFFF.
bool reference_utf8(const uint8_t* p, size_t n) {
  if (n == 0) return false;
  int len = p[0] < 0x80 ? 1 : (p[0] >> 5) == 6 ? 2 : (p[0] >> 4) == 14 ? 3 : (p[0] >> 3) == 30 ? 4 : 0;
  if (len == 0 || static_cast<size_t>(len) != n) return false;
  uint32_t cp = len == 1 ? p[0] : p[0] & (0x7F >> len);
  for (int k = 1; k < len; ++k) {
    if ((p[k] & 0xC0) != 0x80) return false;
    cp = cp << 6 | (p[k] & 0x3F);
  }
  const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
  return cp >= min[len] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
}

TEST(VlenCodecTest, Utf8ValidatorMatchesAReferenceOnEverySequenceUpToThreeBytes) {
  uint8_t b[4];
  for (int x = 0; x < 256; ++x) {
    b[0] = static_cast<uint8_t>(x);
    EXPECT_EQ(is_valid_utf8(b, 1), reference_utf8(b, 1)) << x;
    for (int y = 0; y < 256; ++y) {
      b[1] = static_cast<uint8_t>(y);
      if (x >= 0x80) EXPECT_EQ(is_valid_utf8(b, 2), reference_utf8(b, 2)) << x << " " << y;
      if (x < 0xE0 || x > 0xF4) continue;
      for (int z = 0; z < 256; ++z) {
        b[2] = static_cast<uint8_t>(z);
        if (x < 0xF0) {
          ASSERT_EQ(is_valid_utf8(b, 3), reference_utf8(b, 3)) << x << " " << y << " " << z;
          continue;
        }
        for (int w : {0x00, 0x7F, 0x80, 0xBF, 0xC0, 0xFF}) {
          b[3] = static_cast<uint8_t>(w);
          ASSERT_EQ(is_valid_utf8(b, 4), reference_utf8(b, 4)) << x << " " << y << " " << z << " " << w;
        }
      }
    }
  }
  // Long ASCII runs with one bad byte at every position.
  std::string s(40, 'a');
  EXPECT_TRUE(is_valid_utf8(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
  for (size_t i = 0; i < s.size(); ++i) {
    std::string t = s;
    t[i] = '\x80';
    EXPECT_FALSE(is_valid_utf8(reinterpret_cast<const uint8_t*>(t.data()), t.size())) << i;
  }
}

TEST(VlenCodecTest, ConfigurationErrors) {
  const ChunkSpec spec{kString, {2}, {}};
  const auto config_message = [&](std::string_view name, const json& cfg, const ChunkSpec& s) {
    return error_message([&] { make(name, s, cfg); }, ErrorCode::kCodecConfig);
  };
  EXPECT_NE(config_message(names::kVlenUtf8, {{"level", 1}}, spec).find("unknown configuration field 'level'"),
            std::string::npos);
  EXPECT_NE(config_message(names::kVlenUtf8, {{"id", "vlen-bytes"}}, spec).find("'id'"), std::string::npos);
  EXPECT_NE(config_message(names::kVlenUtf8, json::array(), spec).find("JSON object"), std::string::npos);
  EXPECT_NE(config_message(names::kVlenUtf8, {}, {DType::from_typestr("|u1"), {2}, {}})
                .find("vlen-utf8: serialises the data type string, not uint8"),
            std::string::npos);
  EXPECT_NE(config_message(names::kVlenUtf8, {}, {kBytesType, {2}, {}}).find("not variable_length_bytes"),
            std::string::npos);
  EXPECT_NE(config_message(names::kVlenBytes, {}, spec).find("vlen-bytes"), std::string::npos);
  // The bytes codec would write pointers: it refuses, naming the right codec.
  EXPECT_NE(error_message([&] { CodecRegistry::builtin().make_array_to_bytes("bytes", {{"endian", "little"}}, spec); },
                          ErrorCode::kCodecConfig)
                .find("use 'vlen-utf8'"),
            std::string::npos);
}

TEST(VlenCodecTest, EncodeChecksTheChunk) {
  const ChunkSpec spec{kString, {2}, {}};
  auto c = make(names::kVlenUtf8, spec);
  NDArray a = NDArray::empty(kString, {2});
  static_cast<VlenItem*>(a.data())[1] = {nullptr, 3};  // a length without data
  EXPECT_EQ(error_code_of([&] { encode(*c, a, spec); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(error_code_of([&] { encode(*c, NDArray::empty(kString, {3}), spec); }), ErrorCode::kInvalidArgument);
  EXPECT_EQ(error_code_of([&] { encode(*c, NDArray::empty(kBytesType, {2}), spec); }), ErrorCode::kTypeError);
  NDArray ro(a.buffer(), kString, {2}, {16}, 0, true);
  EXPECT_EQ(error_code_of([&] { c->decode(ByteView(with_header(2, {{0, ""}, {0, ""}})), spec, ro, {}); }),
            ErrorCode::kInvalidArgument);
}

// --- through the pipeline ------------------------------------------------------

TEST(VlenPipelineTest, V3WithCompressorTransposeAndFill) {
  const Shape shape{2, 3};
  const ChunkSpec spec{kString, shape, {}};
  auto p = CodecPipeline::from_v3(json::parse(R"([{"name": "transpose", "configuration": {"order": [1, 0]}},
      {"name": "vlen-utf8", "configuration": {}}, {"name": "gzip", "configuration": {"level": 1}}])"),
                                  spec);
  EXPECT_FALSE(p->encoded_size().is_known());
  EXPECT_EQ(p->to_json()[1], (json{{"name", "vlen-utf8"}, {"configuration", json::object()}}));
  const NDArray x = make_vlen(kString, shape, kUtf8Items);
  ByteBuffer enc;
  p->encode(x, enc, {});
  NDArray out = strided_empty(kString, shape);
  p->decode(enc.view(), out, {});
  EXPECT_EQ(items_of(out), kUtf8Items);

  // decode_batch: a missing chunk reads as the fill value.
  const std::string fill = "n/a";
  const ChunkSpec filled{kString, shape, std::vector<uint8_t>(fill.begin(), fill.end())};
  auto pf = CodecPipeline::from_v3(json::parse(R"([{"name": "vlen-utf8"}])"), filled);
  std::vector<std::optional<ByteView>> inputs = {std::nullopt, std::nullopt};
  ByteBuffer enc2;
  pf->encode(x, enc2, {});
  inputs[1] = enc2.view();
  std::vector<NDArray> outs = {NDArray::empty(kString, shape), NDArray::empty(kString, shape)};
  decode_batch(*pf, inputs, outs, {}, ThreadPool::global());
  EXPECT_EQ(items_of(outs[0]), Strings(6, "n/a"));
  EXPECT_EQ(items_of(outs[1]), kUtf8Items);
  // The empty fill writes all-zero items.
  NDArray e = make_vlen(kString, shape, kUtf8Items);
  fill_chunk(e, spec);
  EXPECT_EQ(items_of(e), Strings(6, ""));
  EXPECT_EQ(static_cast<const VlenItem*>(e.data())[0].data, nullptr);
  // A fill value that is not UTF-8 is refused.
  const ChunkSpec bad{kString, shape, {0xFF}};
  EXPECT_EQ(error_code_of([&] { fill_chunk(e, bad); }), ErrorCode::kInvalidArgument);
}

TEST(VlenPipelineTest, V2ObjectArraysWithVlenFilters) {
  // .zarray of dtype '|O', order F, filters [vlen-bytes], compressor zlib.
  const Shape shape{2, 2};
  const ChunkSpec spec{kBytesType, shape, {}};
  auto p = CodecPipeline::from_v2(
      json::parse(R"({"dtype": "|O", "order": "F", "filters": [{"id": "vlen-bytes"}], "compressor": {"id": "zlib",
                      "level": 1}})"),
      spec);
  const NDArray x = make_vlen(kBytesType, shape, {"a", "b", "c", "d"});
  ByteBuffer enc;
  p->encode(x, enc, {});
  NDArray out = NDArray::empty(kBytesType, shape);
  p->decode(enc.view(), out, {});
  EXPECT_EQ(items_of(out), (Strings{"a", "b", "c", "d"}));
  // Uncompressed: the F-order item stream, as numcodecs writes F arrays.
  auto raw = CodecPipeline::from_v2(json::parse(R"({"order": "F", "filters": [{"id": "vlen-bytes"}]})"), spec);
  raw->encode(x, enc, {});
  EXPECT_EQ(Bytes(enc.data(), enc.data() + enc.size()), with_header(4, {{1, "a"}, {1, "c"}, {1, "b"}, {1, "d"}}));
}

TEST(VlenPipelineTest, RefusesCodecsThatWouldReinterpretItems) {
  const ChunkSpec spec{kString, {4}, {}};
  // No vlen filter: the bytes codec would write pointers.
  EXPECT_EQ(error_code_of([&] { CodecPipeline::from_v2(json::parse(R"({"filters": null})"), spec); }),
            ErrorCode::kCodecConfig);
  EXPECT_EQ(error_code_of([&] {
              CodecPipeline::from_v3(json::parse(R"([{"name": "bytes", "configuration": {"endian": "little"}}])"),
                                     spec);
            }),
            ErrorCode::kCodecConfig);
  // An array -> array codec that computes with the items.
  EXPECT_NE(error_message([&] {
              CodecPipeline::from_v2(json::parse(R"({"filters": [{"id": "astype", "encode_dtype": "<c16",
                  "decode_dtype": "<c16"}, {"id": "vlen-utf8"}]})"),
                                     spec);
            }, ErrorCode::kCodecConfig)
                .find("astype: cannot take the data type string"),
            std::string::npos);
}

}  // namespace
}  // namespace zarrnative::codec
