// QueryLog: counts and remembers the queries a test resolver answered, so tests can
// assert on DNS cost (SPF's 10-lookup limit, DMARC's tree walk, caching). Thread-safe
// (one mutex); bounded: only the first kMaxKept queries are kept, the count goes on.
// Trusts nothing about its input; never throws except std::bad_alloc.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dns/names.h"
#include "dns/resolver.h"

namespace vouch::dns {

class QueryLog {
 public:
  static constexpr std::size_t kMaxKept = 100000;

  void record(std::string_view name, RrType type) {
    std::lock_guard lock(mutex_);
    ++count_;
    if (kept_.size() < kMaxKept) {
      kept_.emplace_back(normalizeName(name), type);
    }
  }
  std::size_t count() const {
    std::lock_guard lock(mutex_);
    return count_;
  }
  std::vector<std::pair<std::string, RrType>> queries() const {
    std::lock_guard lock(mutex_);
    return kept_;
  }
  void reset() {
    std::lock_guard lock(mutex_);
    count_ = 0;
    kept_.clear();
  }

 private:
  mutable std::mutex mutex_;
  std::size_t count_ = 0;
  std::vector<std::pair<std::string, RrType>> kept_;
};

}  // namespace vouch::dns
