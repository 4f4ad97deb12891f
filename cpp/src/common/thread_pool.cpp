#include "zarrnative/common/thread_pool.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <new>
#include <thread>
#include <vector>

#include "zarrnative/common/error.h"

namespace zarrnative {

namespace {

// One parallel_for call: indices are claimed with an atomic counter by the
// caller and by any worker that picks the job up.
struct Job {
  const std::function<void(size_t)>* fn;
  size_t n;
  std::atomic<size_t> next{0};
  std::atomic<size_t> done{0};
  std::mutex mu;
  std::condition_variable finished;
  std::exception_ptr error;

  // Runs items until none are left; returns true if it ran the last one.
  void run_items() {
    size_t finished_here = 0;
    for (size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < n;) {
      try {
        (*fn)(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu);
        if (!error) error = std::current_exception();
      }
      ++finished_here;
    }
    if (finished_here && done.fetch_add(finished_here, std::memory_order_acq_rel) + finished_here == n) {
      std::lock_guard<std::mutex> lock(mu);
      finished.notify_all();
    }
  }
};

}  // namespace

struct ThreadPool::State {
  int threads = 1;
  std::vector<std::thread> workers;
  std::mutex mu;
  std::condition_variable wake;
  std::deque<std::shared_ptr<Job>> queue;
  bool stopping = false;

  void worker_loop() {
    while (true) {
      std::shared_ptr<Job> job;
      {
        std::unique_lock<std::mutex> lock(mu);
        wake.wait(lock, [&] { return stopping || !queue.empty(); });
        if (stopping) return;
        job = queue.front();
        if (job->next.load(std::memory_order_relaxed) >= job->n) {
          queue.pop_front();  // exhausted: nothing left to claim
          continue;
        }
      }
      job->run_items();
    }
  }
};

ThreadPool::ThreadPool(int threads) : state_(std::make_unique<State>()) {
  check(threads >= 1 && threads <= 1024, ErrorCode::kInvalidArgument,
        [&] { return "thread count must be in [1, 1024], got " + std::to_string(threads); });
  state_->threads = threads;
  for (int i = 1; i < threads; ++i) state_->workers.emplace_back([s = state_.get()] { s->worker_loop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->stopping = true;
  }
  state_->wake.notify_all();
  for (auto& t : state_->workers) t.join();
}

int ThreadPool::threads() const { return state_->threads; }

void ThreadPool::parallel_for(size_t n, const std::function<void(size_t)>& fn) {
  if (n == 0) return;
  auto job = std::make_shared<Job>();
  job->fn = &fn;
  job->n = n;
  if (n > 1 && !state_->workers.empty()) {
    {
      std::lock_guard<std::mutex> lock(state_->mu);
      state_->queue.push_back(job);
    }
    size_t helpers = std::min<size_t>(n - 1, state_->workers.size());
    for (size_t i = 0; i < helpers; ++i) state_->wake.notify_one();
  }
  job->run_items();
  {
    std::unique_lock<std::mutex> lock(job->mu);
    job->finished.wait(lock, [&] { return job->done.load(std::memory_order_acquire) == n; });
  }
  if (n > 1 && !state_->workers.empty()) {  // drop it from the queue if no worker did
    std::lock_guard<std::mutex> lock(state_->mu);
    for (auto it = state_->queue.begin(); it != state_->queue.end(); ++it) {
      if (*it == job) {
        state_->queue.erase(it);
        break;
      }
    }
  }
  if (job->error) std::rethrow_exception(job->error);
}

std::optional<ItemFailure> parallel_for_first_error(ThreadPool& pool, size_t n,
                                                    const std::function<void(size_t)>& fn) {
  std::mutex mu;
  std::optional<ItemFailure> first;
  pool.parallel_for(n, [&](size_t i) {
    try {
      fn(i);
    } catch (const Error& e) {
      std::lock_guard<std::mutex> lock(mu);
      if (!first || i < first->index) first = ItemFailure{i, e.code(), e.what()};
    }
  });
  return first;
}

std::optional<ItemFailure> parallel_for_first_failure(ThreadPool& pool, size_t n,
                                                      const std::function<void(size_t)>& fn) {
  return parallel_for_first_error(pool, n, [&](size_t i) {
    try {
      fn(i);
    } catch (const std::bad_alloc&) {
      throw Error(ErrorCode::kInternal, "out of memory");
    }
  });
}

namespace {
std::mutex global_mu;
std::unique_ptr<ThreadPool> global_pool;
}  // namespace

int ThreadPool::default_threads() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

ThreadPool& ThreadPool::global() {
  std::lock_guard<std::mutex> lock(global_mu);
  if (!global_pool) global_pool = std::make_unique<ThreadPool>(default_threads());
  return *global_pool;
}

void ThreadPool::set_global_threads(int threads) {
  auto fresh = std::make_unique<ThreadPool>(threads);
  std::lock_guard<std::mutex> lock(global_mu);
  global_pool = std::move(fresh);
}

}  // namespace zarrnative
