// CachingResolver: answers a repeated lookup from memory, in the calling thread, while
// its TTL lasts. libunbound caches too, but every answer it gives, even from its cache,
// is a hand-off to its event thread and back (a wake-up and two context switches): a
// quarter of vouch's CPU per message when every message comes on a new connection, as
// through Postfix (bench/RESULTS.md). Only complete answers are kept: Ok, NoData and
// NxDomain with a TTL, not bogus; SERVFAIL, timeouts and bogus answers are asked again
// every time, so an outage is seen as soon as libunbound sees it. An entry lives
// min(TTL, kMaxTtl) from its arrival. Bounded in entries and in bytes (answers come
// from anyone's DNS, TXT records can be large): a full shard drops its expired entries,
// then arbitrary ones; an answer bigger than a shard's byte share is not kept. Thread-safe
// (one mutex per shard); the store outlives the resolver while queries it started are
// still being waited on.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "dns/resolver.h"

namespace vouch::dns {

class CachingResolver final : public Resolver {
 public:
  using Now = std::function<Clock::time_point()>;
  static constexpr std::chrono::seconds kMaxTtl{300};
  static constexpr std::size_t kShards = 16;

  explicit CachingResolver(std::shared_ptr<Resolver> inner, std::size_t maxEntries = 16384,
                           std::size_t maxBytes = 8u << 20, Now now = [] { return Clock::now(); });

  PendingPtr start(std::string_view name, RrType type) override;
  bool cached(std::string_view name, RrType type, Answer& out) override;

  std::size_t size() const;   // entries held, expired or not
  std::size_t bytes() const;  // their estimated size
  std::size_t hits() const;   // lookups answered from memory

  // Shared with the Pendings of queries in flight, which store their answer here.
  class Store;

 private:
  std::shared_ptr<Resolver> inner_;
  std::shared_ptr<Store> store_;
};

}  // namespace vouch::dns
