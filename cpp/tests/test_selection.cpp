// Selections split by the chunk grid, and the copies along them, checked
// against a direct element-by-element computation.
#include <gtest/gtest.h>

#include <numeric>
#include <random>

#include "zarrnative/array/selection.h"
#include "zarrnative/common/error.h"

using namespace zarrnative;
using namespace zarrnative::array;

namespace {
DType i32() { return DType::from_typestr("<i4"); }

std::vector<int64_t> positions(const DimSelection& s) {
  if (s.kind == DimSelection::Kind::kIndices) return s.indices;
  std::vector<int64_t> p;
  for (int64_t i = s.start; i < s.stop; i += s.step) p.push_back(i);
  return p;
}
}  // namespace

TEST(Selection, SliceSplitsIntoRunsPerChunk) {
  auto plan = plan_orthogonal({DimSelection::slice(3, 20, 2)}, {25}, {8});
  ASSERT_EQ(plan.tasks.size(), 3u);  // chunks 0, 1, 2
  EXPECT_EQ(plan.out_shape, Shape{9});
  const DimPart& p1 = *plan.tasks[1].dims[0];
  EXPECT_EQ(p1.chunk, 1);
  EXPECT_EQ(p1.local_start, 1);  // 9 - 8
  EXPECT_EQ(p1.count, 4);        // 9, 11, 13, 15
  EXPECT_EQ(p1.out_start, 3);
}

TEST(Selection, StepsLargerThanAChunkSkipChunks) {
  auto plan = plan_orthogonal({DimSelection::slice(0, 100, 30)}, {100}, {8});
  ASSERT_EQ(plan.tasks.size(), 4u);  // 0, 30, 60, 90
  EXPECT_EQ(plan.tasks[1].coords, Shape{3});
  EXPECT_EQ(plan.tasks[3].coords, Shape{11});
}

TEST(Selection, IndicesGroupByChunkAndKeepTheirOutputPositions) {
  auto plan = plan_orthogonal({DimSelection::list({17, 2, 16, 2})}, {20}, {8});
  ASSERT_EQ(plan.tasks.size(), 2u);
  const DimPart& a = *plan.tasks[0].dims[0];
  EXPECT_EQ(a.local, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(a.out, (std::vector<int64_t>{1, 3}));
  const DimPart& b = *plan.tasks[1].dims[0];
  EXPECT_EQ(b.local, (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(b.out, (std::vector<int64_t>{0, 2}));
}

TEST(Selection, CoversChunkIncludingEdgeChunks) {
  auto plan = plan_orthogonal({DimSelection::slice(0, 10, 1), DimSelection::slice(0, 7, 1)}, {10, 7}, {4, 4});
  ASSERT_EQ(plan.tasks.size(), 6u);
  for (const auto& t : plan.tasks) EXPECT_TRUE(t.covers_chunk);
  auto partial = plan_orthogonal({DimSelection::slice(1, 10, 1), DimSelection::slice(0, 7, 1)}, {10, 7}, {4, 4});
  EXPECT_FALSE(partial.tasks[0].covers_chunk);
  EXPECT_TRUE(partial.tasks[2].covers_chunk);
}

TEST(Selection, OutOfRangeIsAnIndexError) {
  for (const auto& sel : std::vector<OrthogonalSelection>{{DimSelection::slice(0, 11, 1)},
                                                          {DimSelection::list({10})},
                                                          {DimSelection::list({-1})},
                                                          {DimSelection::slice(0, 3, 1), DimSelection::slice(0, 3, 1)}}) {
    try {
      plan_orthogonal(sel, {10}, {4});
      FAIL();
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kOutOfRange);
    }
  }
  EXPECT_TRUE(plan_orthogonal({DimSelection::slice(5, 5, 1)}, {10}, {4}).tasks.empty());
}

TEST(Selection, CopyTaskMatchesElementwiseGather) {
  std::mt19937 rng(7);
  const Shape shape{13, 11, 9}, chunks{4, 5, 3};
  // The array's contents are their own C-order index.
  for (int trial = 0; trial < 40; ++trial) {
    OrthogonalSelection sel;
    for (size_t d = 0; d < 3; ++d) {
      if (rng() % 2) {
        int64_t a = rng() % shape[d], b = a + rng() % (shape[d] - a + 1), step = 1 + rng() % 3;
        sel.push_back(DimSelection::slice(a, b, step));
      } else {
        std::vector<int64_t> idx;
        for (int k = 0, n = 1 + rng() % 6; k < n; ++k) idx.push_back(rng() % shape[d]);
        sel.push_back(DimSelection::list(idx));
      }
    }
    auto plan = plan_orthogonal(sel, shape, chunks);
    NDArray out = NDArray::empty(i32(), plan.out_shape);
    for (const auto& t : plan.tasks) {
      NDArray chunk = NDArray::empty(i32(), chunks);
      auto* c = static_cast<int32_t*>(chunk.data());
      for (int64_t i = 0; i < chunks[0]; ++i)
        for (int64_t j = 0; j < chunks[1]; ++j)
          for (int64_t k = 0; k < chunks[2]; ++k) {
            int64_t gi = t.coords[0] * chunks[0] + i, gj = t.coords[1] * chunks[1] + j,
                    gk = t.coords[2] * chunks[2] + k;
            c[(i * chunks[1] + j) * chunks[2] + k] = static_cast<int32_t>((gi * shape[1] + gj) * shape[2] + gk);
          }
      copy_task(t, chunk, out, true);
    }
    auto p0 = positions(sel[0]), p1 = positions(sel[1]), p2 = positions(sel[2]);
    auto* o = static_cast<int32_t*>(out.data());
    for (size_t a = 0; a < p0.size(); ++a)
      for (size_t b = 0; b < p1.size(); ++b)
        for (size_t c = 0; c < p2.size(); ++c) {
          int32_t want = static_cast<int32_t>((p0[a] * shape[1] + p1[b]) * shape[2] + p2[c]);
          ASSERT_EQ(o[(a * p1.size() + b) * p2.size() + c], want) << "trial " << trial;
        }
  }
}

TEST(Selection, PointsGroupByChunk) {
  auto groups = plan_points({{0, 9, 1, 8}, {0, 9, 2, 9}}, {10, 10}, {5, 5});
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].coords, (Shape{0, 0}));
  EXPECT_EQ(groups[0].out, (std::vector<int64_t>{0, 2}));
  EXPECT_EQ(groups[1].coords, (Shape{1, 1}));
  EXPECT_EQ(groups[1].local, (std::vector<int64_t>{4, 4, 3, 4}));
  EXPECT_THROW(plan_points({{0, 10}, {0, 0}}, {10, 10}, {5, 5}), Error);
}
