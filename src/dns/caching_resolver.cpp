// CachingResolver (see caching_resolver.h).
#include "dns/caching_resolver.h"

#include <algorithm>
#include <atomic>
#include <functional>

#include "dns/names.h"

namespace vouch::dns {

class CachingResolver::Store {
 public:
  Store(std::size_t maxEntries, Now now)
      : perShard_(std::max<std::size_t>(1, maxEntries / kShards)), now_(std::move(now)) {}

  bool find(const std::string& key, Answer& out) {
    Shard& s = shardOf(key);
    std::lock_guard lock(s.mu);
    auto it = s.map.find(key);
    if (it == s.map.end()) return false;
    if (it->second.expires <= now_()) {
      s.map.erase(it);
      return false;
    }
    out = it->second.answer;
    hits_.fetch_add(1, std::memory_order_relaxed);
    return true;
  }

  void store(const std::string& key, const Answer& a) {
    const bool complete = a.status == Status::Ok || a.status == Status::NoData || a.status == Status::NxDomain;
    if (!complete || a.security == Security::Bogus || a.ttl == 0) return;
    const auto ttl = std::min<std::chrono::seconds>(std::chrono::seconds(a.ttl), kMaxTtl);
    const Clock::time_point now = now_();
    Shard& s = shardOf(key);
    std::lock_guard lock(s.mu);
    if (s.map.size() >= perShard_ && s.map.find(key) == s.map.end()) {
      std::erase_if(s.map, [&](const auto& kv) { return kv.second.expires <= now; });
      if (s.map.size() >= perShard_) s.map.erase(s.map.begin());
    }
    s.map.insert_or_assign(key, Entry{a, now + ttl});
  }

  std::size_t size() const {
    std::size_t n = 0;
    for (const Shard& s : shards_) {
      std::lock_guard lock(s.mu);
      n += s.map.size();
    }
    return n;
  }
  std::size_t hits() const { return hits_.load(std::memory_order_relaxed); }

 private:
  struct Entry {
    Answer answer;
    Clock::time_point expires;
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, Entry> map;
  };
  Shard& shardOf(const std::string& key) { return shards_[std::hash<std::string>{}(key) % kShards]; }

  const std::size_t perShard_;
  const Now now_;
  std::array<Shard, kShards> shards_;
  std::atomic<std::size_t> hits_{0};
};

namespace {

// Waits on the real query and keeps what it answered for the next asker.
class StoringPending final : public Pending {
 public:
  StoringPending(PendingPtr inner, std::shared_ptr<CachingResolver::Store> store, std::string key)
      : inner_(std::move(inner)), store_(std::move(store)), key_(std::move(key)) {}
  Answer wait(Deadline deadline) override {
    Answer a = inner_->wait(deadline);
    store_->store(key_, a);
    return a;
  }

 private:
  PendingPtr inner_;
  std::shared_ptr<CachingResolver::Store> store_;
  std::string key_;
};

}  // namespace

CachingResolver::CachingResolver(std::shared_ptr<Resolver> inner, std::size_t maxEntries, Now now)
    : inner_(std::move(inner)), store_(std::make_shared<Store>(maxEntries, std::move(now))) {}

PendingPtr CachingResolver::start(std::string_view name, RrType type) {
  std::string key = normalizeName(name);
  key += '/';
  key += std::to_string(static_cast<unsigned>(type));
  Answer cached;
  if (store_->find(key, cached)) return std::make_shared<ReadyPending>(std::move(cached));
  return std::make_shared<StoringPending>(inner_->start(name, type), store_, std::move(key));
}

std::size_t CachingResolver::size() const { return store_->size(); }
std::size_t CachingResolver::hits() const { return store_->hits(); }

}  // namespace vouch::dns
