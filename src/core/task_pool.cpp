// TaskPool (see task_pool.h). available_ = workers not running a job minus queued jobs.
// A new worker arrives together with the job it was made for (net zero); taking any job
// is net zero too (one fewer idle worker, one fewer queued job); finishing one adds one;
// queueing for an existing worker spends one. Which idle worker takes which job does
// not matter, so a job never waits while every worker is busy.
#include "core/task_pool.h"

namespace vouch::core {

TaskPool::TaskPool(std::size_t maxThreads) : maxThreads_(maxThreads) {}

TaskPool::~TaskPool() {
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    workers.swap(workers_);
  }
  wake_.notify_all();
  for (auto& w : workers) w.join();
}

std::size_t TaskPool::threads() const {
  std::lock_guard lock(mu_);
  return workers_.size();
}

bool TaskPool::enqueue(std::function<void()> job) {
  std::unique_lock lock(mu_);
  if (stop_) return false;
  if (available_ > 0) {
    --available_;
    queue_.push_back(std::move(job));
    lock.unlock();
    wake_.notify_one();
    return true;
  }
  if (workers_.size() >= maxThreads_) return false;
  // The new worker and this job cancel out in available_.
  queue_.push_back(std::move(job));
  try {
    workers_.emplace_back([this] { work(); });
  } catch (...) {  // no thread (or no memory for it) to be had: the caller runs it
    queue_.pop_back();
    return false;
  }
  return true;
}

void TaskPool::work() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) {  // stopping, nothing left to drain
      --available_;
      return;
    }
    std::function<void()> job = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    job();  // a packaged_task: exceptions land in its future
    lock.lock();
    ++available_;
  }
}

}  // namespace vouch::core
