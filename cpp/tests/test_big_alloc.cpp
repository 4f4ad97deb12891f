// Large blocks: alignment, reuse of freed blocks (per thread for small ones,
// process-wide for results of 4 MiB and more), and forked children.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <thread>
#include <utility>
#include <vector>

#include "zarrnative/common/big_alloc.h"

using namespace zarrnative;

namespace {

constexpr size_t kMiB = size_t{1} << 20;

TEST(BigAlloc, LargeBlocksAreHugePageAlignedAndUsable) {
  size_t cap = 0;
  void* p = big_alloc(9 * kMiB + 3, 64, cap);
  ASSERT_NE(p, nullptr);
  EXPECT_GE(cap, 9 * kMiB + 3);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % (2 * kMiB), 0u);
  std::memset(p, 0x5A, cap);
  big_free(p, cap);
}

TEST(BigAlloc, AFreedResultIsReusedForTheNextOfItsSize) {
  size_t cap = 0;
  void* first = big_alloc(24 * kMiB, 64, cap);
  std::memset(first, 1, cap);
  big_free(first, cap);
  // Another thread (results are freed by Python, allocated by any thread).
  void* again = nullptr;
  size_t cap2 = 0;
  std::thread([&] { again = big_alloc(24 * kMiB - 100, 64, cap2); }).join();
  EXPECT_EQ(again, first);
  EXPECT_EQ(cap2, cap);
  std::memset(again, 2, cap2);  // writable as any fresh block
  // Far smaller requests do not take it (at most a quarter is wasted).
  big_free(again, cap2);
  size_t cap3 = 0;
  void* small = big_alloc(6 * kMiB, 64, cap3);
  EXPECT_NE(small, first);
  EXPECT_LT(cap3, 8 * kMiB);
  big_free(small, cap3);
  size_t cap4 = 0;
  void* last = big_alloc(24 * kMiB, 64, cap4);  // still waiting
  EXPECT_EQ(last, first);
  big_free(last, cap4);
}

TEST(BigAlloc, SmallBlocksAreReusedByTheirThreadWithinHalfAgainTheirSize) {
  size_t cap = 0;
  void* first = big_alloc(4000, 64, cap);
  EXPECT_GE(cap, 4000u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(first) % 64, 0u);
  std::memset(first, 7, cap);
  big_free(first, cap);
  size_t cap2 = 0;
  void* again = big_alloc(3793, 16, cap2);  // smaller, within half again
  EXPECT_EQ(again, first);
  EXPECT_EQ(cap2, cap);
  std::memset(again, 8, cap2);
  big_free(again, cap2);
  size_t cap3 = 0;
  void* tiny = big_alloc(1500, 64, cap3);  // the cached block is more than half again as large
  EXPECT_NE(tiny, first);
  size_t cap4 = 0;
  void* larger = big_alloc(4100, 64, cap4);  // the cached block is too small
  EXPECT_NE(larger, first);
  EXPECT_GE(cap4, 4100u);
  // Another thread does not see this thread's blocks.
  void* other = nullptr;
  size_t cap5 = 0;
  std::thread([&] {
    other = big_alloc(4000, 64, cap5);
    big_free(other, cap5);
  }).join();
  EXPECT_NE(other, first);
  // A stricter alignment than the small blocks' is never served from them.
  size_t cap6 = 0;
  void* page = big_alloc(3900, 4096, cap6);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(page) % 4096, 0u);
  big_free(page, cap6);
  big_free(tiny, cap3);
  big_free(larger, cap4);
}

TEST(BigAlloc, SmallBlocksOfManySizesStayUsableThroughTheCache) {
  // More blocks than the cache keeps, of several sizes: each later request
  // gets a usable block of its size whether cached or fresh.
  std::vector<std::pair<void*, size_t>> blocks;
  for (int round = 0; round < 3; ++round) {
    for (size_t n = 1024; n < 128 * 1024; n = n * 3 / 2) {
      size_t cap = 0;
      void* p = big_alloc(n, 64, cap);
      ASSERT_GE(cap, n);
      ASSERT_EQ(reinterpret_cast<uintptr_t>(p) % 64, 0u);
      std::memset(p, round, n);
      blocks.emplace_back(p, cap);
    }
    for (auto& [p, cap] : blocks) big_free(p, cap);
    blocks.clear();
  }
}

TEST(BigAlloc, ForkedChildrenAllocateAndFree) {
  size_t cap = 0;
  void* p = big_alloc(16 * kMiB, 64, cap);
  big_free(p, cap);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    size_t c = 0;
    void* q = big_alloc(16 * kMiB, 64, c);
    std::memset(q, 3, c);
    big_free(q, c);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

}  // namespace
