#include <gtest/gtest.h>

#include <atomic>
#include <new>
#include <string>
#include <stdexcept>
#include <thread>
#include <vector>

#include "zarrnative/common/error.h"
#include "zarrnative/common/thread_pool.h"

using zarrnative::Error;
using zarrnative::ThreadPool;
using zarrnative::ErrorCode;
using zarrnative::parallel_for_first_error;
using zarrnative::parallel_for_first_failure;

TEST(ThreadPool, RunsEveryIndexExactlyOnce) {
  ThreadPool pool(4);
  std::vector<std::atomic<int>> hits(10000);
  pool.parallel_for(hits.size(), [&](size_t i) { hits[i]++; });
  for (auto& h : hits) EXPECT_EQ(h.load(), 1);
}

TEST(ThreadPool, SingleThreadRunsOnTheCaller) {
  ThreadPool pool(1);
  auto caller = std::this_thread::get_id();
  pool.parallel_for(16, [&](size_t) { EXPECT_EQ(std::this_thread::get_id(), caller); });
}

TEST(ThreadPool, NestedCallsDoNotDeadlock) {
  ThreadPool pool(2);
  std::atomic<int> total{0};
  pool.parallel_for(8, [&](size_t) { pool.parallel_for(50, [&](size_t) { total++; }); });
  EXPECT_EQ(total.load(), 400);
}

TEST(ThreadPool, ErrorsReachTheCallerAfterEveryItemRan) {
  ThreadPool pool(3);
  std::atomic<int> ran{0};
  EXPECT_THROW(pool.parallel_for(100,
                                 [&](size_t i) {
                                   ran++;
                                   if (i % 10 == 3) throw std::runtime_error("boom");
                                 }),
               std::runtime_error);
  EXPECT_EQ(ran.load(), 100);
  // The pool stays usable.
  std::atomic<int> again{0};
  pool.parallel_for(10, [&](size_t) { again++; });
  EXPECT_EQ(again.load(), 10);
}

TEST(ThreadPool, ConcurrentCallersShareThePool) {
  ThreadPool pool(2);
  std::atomic<int> total{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 4; ++t) {
    callers.emplace_back([&] { pool.parallel_for(1000, [&](size_t) { total++; }); });
  }
  for (auto& c : callers) c.join();
  EXPECT_EQ(total.load(), 4000);
}

TEST(ThreadPool, RejectsBadSizes) {
  EXPECT_THROW(ThreadPool(0), Error);
  EXPECT_THROW(ThreadPool::set_global_threads(-1), Error);
  EXPECT_GE(ThreadPool::default_threads(), 1);
}

TEST(ThreadPool, FirstFailureNamesTheLowestFailingItem) {
  ThreadPool pool(3);
  std::atomic<int> ran{0};
  auto fn = [&](size_t i) {
    ++ran;
    if (i == 7 || i == 3 || i == 40) throw Error(ErrorCode::kCorruptChunk, "bad " + std::to_string(i));
  };
  auto f = parallel_for_first_error(pool, 50, fn);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->index, 3u);
  EXPECT_EQ(f->code, ErrorCode::kCorruptChunk);
  EXPECT_EQ(f->message, "bad 3");
  EXPECT_EQ(ran.load(), 50);  // every item still ran
  EXPECT_FALSE(parallel_for_first_error(pool, 10, [](size_t) {}).has_value());
  // out of memory: parallel_for_first_failure makes it an Error; _first_error leaves it to the pool
  auto oom = [](size_t i) {
    if (i == 5) throw std::bad_alloc();
  };
  auto g = parallel_for_first_failure(pool, 10, oom);
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->index, 5u);
  EXPECT_EQ(g->code, ErrorCode::kInternal);
  EXPECT_EQ(g->message, "out of memory");
  EXPECT_THROW(parallel_for_first_error(pool, 10, oom), std::bad_alloc);
}
