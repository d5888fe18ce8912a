// TaskPool: tasks run concurrently (two tasks that each wait for the other can only both
// finish when they overlap), the caller runs the task when every worker is busy, results
// and exceptions arrive through the future, and the destructor drains the queue. Waits
// are bounded and nothing asserts on elapsed time. Also run under TSan (core.task_pool).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <latch>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/task_pool.h"

namespace vouch::core {
namespace {

// Far longer than any healthy run needs; reaching it means the tasks did not overlap.
constexpr auto kBound = std::chrono::seconds(20);

// A gate the test opens; waiters give up after kBound and report that they did.
class Gate {
 public:
  void open() {
    {
      std::lock_guard lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }
  bool wait() {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kBound, [this] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

// Arrives at the latch and waits (bounded) for the others to arrive too.
bool meet(std::latch& l) {
  l.count_down();
  const auto until = std::chrono::steady_clock::now() + kBound;
  while (!l.try_wait()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::yield();
  }
  return true;
}

TEST(TaskPool, RunsTasksConcurrently) {
  TaskPool pool(4);
  std::latch both(2);
  auto a = pool.submit([&] { return meet(both); });
  auto b = pool.submit([&] { return meet(both); });
  EXPECT_TRUE(a.get());
  EXPECT_TRUE(b.get());
  EXPECT_EQ(pool.threads(), 2u);
}

TEST(TaskPool, ReturnsBeforeTheTaskFinishes) {
  TaskPool pool(1);
  Gate gate;
  auto f = pool.submit([&] { return gate.wait() ? 7 : -1; });
  // submit() came back while the task is still blocked on the gate.
  EXPECT_NE(f.wait_for(std::chrono::seconds(0)), std::future_status::ready);
  gate.open();
  EXPECT_EQ(f.get(), 7);
}

TEST(TaskPool, CallerRunsWhenEveryWorkerIsBusy) {
  TaskPool pool(1);
  Gate gate;
  const auto caller = std::this_thread::get_id();
  auto busy = pool.submit([&] {
    gate.wait();
    return std::this_thread::get_id();
  });
  // The only worker is blocked: this task runs here, before submit() returns.
  auto here = pool.submit([] { return std::this_thread::get_id(); });
  ASSERT_EQ(here.wait_for(std::chrono::seconds(0)), std::future_status::ready);
  EXPECT_EQ(here.get(), caller);
  gate.open();
  EXPECT_NE(busy.get(), caller);
  EXPECT_EQ(pool.threads(), 1u);
}

TEST(TaskPool, RunsTasksOneAfterAnother) {
  TaskPool pool(8);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(pool.submit([i] { return i * 2; }).get(), i * 2);
  // How many workers that took is timing (a worker marks itself idle just after its
  // result is ready); the limit is not.
  EXPECT_LE(pool.threads(), 8u);
}

TEST(TaskPool, ExceptionsReachTheFuture) {
  TaskPool pool(2);
  auto f = pool.submit([]() -> int { throw std::runtime_error("dns broke"); });
  EXPECT_THROW(f.get(), std::runtime_error);
  TaskPool none(0);  // caller-runs only: the exception still goes to the future
  auto g = none.submit([]() -> int { throw std::runtime_error("here"); });
  EXPECT_THROW(g.get(), std::runtime_error);
  EXPECT_EQ(none.threads(), 0u);
}

TEST(TaskPool, SharedFutureServesManyReaders) {
  TaskPool pool(2);
  auto f = pool.submit([] { return std::string("pass"); });
  auto copy = f;
  EXPECT_EQ(f.get(), "pass");
  EXPECT_EQ(copy.get(), "pass");
}

TEST(TaskPool, DestructorDrainsQueuedWork) {
  std::atomic<int> done{0};
  std::vector<std::shared_future<void>> futures;
  {
    TaskPool pool(3);
    for (int i = 0; i < 200; ++i) {
      futures.push_back(pool.submit([&] { done.fetch_add(1); }));
    }
  }
  EXPECT_EQ(done.load(), 200);
  for (auto& f : futures) EXPECT_EQ(f.wait_for(std::chrono::seconds(0)), std::future_status::ready);
}

TEST(TaskPool, ManySubmittersAtOnce) {
  TaskPool pool(4);
  std::atomic<int> sum{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        auto f = pool.submit([i] { return i; });
        sum.fetch_add(f.get());
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(sum.load(), 4 * (99 * 100 / 2));
  EXPECT_LE(pool.threads(), 4u);
}

}  // namespace
}  // namespace vouch::core
