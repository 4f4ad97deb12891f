// array::Array from plain C++: create / open / read / write / resize, and
// what an interrupted write leaves behind. A store wrapper fails on its n-th
// set(); afterwards every chunk must decode to entirely old or entirely new
// values (never a mix, never undecodable bytes).
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include "zarrnative/array/array.h"
#include "zarrnative/common/error.h"
#include "zarrnative/store/memory_store.h"

using namespace zarrnative;
using namespace zarrnative::array;

namespace {

using json = nlohmann::json;

// Forwards to a MemoryStore; the n-th set() (1-based, counted across
// threads) throws kIoError instead of storing anything.
class FailingStore final : public store::Store {
 public:
  FailingStore(std::shared_ptr<store::MemoryStore> inner, int fail_on) : inner_(std::move(inner)), fail_on_(fail_on) {}

  std::string describe() const override { return "failing(" + inner_->describe() + ")"; }
  std::optional<ByteBuffer> get(std::string_view key) override { return inner_->get(key); }
  std::vector<std::optional<ByteBuffer>> get_ranges(std::string_view key,
                                                    std::span<const store::ByteRange> ranges) override {
    return inner_->get_ranges(key, ranges);
  }
  std::optional<uint64_t> size(std::string_view key) override { return inner_->size(key); }
  void set(std::string_view key, ByteView value) override {
    if (++sets_ == fail_on_) throw Error(ErrorCode::kIoError, "injected failure writing '" + std::string(key) + "'");
    inner_->set(key, value);
  }
  bool erase(std::string_view key) override { return inner_->erase(key); }
  std::vector<std::string> list() override { return inner_->list(); }
  std::vector<std::string> list_dir(std::string_view prefix) override { return inner_->list_dir(prefix); }

  int sets() const { return sets_; }

 private:
  std::shared_ptr<store::MemoryStore> inner_;
  int fail_on_;
  std::atomic<int> sets_{0};
};

DType i32() { return DType::from_typestr("<i4"); }

json v3_doc(Shape shape, Shape chunks, json codecs, int fill = 0) {
  return {{"zarr_format", 3},
          {"node_type", "array"},
          {"shape", shape},
          {"data_type", "int32"},
          {"chunk_grid", {{"name", "regular"}, {"configuration", {{"chunk_shape", chunks}}}}},
          {"chunk_key_encoding", {{"name", "default"}, {"configuration", {{"separator", "/"}}}}},
          {"fill_value", fill},
          {"codecs", codecs}};
}

json plain_codecs() {
  return json::array({{{"name", "bytes"}, {"configuration", {{"endian", "little"}}}},
                      {{"name", "zstd"}, {"configuration", {{"level", 1}, {"checksum", true}}}}});
}

json sharded_codecs(Shape inner) {
  return json::array({{{"name", "sharding_indexed"},
                       {"configuration",
                        {{"chunk_shape", inner},
                         {"codecs", plain_codecs()},
                         {"index_codecs", json::array({{{"name", "bytes"}, {"configuration", {{"endian", "little"}}}},
                                                       {{"name", "crc32c"}}})},
                         {"index_location", "end"}}}}});
}

std::shared_ptr<Array> create(std::shared_ptr<store::Store> s, const json& doc, std::string path = "arr") {
  return Array::create(std::move(s), path, metadata::ArrayMetadata::from_json(doc, 3, path), false);
}

OrthogonalSelection all_of(const Shape& shape) {
  OrthogonalSelection sel;
  for (int64_t n : shape) sel.push_back(DimSelection::slice(0, n, 1));
  return sel;
}

NDArray values(const Shape& shape, int32_t base) {
  NDArray a = NDArray::empty(i32(), shape);
  auto* p = static_cast<int32_t*>(a.data());
  for (int64_t i = 0; i < a.size(); ++i) p[i] = base + static_cast<int32_t>(i);
  return a;
}

std::vector<int32_t> to_vector(const NDArray& a) {
  NDArray c = a.is_c_contiguous() ? a : a.to(BufferKind::kHost, 0, true);
  const auto* p = static_cast<const int32_t*>(c.data());
  return std::vector<int32_t>(p, p + c.size());
}

std::vector<int32_t> read_all(const Array& a) {
  NDArray out = NDArray::empty(i32(), a.metadata().shape);
  a.read(all_of(a.metadata().shape), out);
  return to_vector(out);
}

// The grid coordinates of every chunk of `a`.
std::vector<Shape> all_chunks(const Array& a) {
  Shape grid = a.metadata().chunk_grid_shape();
  std::vector<Shape> out;
  Shape idx(grid.size(), 0);
  int64_t total = 1;
  for (int64_t g : grid) total *= g;
  for (int64_t n = 0; n < total; ++n) {
    int64_t rest = n;
    for (size_t d = grid.size(); d-- > 0;) {
      idx[d] = rest % grid[d];
      rest /= grid[d];
    }
    out.push_back(idx);
  }
  return out;
}

// The values of one chunk as stored: decoded from its bytes alone (the
// in-bounds part; the chunk is at the array's corner `coords * chunks`).
std::vector<int32_t> chunk_values(const Array& a, const Shape& coords) {
  const Shape& cs = a.metadata().chunk_shape;
  OrthogonalSelection sel;
  Shape counts;
  for (size_t d = 0; d < cs.size(); ++d) {
    int64_t start = coords[d] * cs[d];
    int64_t stop = std::min(start + cs[d], a.metadata().shape[d]);
    sel.push_back(DimSelection::slice(start, stop, 1));
    counts.push_back(stop - start);
  }
  NDArray out = NDArray::empty(i32(), counts);
  a.read(sel, out);
  return to_vector(out);
}

// The same part of a full array's values.
std::vector<int32_t> chunk_part(const std::vector<int32_t>& full, const Shape& shape, const Shape& cs,
                                const Shape& coords) {
  std::vector<int32_t> out;
  // 2-d only (what these tests use)
  for (int64_t i = coords[0] * cs[0]; i < std::min((coords[0] + 1) * cs[0], shape[0]); ++i) {
    for (int64_t j = coords[1] * cs[1]; j < std::min((coords[1] + 1) * cs[1], shape[1]); ++j) {
      out.push_back(full[i * shape[1] + j]);
    }
  }
  return out;
}

}  // namespace

