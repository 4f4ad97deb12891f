// zarrnative: the process-wide thread pool.
//
// One pool per process (DESIGN.md), sized by configuration; default the
// number of cores. parallel_for spreads indices over the workers and the
// calling thread, which takes part, so a parallel_for nested inside another
// (a shard's inner chunks inside a batch of shards) never deadlocks: when
// every worker is busy the caller simply runs its own items.
//
//   ThreadPool::global().parallel_for(chunks.size(), [&](size_t i) { decode(i); });
//
// Exceptions: every index still runs; the first exception (by index order
// of completion) is rethrown in the caller after all have finished.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "zarrnative/common/error.h"

namespace zarrnative {

class ThreadPool {
 public:
  // `threads` counts the caller: threads - 1 workers are started.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int threads() const;
  void parallel_for(size_t n, const std::function<void(size_t)>& fn);

  // The process-wide pool, created on first use with default_threads().
  static ThreadPool& global();
  // Replaces the global pool; callers must not be using it concurrently.
  static void set_global_threads(int threads);
  static int default_threads();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The failure of the lowest failing index when fn runs over [0, n) on `pool`
// (every item still runs): an Error's code and message, or a std::bad_alloc as
// kInternal "out of memory". nullopt when every item succeeded.
struct ItemFailure {
  size_t index = 0;
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
};
std::optional<ItemFailure> parallel_for_first_failure(ThreadPool& pool, size_t n,
                                                      const std::function<void(size_t)>& fn);
// The same for Errors only: any other exception (std::bad_alloc included)
// is rethrown by the pool once every item has run, as parallel_for does.
std::optional<ItemFailure> parallel_for_first_error(ThreadPool& pool, size_t n,
                                                    const std::function<void(size_t)>& fn);

}  // namespace zarrnative
