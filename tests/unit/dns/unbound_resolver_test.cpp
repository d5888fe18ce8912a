// Unit tests for dns::UnboundResolver against an in-process loopback DNS server
// (UdpZoneServer): answer mapping end to end, .test and documentation-range reverse
// names reaching the upstream, per-query timeout, caller deadlines, abandoned queries,
// shutdown with waiters, many threads on one resolver. Asserts statuses, never durations.
#include "dns/unbound_resolver.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "udp_zone_server.h"

namespace vouch::dns {
namespace {

using std::chrono::milliseconds;

constexpr const char* kZone = R"(
$ORIGIN example.com.
@      IN SOA ns hostmaster 1 3600 600 86400 300
@      IN NS  ns
ns     IN A   127.0.0.1
@      IN TXT "v=spf1 " "ip4:192.0.2.0/24 -all"
@      IN A   192.0.2.1
@      IN AAAA 2001:db8::1
@      IN MX  10 mx1
@      IN MX  20 mx2
www    IN CNAME @
txtonly IN TXT "only txt"
$ORIGIN 2.0.192.in-addr.arpa.
1      IN PTR example.com.
$ORIGIN spf.test.
@      IN TXT "v=spf1 -all"
)";

struct Server {
  Server() {
    std::string error;
    auto zone = ZoneResolver::fromString(kZone, error);
    EXPECT_TRUE(zone) << error;
    udp = std::make_unique<testing::UdpZoneServer>(zone);
    EXPECT_TRUE(udp->ok());
  }
  std::shared_ptr<UnboundResolver> resolver(int timeoutMs = 3000) {
    UnboundOptions o;
    o.nameservers = {udp->address()};
    o.timeoutMs = timeoutMs;
    o.cacheMb = 4;
    o.infraHostTtlS = 1;
    std::string error;
    auto r = UnboundResolver::create(o, error);
    EXPECT_TRUE(r) << error;
    return r;
  }
  std::unique_ptr<testing::UdpZoneServer> udp;
};

Deadline soon(int ms = 5000) { return Clock::now() + milliseconds(ms); }

struct Case {
  const char* name;
  RrType type;
  Status status;
  std::vector<std::string> texts;  // sorted
  std::string canonical = {};
};

class UnboundTable : public ::testing::TestWithParam<Case> {
 protected:
  static void SetUpTestSuite() {
    server_ = new Server();
    resolver_ = server_->resolver();
  }
  static void TearDownTestSuite() {
    resolver_.reset();
    delete server_;
  }
  static Server* server_;
  static std::shared_ptr<UnboundResolver> resolver_;
};
Server* UnboundTable::server_ = nullptr;
std::shared_ptr<UnboundResolver> UnboundTable::resolver_;

TEST_P(UnboundTable, Answers) {
  const Case& c = GetParam();
  ASSERT_TRUE(resolver_);
  Answer a = resolver_->query(c.name, c.type, soon());
  EXPECT_EQ(a.status, c.status) << c.name << ": " << toString(a.status) << " " << a.why;
  std::vector<std::string> texts;
  for (const auto& r : a.records) texts.push_back(r.text);
  std::sort(texts.begin(), texts.end());
  EXPECT_EQ(texts, c.texts);
  EXPECT_EQ(a.canonicalName, c.canonical);
  EXPECT_EQ(a.security, Security::Unchecked);
}

INSTANTIATE_TEST_SUITE_P(
    Unbound, UnboundTable,
    ::testing::Values(
        Case{"example.com", RrType::TXT, Status::Ok, {"v=spf1 ip4:192.0.2.0/24 -all"}},
        Case{"Example.COM.", RrType::A, Status::Ok, {"192.0.2.1"}},
        Case{"example.com", RrType::AAAA, Status::Ok, {"2001:db8::1"}},
        Case{"example.com", RrType::MX, Status::Ok, {"mx1.example.com", "mx2.example.com"}},
        Case{"www.example.com", RrType::A, Status::Ok, {"192.0.2.1"}, "example.com"},
        Case{"txtonly.example.com", RrType::A, Status::NoData, {}},
        Case{"missing.example.com", RrType::TXT, Status::NxDomain, {}},
        Case{"1.2.0.192.in-addr.arpa", RrType::PTR, Status::Ok, {"example.com"}},
        Case{"spf.test", RrType::TXT, Status::Ok, {"v=spf1 -all"}},
        Case{"bad..name", RrType::TXT, Status::NxDomain, {}}));

TEST(UnboundResolver, MultiStringTxtKeepsStrings) {
  Server s;
  auto r = s.resolver();
  Answer a = r->query("example.com", RrType::TXT, soon());
  ASSERT_EQ(a.status, Status::Ok) << a.why;
  ASSERT_EQ(a.records.size(), 1u);
  EXPECT_EQ(a.records[0].strings, (std::vector<std::string>{"v=spf1 ", "ip4:192.0.2.0/24 -all"}));
}

TEST(UnboundResolver, CacheAnswersRepeatsWithoutTheServer) {
  Server s;
  auto r = s.resolver();
  ASSERT_EQ(r->query("example.com", RrType::A, soon()).status, Status::Ok);
  std::size_t before = s.udp->received();
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(r->query("example.com", RrType::A, soon()).status, Status::Ok);
  EXPECT_EQ(s.udp->received(), before);
}

TEST(UnboundResolver, BlackHoleTimesOut) {
  Server s;
  s.udp->blackHoleAll();
  auto r = s.resolver(300);
  Answer a = r->query("example.com", RrType::TXT, soon(60000));
  EXPECT_TRUE(a.status == Status::Timeout || a.status == Status::ServFail) << toString(a.status);
  EXPECT_TRUE(a.temporary());
}

TEST(UnboundResolver, CallerDeadlineBeforeQueryTimeout) {
  Server s;
  s.udp->blackHole("slow.example.com");
  auto r = s.resolver(30000);
  PendingPtr p = r->start("slow.example.com", RrType::TXT);
  Answer a = p->wait(Clock::now() + milliseconds(50));
  EXPECT_EQ(a.status, Status::Timeout);
  EXPECT_EQ(a.why, "caller deadline passed");
  // Already-passed deadline: still a timeout, and no hang.
  EXPECT_EQ(p->wait(Clock::now() - milliseconds(1)).status, Status::Timeout);
}

TEST(UnboundResolver, PendingCanBeWaitedTwiceAndFromAnotherThread) {
  Server s;
  auto r = s.resolver();
  PendingPtr p = r->start("example.com", RrType::MX);
  Answer other;
  std::thread t([&] { other = p->wait(soon()); });
  Answer mine = p->wait(soon());
  t.join();
  EXPECT_EQ(mine.status, Status::Ok);
  EXPECT_EQ(other.status, Status::Ok);
  EXPECT_EQ(mine.records.size(), 2u);
  EXPECT_EQ(other.records.size(), 2u);
}

TEST(UnboundResolver, AbandonedQueriesAndShutdownWithWaiter) {
  Server s;
  s.udp->blackHoleAll();
  auto r = s.resolver(60000);
  for (int i = 0; i < 20; ++i) (void)r->start("n" + std::to_string(i) + ".example.com", RrType::A);
  PendingPtr held = r->start("held.example.com", RrType::TXT);
  Answer got;
  std::thread waiter([&] { got = held->wait(soon(60000)); });
  std::this_thread::sleep_for(milliseconds(50));  // let the waiter block (not a timing assert)
  r.reset();                                      // destructor answers the waiter
  waiter.join();
  EXPECT_EQ(got.status, Status::ServFail);
  EXPECT_EQ(got.why, "resolver stopped");
  EXPECT_EQ(held->wait(soon()).status, Status::ServFail);
}

TEST(UnboundResolver, ManyThreadsShareOneResolver) {
  Server s;
  auto r = s.resolver();
  const char* names[] = {"example.com", "www.example.com", "missing.example.com", "spf.test"};
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        const char* n = names[(t + i) % 4];
        Answer a = r->query(n, RrType::TXT, soon());
        Status want = std::string(n) == "missing.example.com" ? Status::NxDomain : Status::Ok;
        if (a.status != want) ++bad;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad.load(), 0);
}