// --- basics -------------------------------------------------------------------------------------------
TEST(Array, CreateOpenReadWrite) {
  auto mem = std::make_shared<store::MemoryStore>();
  auto a = create(mem, v3_doc({7, 5}, {3, 2}, plain_codecs(), 9));
  EXPECT_EQ(a->path(), "arr");
  EXPECT_EQ(read_all(*a), std::vector<int32_t>(35, 9));  // nothing written: the fill value
  EXPECT_EQ(a->nchunks_initialized(), 0);

  NDArray v = values({7, 5}, 100);
  a->write(all_of({7, 5}), v);
  EXPECT_EQ(a->nchunks_initialized(), 9);  // 3 x 3 chunks, edge chunks included
  EXPECT_TRUE(mem->exists("arr/c/2/2"));

  auto b = Array::open(mem, "arr");
  EXPECT_EQ(b->metadata().shape, (Shape{7, 5}));
  EXPECT_EQ(read_all(*b), to_vector(v));

  // a strided, an index-list and a point selection
  NDArray out = NDArray::empty(i32(), {2, 3});
  b->read({DimSelection::slice(1, 7, 3), DimSelection::list({4, 0, 4})}, out);
  EXPECT_EQ(to_vector(out), (std::vector<int32_t>{109, 105, 109, 124, 120, 124}));
  NDArray pts = NDArray::empty(i32(), {3});
  b->read_points({{6, 0, 3}, {4, 0, 1}}, pts);
  EXPECT_EQ(to_vector(pts), (std::vector<int32_t>{134, 100, 116}));
}

TEST(Array, PartialWritesMergeWithStoredValues) {
  auto mem = std::make_shared<store::MemoryStore>();
  auto a = create(mem, v3_doc({4, 4}, {3, 3}, plain_codecs(), -1));
  NDArray one = values({2, 1}, 50);
  a->write({DimSelection::slice(2, 4, 1), DimSelection::slice(1, 2, 1)}, one);  // across two chunk rows
  std::vector<int32_t> want(16, -1);
  want[2 * 4 + 1] = 50;
  want[3 * 4 + 1] = 51;
  EXPECT_EQ(read_all(*a), want);
  NDArray two = values({2}, 7);
  a->write_points({{0, 3}, {0, 3}}, two);
  want[0] = 7;
  want[15] = 8;
  EXPECT_EQ(read_all(*a), want);
}

