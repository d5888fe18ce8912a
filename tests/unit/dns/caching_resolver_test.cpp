// CachingResolver (src/dns/caching_resolver.h): complete answers are reused until their
// TTL (capped) runs out, per name and type, case- and dot-insensitively; temporary
// failures, bogus answers and TTL 0 are never kept; the store stays bounded; a query
// started before the resolver went away still completes and is kept.
#include "dns/caching_resolver.h"

#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace vouch::dns {
namespace {

// Answers what the test scripted for (name, type) and counts what reached it.
class ScriptedResolver final : public Resolver {
 public:
  std::map<std::pair<std::string, RrType>, Answer> answers;
  int starts = 0;
  PendingPtr start(std::string_view name, RrType type) override {
    std::lock_guard lock(mu_);
    ++starts;
    auto it = answers.find({std::string(name), type});
    Answer a;  // ServFail unless scripted
    if (it != answers.end()) a = it->second;
    return std::make_shared<ReadyPending>(a);
  }

 private:
  std::mutex mu_;
};

Answer txt(std::string text, std::uint32_t ttl) {
  Answer a;
  a.status = Status::Ok;
  a.ttl = ttl;
  a.records.push_back({text, {text}, 0});
  return a;
}

Answer status(Status s, std::uint32_t ttl, Security sec = Security::Unchecked) {
  Answer a;
  a.status = s;
  a.ttl = ttl;
  a.security = sec;
  return a;
}

struct CachingResolverTest : ::testing::Test {
  std::shared_ptr<ScriptedResolver> inner = std::make_shared<ScriptedResolver>();
  Clock::time_point now = Clock::now();
  CachingResolver cache{inner, 1024, 1u << 20, [this] { return now; }};
  Answer ask(std::string_view name, RrType type = RrType::TXT) {
    return cache.query(name, type, Clock::now() + std::chrono::seconds(1));
  }
};

TEST_F(CachingResolverTest, ReusesAnAnswerUntilItsTtlRunsOut) {
  inner->answers[{"example.org", RrType::TXT}] = txt("v=spf1 -all", 60);
  EXPECT_EQ(ask("example.org").records.at(0).text, "v=spf1 -all");
  EXPECT_EQ(ask("Example.ORG.").records.at(0).text, "v=spf1 -all");  // same name
  EXPECT_EQ(inner->starts, 1);
  EXPECT_EQ(cache.hits(), 1u);
  ask("example.org", RrType::MX);  // another type: its own entry
  EXPECT_EQ(inner->starts, 2);
  now += std::chrono::seconds(59);
  ask("example.org");
  EXPECT_EQ(inner->starts, 2);
  now += std::chrono::seconds(1);  // expired: asked again
  ask("example.org");
  EXPECT_EQ(inner->starts, 3);
}

TEST_F(CachingResolverTest, CapsLongTtls) {
  inner->answers[{"example.org", RrType::TXT}] = txt("x", 86400);
  ask("example.org");
  now += CachingResolver::kMaxTtl - std::chrono::seconds(1);
  ask("example.org");
  EXPECT_EQ(inner->starts, 1);
  now += std::chrono::seconds(1);
  ask("example.org");
  EXPECT_EQ(inner->starts, 2);
}

TEST_F(CachingResolverTest, KeepsNegativeAnswersWithTheirTtl) {
  inner->answers[{"_dmarc.example.org", RrType::TXT}] = status(Status::NxDomain, 300);
  inner->answers[{"example.net", RrType::TXT}] = status(Status::NoData, 30);
  EXPECT_EQ(ask("_dmarc.example.org").status, Status::NxDomain);
  EXPECT_EQ(ask("_dmarc.example.org").status, Status::NxDomain);
  EXPECT_EQ(ask("example.net").status, Status::NoData);
  EXPECT_EQ(ask("example.net").status, Status::NoData);
  EXPECT_EQ(inner->starts, 2);
}

TEST_F(CachingResolverTest, NeverKeepsFailuresBogusOrTtlZero) {
  inner->answers[{"servfail.example", RrType::TXT}] = status(Status::ServFail, 300);
  inner->answers[{"timeout.example", RrType::TXT}] = status(Status::Timeout, 300);
  inner->answers[{"bogus.example", RrType::TXT}] = status(Status::NxDomain, 300, Security::Bogus);
  inner->answers[{"zero.example", RrType::TXT}] = txt("x", 0);
  for (const char* n : {"servfail.example", "timeout.example", "bogus.example", "zero.example"}) {
    ask(n);
    ask(n);
  }
  EXPECT_EQ(inner->starts, 8);
  EXPECT_EQ(cache.size(), 0u);
  // An outage that ends is seen at once: the next answer is the good one.
  inner->answers[{"servfail.example", RrType::TXT}] = txt("back", 60);
  EXPECT_EQ(ask("servfail.example").records.at(0).text, "back");
}

TEST_F(CachingResolverTest, KeepsSecurityStateWithTheAnswer) {
  Answer a = txt("signed", 60);
  a.security = Security::Secure;
  inner->answers[{"secure.example", RrType::TXT}] = a;
  ask("secure.example");
  EXPECT_EQ(ask("secure.example").security, Security::Secure);
  EXPECT_EQ(inner->starts, 1);
}

TEST(CachingResolverBound, StaysBounded) {
  auto inner = std::make_shared<ScriptedResolver>();
  for (int i = 0; i < 5000; ++i) inner->answers[{"n" + std::to_string(i) + ".example", RrType::A}] = txt("x", 60);
  CachingResolver cache(inner, 320);
  for (int i = 0; i < 5000; ++i) cache.query("n" + std::to_string(i) + ".example", RrType::A, Clock::now());
  EXPECT_LE(cache.size(), 320u);
  EXPECT_GT(cache.size(), 0u);
}

// Answers come from anyone's DNS: big TXT records are bounded by bytes, not only count.
TEST(CachingResolverBound, StaysWithinItsBytes) {
  auto inner = std::make_shared<ScriptedResolver>();
  const std::string big(4000, 'x');
  for (int i = 0; i < 2000; ++i) inner->answers[{"b" + std::to_string(i) + ".example", RrType::TXT}] = txt(big, 60);
  inner->answers[{"huge.example", RrType::TXT}] = txt(std::string(200000, 'y'), 60);
  const std::size_t budget = 256 * 1024;
  CachingResolver cache(inner, 100000, budget);
  for (int i = 0; i < 2000; ++i) cache.query("b" + std::to_string(i) + ".example", RrType::TXT, Clock::now());
  EXPECT_LE(cache.bytes(), budget);
  EXPECT_GT(cache.size(), 0u);
  EXPECT_LT(cache.size(), 2000u);
  // An answer bigger than a shard's share is passed on, never kept.
  EXPECT_EQ(cache.query("huge.example", RrType::TXT, Clock::now()).records.at(0).text.size(), 200000u);
  const int before = inner->starts;
  cache.query("huge.example", RrType::TXT, Clock::now());
  EXPECT_EQ(inner->starts, before + 1);
}

TEST(CachingResolverLifetime, QueryOutlivesTheResolver) {
  auto inner = std::make_shared<ScriptedResolver>();
  inner->answers[{"example.org", RrType::TXT}] = txt("x", 60);
  PendingPtr p;
  {
    CachingResolver cache(inner);
    p = cache.start("example.org", RrType::TXT);
  }
  EXPECT_EQ(p->wait(Clock::now()).records.at(0).text, "x");
}

// Many threads asking overlapping names at once (run under TSan by the dns.threads test):
// every answer is the scripted one and the store stays within its bound.
TEST(CachingResolverThreads, ConcurrentLookups) {
  auto inner = std::make_shared<ScriptedResolver>();
  for (int i = 0; i < 64; ++i) inner->answers[{"n" + std::to_string(i) + ".example", RrType::TXT}] = txt(std::to_string(i), 60);
  CachingResolver cache(inner, 48);
  std::vector<std::thread> threads;
  std::vector<int> wrong(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        const int n = (i * 7 + t) % 64;
        Answer a = cache.query("n" + std::to_string(n) + ".example", RrType::TXT, Clock::now() + std::chrono::seconds(1));
        if (!a.ok() || a.records.at(0).text != std::to_string(n)) ++wrong[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int w : wrong) EXPECT_EQ(w, 0);
  EXPECT_LE(cache.size(), 48u);
  EXPECT_GT(cache.hits(), 0u);
}

}  // namespace
}  // namespace vouch::dns
