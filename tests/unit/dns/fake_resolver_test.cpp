// Unit tests for dns::FakeResolver: every status, CNAME following, case and trailing-dot
// insensitivity, query counting. Table-driven; no network, no clock.
#include "dns/fake_resolver.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace vouch::dns {
namespace {

FakeResolver& sample() {
  static FakeResolver* fake = [] {
    auto* f = new FakeResolver();
    f->addTxt("example.com", "v=spf1 -all");
    f->addTxt("multi.example.com", std::vector<std::string>{"v=DKIM1; p=AB", "CD"});
    f->addA("example.com", "192.0.2.1");
    f->addA("example.com", "192.0.2.2");
    f->addAaaa("example.com", "2001:db8::1");
    f->addMx("example.com", 10, "MX1.Example.COM.");
    f->addPtr("1.2.0.192.in-addr.arpa", "host.example.com.");
    f->addCname("www.example.com", "example.com.");
    f->addCname("dangling.example.com", "nowhere.example.com");
    f->addCname("loop1.example.com", "loop2.example.com");
    f->addCname("loop2.example.com", "loop1.example.com");
    f->addTxt("servfail.example.com", "never seen");
    f->failName("servfail.example.com", Status::ServFail);
    f->failName("timeout.example.com", Status::Timeout);
    f->failName("gone.example.com", Status::NxDomain);
    f->addTxt("typed.example.com", "txt is fine");
    f->addA("typed.example.com", "192.0.2.9");
    f->setStatus("typed.example.com", RrType::A, Status::Timeout);
    f->setStatus("typed.example.com", RrType::MX, Status::ServFail);
    f->setStatus("typed.example.com", RrType::AAAA, Status::NoData);
    return f;
  }();
  return *fake;
}

struct Case {
  const char* name;
  RrType type;
  Status status;
  std::vector<std::string> texts;  // expected record texts, in insertion order
  std::string canonical = {};
};

class FakeTable : public ::testing::TestWithParam<Case> {};

TEST_P(FakeTable, Answers) {
  const Case& c = GetParam();
  Answer a = sample().answer(c.name, c.type);
  EXPECT_EQ(a.status, c.status) << c.name << " got " << toString(a.status);
  std::vector<std::string> texts;
  for (const auto& r : a.records) texts.push_back(r.text);
  EXPECT_EQ(texts, c.texts);
  EXPECT_EQ(a.canonicalName, c.canonical);
  EXPECT_EQ(a.ok(), c.status == Status::Ok);
  EXPECT_EQ(a.temporary(), c.status == Status::ServFail || c.status == Status::Timeout);
}

INSTANTIATE_TEST_SUITE_P(
    Fake, FakeTable,
    ::testing::Values(
        Case{"example.com", RrType::TXT, Status::Ok, {"v=spf1 -all"}},
        Case{"EXAMPLE.Com.", RrType::TXT, Status::Ok, {"v=spf1 -all"}},
        Case{"example.com", RrType::A, Status::Ok, {"192.0.2.1", "192.0.2.2"}},
        Case{"example.com", RrType::AAAA, Status::Ok, {"2001:db8::1"}},
        Case{"example.com", RrType::MX, Status::Ok, {"mx1.example.com"}},
        Case{"example.com", RrType::PTR, Status::NoData, {}},
        Case{"1.2.0.192.in-addr.arpa.", RrType::PTR, Status::Ok, {"host.example.com"}},
        Case{"nothere.example.com", RrType::TXT, Status::NxDomain, {}},
        Case{"www.example.com", RrType::A, Status::Ok, {"192.0.2.1", "192.0.2.2"}, "example.com"},
        Case{"www.example.com", RrType::CNAME, Status::Ok, {"example.com"}},
        Case{"www.example.com", RrType::PTR, Status::NoData, {}, "example.com"},
        Case{"dangling.example.com", RrType::TXT, Status::NxDomain, {}, "nowhere.example.com"},
        Case{"loop1.example.com", RrType::TXT, Status::ServFail, {}},
        Case{"servfail.example.com", RrType::TXT, Status::ServFail, {}},
        Case{"servfail.example.com", RrType::A, Status::ServFail, {}},
        Case{"timeout.example.com", RrType::TXT, Status::Timeout, {}},
        Case{"timeout.example.com", RrType::MX, Status::Timeout, {}},
        Case{"gone.example.com", RrType::A, Status::NxDomain, {}},
        Case{"typed.example.com", RrType::TXT, Status::Ok, {"txt is fine"}},
        Case{"typed.example.com", RrType::A, Status::Timeout, {}},
        Case{"typed.example.com", RrType::MX, Status::ServFail, {}},
        Case{"typed.example.com", RrType::AAAA, Status::NoData, {}},
        Case{"bad..name.example.com", RrType::TXT, Status::NxDomain, {}}));

TEST(FakeResolver, MultiStringTxtKeepsStringsAndJoins) {
  Answer a = sample().answer("multi.example.com", RrType::TXT);
  ASSERT_EQ(a.status, Status::Ok);
  ASSERT_EQ(a.records.size(), 1u);
  EXPECT_EQ(a.records[0].text, "v=DKIM1; p=ABCD");
  EXPECT_EQ(a.records[0].strings, (std::vector<std::string>{"v=DKIM1; p=AB", "CD"}));
}

TEST(FakeResolver, BracedStringsAreOneRecord) {
  FakeResolver f;
  f.addTxt("d.example", {"v=spf1 ", "-all"});
  f.addTxt("d.example", "second");
  Answer a = f.answer("d.example", RrType::TXT);
  ASSERT_EQ(a.records.size(), 2u);
  EXPECT_EQ(a.records[0].text, "v=spf1 -all");
  EXPECT_EQ(a.records[0].strings.size(), 2u);
  EXPECT_EQ(a.records[1].strings, (std::vector<std::string>{"second"}));
}

TEST(FakeResolver, MxKeepsPreference) {
  FakeResolver f;
  f.addMx("d.example", 20, "b.example");
  f.addMx("d.example", 5, "a.example");
  Answer a = f.answer("d.example", RrType::MX);
  ASSERT_EQ(a.records.size(), 2u);
  EXPECT_EQ(a.records[0].preference, 20);
  EXPECT_EQ(a.records[1].preference, 5);
  EXPECT_EQ(a.records[1].text, "a.example");
}

TEST(FakeResolver, CountsQueriesAndResets) {
  FakeResolver f;
  f.addTxt("a.example", "x");
  EXPECT_EQ(f.queryCount(), 0u);
  (void)f.answer("A.Example.", RrType::TXT);
  (void)f.query("missing.example", RrType::MX, Clock::now());
  (void)f.start("timeout.example", RrType::A);
  EXPECT_EQ(f.queryCount(), 3u);
  auto q = f.queries();
  ASSERT_EQ(q.size(), 3u);
  EXPECT_EQ(q[0], (std::pair<std::string, RrType>{"a.example", RrType::TXT}));
  EXPECT_EQ(q[1], (std::pair<std::string, RrType>{"missing.example", RrType::MX}));
  EXPECT_EQ(q[2].second, RrType::A);
  f.resetCounts();
  EXPECT_EQ(f.queryCount(), 0u);
  EXPECT_TRUE(f.queries().empty());
}

TEST(FakeResolver, TimeoutAnswersAtOnceEvenWithLateDeadline) {
  FakeResolver f;
  f.failName("slow.example", Status::Timeout);
  // A deadline far away: the fake must not wait for it.
  Answer a = f.query("slow.example", RrType::TXT, Clock::now() + std::chrono::hours(1));
  EXPECT_EQ(a.status, Status::Timeout);
}

TEST(FakeResolver, ThreadsShareOneFake) {
  FakeResolver f;
  f.addTxt("t.example", "v");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&f, t] {
      for (int i = 0; i < 200; ++i) {
        if (i % 50 == 0) f.addA("host" + std::to_string(t) + ".example", "192.0.2.7");
        Answer a = f.answer("t.example", RrType::TXT);
        EXPECT_EQ(a.status, Status::Ok);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(f.queryCount(), 800u);
  EXPECT_EQ(f.answer("host3.example", RrType::A).records.size(), 4u);
}

TEST(ResolverText, TypesRoundTrip) {
  for (RrType t : {RrType::A, RrType::NS, RrType::CNAME, RrType::SOA, RrType::PTR, RrType::MX,
                   RrType::TXT, RrType::AAAA, RrType::SPF}) {
    RrType back{};
    ASSERT_TRUE(parseRrType(toString(t), back)) << toString(t);
    EXPECT_EQ(back, t);
  }
  RrType t{};
  EXPECT_TRUE(parseRrType("txt", t));
  EXPECT_EQ(t, RrType::TXT);
  EXPECT_FALSE(parseRrType("TXTX", t));
  EXPECT_FALSE(parseRrType("", t));
  EXPECT_EQ(toString(Status::NxDomain), "nxdomain");
  EXPECT_EQ(toString(Security::Bogus), "bogus");
}

}  // namespace
}  // namespace vouch::dns