TEST(Array, FillValuedChunksAreErasedUnlessAskedToKeepThem) {
  auto mem = std::make_shared<store::MemoryStore>();
  auto a = create(mem, v3_doc({4}, {2}, plain_codecs(), 3));
  NDArray fill = NDArray::empty(i32(), {4});
  std::fill_n(static_cast<int32_t*>(fill.data()), 4, 3);
  a->write(all_of({4}), fill);
  EXPECT_EQ(a->nchunks_initialized(), 0);
  ArrayOptions keep;
  keep.write_empty_chunks = true;
  a->write(all_of({4}), fill, keep);
  EXPECT_EQ(a->nchunks_initialized(), 2);
  a->write(all_of({4}), fill);  // rewriting fill erases them again
  EXPECT_EQ(a->nchunks_initialized(), 0);
}

TEST(Array, ResizeErasesChunksOutsideAndKeepsTheRest) {
  auto mem = std::make_shared<store::MemoryStore>();
  auto a = create(mem, v3_doc({6, 6}, {2, 2}, plain_codecs()));
  a->write(all_of({6, 6}), values({6, 6}, 1));
  EXPECT_EQ(a->nchunks_initialized(), 9);
  a->resize({3, 6});
  EXPECT_EQ(a->metadata().shape, (Shape{3, 6}));
  EXPECT_EQ(a->nchunks_initialized(), 6);  // chunk row 2 (rows 4..5) is gone; row 1 stays (it holds row 2)
  EXPECT_FALSE(mem->exists("arr/c/2/0"));
  std::vector<int32_t> all = to_vector(values({6, 6}, 1));
  EXPECT_EQ(read_all(*a), std::vector<int32_t>(all.begin(), all.begin() + 18));
  a->resize({5, 6});  // growing again: row 3 still holds the old values of the kept chunk, rows 4.. are fill
  std::vector<int32_t> grown = read_all(*a);
  EXPECT_EQ(std::vector<int32_t>(grown.begin() + 24, grown.end()), std::vector<int32_t>(6, 0));
  EXPECT_EQ(Array::open(mem, "arr")->metadata().shape, (Shape{5, 6}));  // metadata rewritten
}

TEST(Array, SelectionsOutsideTheArrayAreOutOfRange) {
  auto a = create(std::make_shared<store::MemoryStore>(), v3_doc({4, 4}, {2, 2}, plain_codecs()));
  NDArray out = NDArray::empty(i32(), {1, 4});
  try {
    a->read({DimSelection::slice(4, 5, 1), DimSelection::slice(0, 4, 1)}, out);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kOutOfRange);
  }
  NDArray two = NDArray::empty(i32(), {1});
  try {
    a->read_points({{0}, {4}}, two);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kOutOfRange);
  }
  try {
    a->write({DimSelection::list({0, 7}), DimSelection::slice(0, 4, 1)}, values({2, 4}, 0));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kOutOfRange);
  }
  EXPECT_EQ(a->nchunks_initialized(), 0);
}

TEST(Array, ReadOnlyStoresRefuseWrites) {
  auto mem = std::make_shared<store::MemoryStore>();
  create(mem, v3_doc({4}, {2}, plain_codecs()));
  auto ro = Array::open(mem->with_read_only(true), "arr");
  EXPECT_THROW(ro->write(all_of({4}), values({4}, 1)), Error);
  EXPECT_THROW(ro->write_points({{1}}, values({1}, 1)), Error);
  EXPECT_THROW(ro->resize({8}), Error);
  EXPECT_EQ(mem->list().size(), 1u);  // zarr.json only
}

TEST(Array, CorruptChunksNameTheChunk) {
  auto mem = std::make_shared<store::MemoryStore>();
  auto a = create(mem, v3_doc({4}, {2}, plain_codecs()), "grp/arr");
  a->write(all_of({4}), values({4}, 1));
  auto bytes = mem->get("grp/arr/c/1");
  ASSERT_TRUE(bytes);
  mem->set("grp/arr/c/1", ByteView(bytes->data(), bytes->size() / 2));  // truncated
  NDArray out = NDArray::empty(i32(), {4});
  try {
    a->read(all_of({4}), out);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kCorruptChunk);
    EXPECT_NE(std::string(e.what()).find("grp/arr/c/1"), std::string::npos) << e.what();
  }
}

// --- interrupted writes ---------------------------------------------------------------------------------
struct InterruptCase {
  const char* name;
  bool sharded;
  bool partial;  // a write that covers chunks only in part (read, merge, rewrite)
};

