// TaskPool: runs blocking work (DNS-bound SPF evaluations) off the calling thread so a
// stage can start several lookups and return at once. Workers are made on demand up to
// maxThreads and live until the pool is destroyed; idle ones wait on a condition. When
// every worker is busy and the limit is reached, submit() runs the task on the caller:
// queueing behind slow DNS would only add its wait to ours, while running it here is
// exactly the old serial behaviour. available_ (idle workers minus queued tasks) keeps
// that promise: a task is queued only when an idle worker is certain to take it.
// Thread-safe. The destructor lets workers finish what is queued, then joins them, so
// tasks must not hold the last reference to their own pool.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace vouch::core {

class TaskPool {
 public:
  explicit TaskPool(std::size_t maxThreads);
  ~TaskPool();
  TaskPool(const TaskPool&) = delete;
  TaskPool& operator=(const TaskPool&) = delete;

  // Runs fn() on a worker (or on the caller when all maxThreads are busy). The future
  // holds fn's result or rethrows its exception.
  template <typename F>
  std::shared_future<std::invoke_result_t<F&>> submit(F fn) {
    using R = std::invoke_result_t<F&>;
    auto task = std::make_shared<std::packaged_task<R()>>(std::move(fn));
    std::shared_future<R> result = task->get_future().share();
    if (!enqueue([task] { (*task)(); })) (*task)();  // caller-runs
    return result;
  }

  std::size_t maxThreads() const { return maxThreads_; }
  std::size_t threads() const;  // workers made so far

 private:
  // Queues job for a worker, starting one if needed; false when none can take it now.
  bool enqueue(std::function<void()> job);
  void work();

  const std::size_t maxThreads_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  std::vector<std::thread> workers_;
  std::ptrdiff_t available_ = 0;  // idle workers minus queued tasks; never below 0
  bool stop_ = false;
};

}  // namespace vouch::core
