// CachingResolver (see caching_resolver.h).
#include "dns/caching_resolver.h"

#include <algorithm>
#include <atomic>
#include <functional>

#include "dns/names.h"

namespace vouch::dns {

class CachingResolver::Store {
 public:
  Store(std::size_t maxEntries, std::size_t maxBytes, Now now)
      : perShard_(std::max<std::size_t>(1, maxEntries / kShards)),
        bytesPerShard_(std::max<std::size_t>(1, maxBytes / kShards)),
        now_(std::move(now)) {}

  bool find(const std::string& key, Answer& out) {
    Shard& s = shardOf(key);
    std::lock_guard lock(s.mu);
    auto it = s.map.find(key);
    if (it == s.map.end()) return false;
    if (it->second.expires <= now_()) {
      s.bytes -= it->second.cost;
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
    const std::size_t cost = costOf(key, a);
    if (cost > bytesPerShard_) return;
    const auto ttl = std::min<std::chrono::seconds>(std::chrono::seconds(a.ttl), kMaxTtl);
    const Clock::time_point now = now_();
    Shard& s = shardOf(key);
    std::lock_guard lock(s.mu);
    if (auto old = s.map.find(key); old != s.map.end()) {
      s.bytes -= old->second.cost;
      s.map.erase(old);
    }
    if (s.map.size() >= perShard_ || s.bytes + cost > bytesPerShard_) {
      std::erase_if(s.map, [&](const auto& kv) {
        if (kv.second.expires > now) return false;
        s.bytes -= kv.second.cost;
        return true;
      });
      while (!s.map.empty() && (s.map.size() >= perShard_ || s.bytes + cost > bytesPerShard_)) {
        s.bytes -= s.map.begin()->second.cost;
        s.map.erase(s.map.begin());
      }
    }
    s.map.emplace(key, Entry{a, now + ttl, cost});
    s.bytes += cost;
  }

  std::size_t size() const {
    std::size_t n = 0;
    for (const Shard& s : shards_) {
      std::lock_guard lock(s.mu);
      n += s.map.size();
    }
    return n;
  }
  std::size_t bytes() const {
    std::size_t n = 0;
    for (const Shard& s : shards_) {
      std::lock_guard lock(s.mu);
      n += s.bytes;
    }
    return n;
  }
  std::size_t hits() const { return hits_.load(std::memory_order_relaxed); }

 private:
  struct Entry {
    Answer answer;
    Clock::time_point expires;
    std::size_t cost;
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, Entry> map;
    std::size_t bytes = 0;
  };
  // The text held plus a fixed allowance per entry and record for the containers.
  static std::size_t costOf(const std::string& key, const Answer& a) {
    std::size_t n = 128 + 2 * key.size() + a.canonicalName.size() + a.why.size();
    for (const Record& r : a.records) {
      n += 64 + r.text.size();
      for (const std::string& piece : r.strings) n += 32 + piece.size();
    }
    return n;
  }
  Shard& shardOf(const std::string& key) { return shards_[std::hash<std::string>{}(key) % kShards]; }

  const std::size_t perShard_;
  const std::size_t bytesPerShard_;
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

CachingResolver::CachingResolver(std::shared_ptr<Resolver> inner, std::size_t maxEntries,
                                 std::size_t maxBytes, Now now)
    : inner_(std::move(inner)), store_(std::make_shared<Store>(maxEntries, maxBytes, std::move(now))) {}

namespace {
std::string keyOf(std::string_view name, RrType type) {
  std::string key = normalizeName(name);
  key += '/';
  key += std::to_string(static_cast<unsigned>(type));
  return key;
}
}  // namespace

PendingPtr CachingResolver::start(std::string_view name, RrType type) {
  std::string key = keyOf(name, type);
  Answer held;
  if (store_->find(key, held)) return std::make_shared<ReadyPending>(std::move(held));
  return std::make_shared<StoringPending>(inner_->start(name, type), store_, std::move(key));
}

bool CachingResolver::cached(std::string_view name, RrType type, Answer& out) {
  return store_->find(keyOf(name, type), out);
}

std::size_t CachingResolver::size() const { return store_->size(); }
std::size_t CachingResolver::bytes() const { return store_->bytes(); }
std::size_t CachingResolver::hits() const { return store_->hits(); }

}  // namespace vouch::dns