// gtest would print the struct's bytes, padding included (valgrind reports those).
void PrintTo(const InterruptCase& c, std::ostream* os) { *os << c.name; }

class InterruptedWrite : public ::testing::TestWithParam<InterruptCase> {};

TEST_P(InterruptedWrite, LeavesEveryChunkOldOrNew) {
  const InterruptCase& c = GetParam();
  const Shape shape{9, 8};
  const json doc = c.sharded ? v3_doc(shape, {4, 4}, sharded_codecs({2, 2})) : v3_doc(shape, {2, 3}, plain_codecs());
  auto mem = std::make_shared<store::MemoryStore>();
  auto a = create(mem, doc);
  NDArray old_values = values(shape, 1000);
  a->write(all_of(shape), old_values);
  const std::vector<int32_t> old_all = to_vector(old_values);
  const std::vector<Shape> chunks = all_chunks(*a);
  const Shape& cs = a->metadata().chunk_shape;

  // The new values: everything, or rows 1..8 and columns 1..6 (every chunk in part).
  OrthogonalSelection sel = c.partial ? OrthogonalSelection{DimSelection::slice(1, 9, 1), DimSelection::slice(1, 7, 1)}
                                      : all_of(shape);
  NDArray new_values = c.partial ? values({8, 6}, 5000) : values(shape, 5000);
  std::vector<int32_t> new_all = old_all;
  {
    std::vector<int32_t> nv = to_vector(new_values);
    if (c.partial) {
      for (int64_t i = 0; i < 8; ++i) {
        for (int64_t j = 0; j < 6; ++j) new_all[(i + 1) * 8 + (j + 1)] = nv[i * 6 + j];
      }
    } else {
      new_all = nv;
    }
  }

  for (int fail_on = 1; fail_on <= static_cast<int>(chunks.size()); ++fail_on) {
    auto m = std::make_shared<store::MemoryStore>();
    for (const std::string& key : mem->list()) m->set(key, mem->get(key)->view());
    auto failing = std::make_shared<FailingStore>(m, fail_on);
    auto target = Array::open(failing, "arr");
    try {
      target->write(sel, new_values);
      FAIL() << "the injected failure did not surface (fail_on " << fail_on << ")";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kIoError);
      EXPECT_NE(std::string(e.what()).find("injected failure"), std::string::npos) << e.what();
    }
    auto after = Array::open(m, "arr");
    int olds = 0, news = 0;
    for (const Shape& coords : chunks) {
      std::vector<int32_t> got;
      ASSERT_NO_THROW(got = chunk_values(*after, coords)) << "chunk " << after->chunk_key(coords) << " undecodable";
      std::vector<int32_t> old_part = chunk_part(old_all, shape, cs, coords);
      std::vector<int32_t> new_part = chunk_part(new_all, shape, cs, coords);
      if (got == new_part) {
        ++news;
      } else {
        EXPECT_EQ(got, old_part) << "chunk " << after->chunk_key(coords) << " is neither old nor new (fail_on "
                                 << fail_on << ")";
        ++olds;
      }
    }
    EXPECT_GE(olds, 1) << "the failed chunk must keep its old values";
    EXPECT_EQ(olds + news, static_cast<int>(chunks.size()));
  }
}

INSTANTIATE_TEST_SUITE_P(Array, InterruptedWrite,
                         ::testing::Values(InterruptCase{"whole", false, false}, InterruptCase{"partial", false, true},
                                           InterruptCase{"sharded_whole", true, false},
                                           InterruptCase{"sharded_partial", true, true}),
                         [](const auto& info) { return std::string(info.param.name); });