TEST(UnboundResolver, BadNameserverIsASetupError) {
  UnboundOptions o;
  o.nameservers = {"not an address"};
  std::string error;
  EXPECT_FALSE(UnboundResolver::create(o, error));
  EXPECT_NE(error.find("nameserver not an address"), std::string::npos) << error;
}

TEST(UnboundResolver, MissingTrustAnchorIsASetupError) {
  UnboundOptions o;
  o.nameservers = {"127.0.0.1@9"};
  o.trustAnchorFile = "/nonexistent/root.key";
  std::string error;
  EXPECT_FALSE(UnboundResolver::create(o, error));
  EXPECT_NE(error.find("trust anchor"), std::string::npos) << error;
}

// DNSSEC: an anchor for example.com while the server publishes no keys makes its answers
// bogus (SERVFAIL, Security::Bogus, with libunbound's reason); names outside the anchor
// are Insecure rather than Unchecked because validation is on.
TEST(UnboundResolver, TrustAnchorWithoutKeysIsBogus) {
  Server s;
  std::string anchor = ::testing::TempDir() + "vouch-dns-anchor.ds";
  {
    std::FILE* f = std::fopen(anchor.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs(
        "example.com. 3600 IN DS 12345 13 2 "
        "3490A6806D47F17A34C29E2CE80E8A999FFBE4BE8A999FFBE4BE3490A6806D47F1\n",
        f);
    std::fclose(f);
  }
  UnboundOptions o;
  o.nameservers = {s.udp->address()};
  o.timeoutMs = 5000;
  o.trustAnchorFile = anchor;
  std::string error;
  auto r = UnboundResolver::create(o, error);
  ASSERT_TRUE(r) << error;
  Answer bogus = r->query("example.com", RrType::TXT, soon());
  EXPECT_EQ(bogus.status, Status::ServFail);
  EXPECT_EQ(bogus.security, Security::Bogus);
  EXPECT_FALSE(bogus.why.empty());
  EXPECT_TRUE(bogus.records.empty());
  Answer outside = r->query("spf.test", RrType::TXT, soon());
  EXPECT_EQ(outside.status, Status::Ok) << outside.why;
  EXPECT_EQ(outside.security, Security::Insecure);
  std::remove(anchor.c_str());
}

// Answers and timeouts interleaved from many threads: exercises the callback/cancel
// hand-over concurrently (run under ThreadSanitizer by the threads label). After a
// timeout libunbound may mark the only upstream down, so answered names may turn into
// SERVFAIL; what must never happen is a wrong record or a non-temporary failure.
TEST(UnboundResolver, AnswersAndTimeoutsInterleaved) {
  Server s;
  for (int i = 0; i < 8; ++i) {
    s.udp->blackHole("drop" + std::to_string(i) + ".example.com");
  }
  auto r = s.resolver(100);
  std::atomic<int> ok{0};
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        bool drop = (i % 2) == 1;
        std::string name = drop ? "drop" + std::to_string(t) + ".example.com" : "example.com";
        PendingPtr p = r->start(name, RrType::A);
        if (i % 5 == 4) continue;  // abandoned unanswered
        Answer a = p->wait(soon());
        if (a.ok() && !drop && a.records.size() == 1 && a.records[0].text == "192.0.2.1") {
          ++ok;
        } else if (!a.temporary() || !a.records.empty()) {
          ++bad;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(ok.load(), 0);
}

}  // namespace
}  // namespace vouch::dns