// equals_fill walks any strides in place: views of a larger array (as a write
// of whole chunks passes them), transposed views, and the float rules (any
// NaN equals a NaN fill; otherwise the bits must match, so -0.0 is not 0.0)
// hold there too.
TEST(EqualsFill, StridedViewsAndFloatRules) {
  auto bytes_of = [](auto v) {
    std::vector<uint8_t> b(sizeof(v));
    std::memcpy(b.data(), &v, sizeof(v));
    return b;
  };
  NDArray big = NDArray::empty(DType::from_typestr("<i4"), {8, 8});
  int32_t* p = static_cast<int32_t*>(big.data());
  for (int i = 0; i < 64; ++i) p[i] = 5;
  p[2 * 8 + 7] = 6;  // outside the view below
  auto view = [&](const NDArray& a, Shape start, Shape shape) {
    int64_t off = a.byte_offset();
    for (size_t d = 0; d < start.size(); ++d) off += start[d] * a.strides()[d];
    return NDArray(a.buffer(), a.dtype(), shape, a.strides(), off, true);
  };
  const auto five = bytes_of(int32_t{5});
  EXPECT_TRUE(equals_fill(view(big, {0, 0}, {4, 4}), ByteView(five.data(), 4)));
  EXPECT_FALSE(equals_fill(view(big, {0, 4}, {4, 4}), ByteView(five.data(), 4)));  // holds the 6
  EXPECT_FALSE(equals_fill(big, ByteView(five.data(), 4)));
  NDArray transposed(big.buffer(), big.dtype(), {8, 8}, {4, 32}, 0, true);
  EXPECT_FALSE(equals_fill(transposed, ByteView(five.data(), 4)));
  p[2 * 8 + 7] = 5;
  EXPECT_TRUE(equals_fill(transposed, ByteView(five.data(), 4)));
  EXPECT_TRUE(equals_fill(view(big, {1, 1}, {0, 3}), ByteView(five.data(), 4)));  // nothing to differ

  NDArray f = NDArray::empty(DType::from_typestr("<f8"), {6, 6});
  double* q = static_cast<double*>(f.data());
  for (int i = 0; i < 36; ++i) q[i] = std::nan("");
  q[35] = 1.0;
  const auto nan = bytes_of(std::nan(""));
  EXPECT_TRUE(equals_fill(view(f, {0, 0}, {5, 5}), ByteView(nan.data(), 8)));
  EXPECT_FALSE(equals_fill(f, ByteView(nan.data(), 8)));
  // a NaN of another payload (and sign) is still the NaN fill value
  for (int i = 0; i < 36; ++i) q[i] = -std::nan("7");
  EXPECT_TRUE(equals_fill(f, ByteView(nan.data(), 8)));
  // -0.0 is not the fill value 0.0 (nor 0.0 the fill value -0.0): the sign would be lost
  for (int i = 0; i < 36; ++i) q[i] = (i % 2) ? -0.0 : 0.0;
  const auto zero = bytes_of(0.0);
  const auto negzero = bytes_of(-0.0);
  EXPECT_FALSE(equals_fill(view(f, {1, 0}, {3, 6}), ByteView(zero.data(), 8)));
  EXPECT_FALSE(equals_fill(view(f, {1, 0}, {3, 6}), ByteView(negzero.data(), 8)));
  EXPECT_FALSE(equals_fill(f, ByteView(nan.data(), 8)));
  for (int i = 0; i < 36; ++i) q[i] = 0.0;
  EXPECT_TRUE(equals_fill(f, ByteView(zero.data(), 8)));
  EXPECT_FALSE(equals_fill(f, ByteView(negzero.data(), 8)));
  for (int i = 0; i < 36; ++i) q[i] = -0.0;
  EXPECT_TRUE(equals_fill(f, ByteView(negzero.data(), 8)));
  // float16 and complex follow the same rules, part by part
  NDArray h = NDArray::empty(DType::from_typestr("<f2"), {4});
  uint16_t* hp = static_cast<uint16_t*>(h.data());
  for (int i = 0; i < 4; ++i) hp[i] = 0x8000;  // -0.0
  const auto hzero = bytes_of(uint16_t{0});
  const auto hnan = bytes_of(uint16_t{0x7E00});
  EXPECT_FALSE(equals_fill(h, ByteView(hzero.data(), 2)));
  for (int i = 0; i < 4; ++i) hp[i] = 0xFC01;  // a negative NaN with another payload
  EXPECT_TRUE(equals_fill(h, ByteView(hnan.data(), 2)));
  NDArray c = NDArray::empty(DType::from_typestr("<c8"), {2});
  float* cp = static_cast<float*>(c.data());
  cp[0] = 0.0f, cp[1] = -0.0f, cp[2] = 0.0f, cp[3] = 0.0f;
  const std::vector<uint8_t> czero(8, 0);
  EXPECT_FALSE(equals_fill(c, ByteView(czero.data(), 8)));
  cp[1] = 0.0f;
  EXPECT_TRUE(equals_fill(c, ByteView(czero.data(), 8)));
}
