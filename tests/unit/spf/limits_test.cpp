// RFC 7208 4.6.4 processing limits over a FakeResolver that counts queries: DNS terms
// across include and redirect, void lookups, MX and PTR names, loops, the time budget,
// and the same limits made smaller through Limits (as spf.* settings do).
#include <gtest/gtest.h>

#include "config/config.h"
#include "dns/fake_resolver.h"
#include "spf/evaluator.h"

namespace vouch::spf {
namespace {

using core::Result;

Outcome run(dns::FakeResolver& dns, const char* ip, Limits limits = {},
            dns::Deadline deadline = dns::Clock::now() + std::chrono::seconds(30)) {
  Evaluator ev(dns, limits);
  return ev.check(Request{*core::IpAddress::parse(ip), "u@example.com", "h.example.com", {}, 0}, deadline);
}

std::string terms(const char* mech, int n) {
  std::string out;
  for (int i = 1; i <= n; ++i) out += std::string(" ") + mech + ":n" + std::to_string(i) + ".example.com";
  return out;
}

void addNames(dns::FakeResolver& dns, int n) {
  for (int i = 1; i <= n; ++i) dns.addA("n" + std::to_string(i) + ".example.com", "203.0.113.1");
}

TEST(Limits, DnsTermsAcrossTheWholeEvaluation) {
  struct Case {
    const char* name;
    std::string record;
    Result want;
  } cases[] = {
      {"10 a terms then match", "v=spf1" + terms("a", 10) + " ip4:192.0.2.1 -all", Result::Pass},
      {"11th term errors even if it would match", "v=spf1" + terms("a", 10) + " a:hit.example.com -all",
       Result::PermError},
      {"include counts, and its terms too", "v=spf1 include:inc.example.com" + terms("a", 2) + " ip4:192.0.2.1",
       Result::Pass},
      {"include pushes over", "v=spf1 include:inc.example.com" + terms("a", 3) + " ip4:192.0.2.1",
       Result::PermError},
      {"redirect counts", "v=spf1" + terms("a", 2) + " redirect=inc.example.com", Result::Neutral},
      {"redirect pushes over", "v=spf1" + terms("a", 3) + " redirect=inc.example.com", Result::PermError},
      {"ip4 and all are free", "v=spf1 ip4:198.51.100.1 ip4:198.51.100.2" + terms("a", 10) + " +all",
       Result::Pass},
  };
  for (const auto& c : cases) {
    dns::FakeResolver dns;
    addNames(dns, 10);
    dns.addA("hit.example.com", "192.0.2.1");
    dns.addTxt("inc.example.com", "v=spf1" + terms("a", 7));  // 1 + 7 = 8 terms
    dns.addTxt("example.com", c.record);
    Outcome o = run(dns, "192.0.2.1");
    EXPECT_EQ(o.result, c.want) << c.name << ": " << o.reason;
    EXPECT_LE(o.dnsTerms, 11u) << c.name;
  }
}

TEST(Limits, LoopsStopAtTheTermLimit) {
  dns::FakeResolver dns;
  dns.addTxt("example.com", "v=spf1 include:loop.example.com -all");
  dns.addTxt("loop.example.com", "v=spf1 include:example.com");
  Outcome o = run(dns, "192.0.2.1");
  EXPECT_EQ(o.result, Result::PermError);
  EXPECT_LE(dns.queryCount(), 11u);
  dns::FakeResolver self;
  self.addTxt("example.com", "v=spf1 redirect=example.com");
  EXPECT_EQ(run(self, "192.0.2.1").result, Result::PermError);
  EXPECT_LE(self.queryCount(), 11u);
}

TEST(Limits, VoidLookups) {
  struct Case {
    int voids;
    unsigned limit;
    Result want;
  } cases[] = {{2, 2, Result::Neutral}, {3, 2, Result::PermError}, {1, 0, Result::PermError},
               {0, 0, Result::Neutral}, {5, 5, Result::Neutral}};
  for (const auto& c : cases) {
    dns::FakeResolver dns;
    std::string rec = "v=spf1";
    for (int i = 0; i < c.voids; ++i) rec += " a:void" + std::to_string(i) + ".example.com";
    dns.addTxt("example.com", rec + " ?all");
    Limits l;
    l.maxVoidLookups = c.limit;
    Outcome o = run(dns, "192.0.2.1", l);
    EXPECT_EQ(o.result, c.want) << c.voids << " voids, limit " << c.limit << ": " << o.reason;
  }
  // NODATA counts like NXDOMAIN; an exists miss and an empty MX count too.
  dns::FakeResolver dns;
  dns.addA("nodata.example.com", "192.0.2.9");
  dns.addTxt("example.com", "v=spf1 a:nodata.example.com//64 mx:nomx.example.com exists:none.example.com ?all");
  Outcome o = run(dns, "2001:db8::1");
  EXPECT_EQ(o.result, Result::PermError) << o.reason;
  EXPECT_EQ(o.voidLookups, 3u);
}

TEST(Limits, MxNames) {
  for (int names : {10, 11}) {
    dns::FakeResolver dns;
    dns.addTxt("example.com", "v=spf1 mx -all");
    for (int i = 1; i <= names; ++i) {
      dns.addMx("example.com", static_cast<std::uint16_t>(i), "mx" + std::to_string(i) + ".example.com");
      dns.addA("mx" + std::to_string(i) + ".example.com", i == names ? "192.0.2.1" : "203.0.113.1");
    }
    Outcome o = run(dns, "192.0.2.1");
    EXPECT_EQ(o.result, names <= 10 ? Result::Pass : Result::PermError) << names << ": " << o.reason;
    EXPECT_EQ(dns.queryCount(), names <= 10 ? 12u : 2u) << names;
  }
  dns::FakeResolver small;
  small.addTxt("example.com", "v=spf1 mx -all");
  for (int i = 1; i <= 3; ++i) small.addMx("example.com", 10, "mx" + std::to_string(i) + ".example.com");
  Limits l;
  l.maxMxNames = 2;
  EXPECT_EQ(run(small, "192.0.2.1", l).result, Result::PermError);
}

TEST(Limits, PtrUsesTheFirstNamesOnly) {
  for (unsigned maxPtr : {10u, 11u}) {
    dns::FakeResolver dns;
    dns.addTxt("example.com", "v=spf1 ptr -all");
    for (int i = 1; i <= 11; ++i) {
      std::string name = "h" + std::to_string(i) + ".example.com";
      dns.addPtr("1.2.0.192.in-addr.arpa", name);
      dns.addA(name, i == 11 ? "192.0.2.1" : "203.0.113.1");  // only the 11th validates
    }
    Limits l;
    l.maxPtrNames = maxPtr;
    Outcome o = run(dns, "192.0.2.1", l);
    EXPECT_EQ(o.result, maxPtr == 10 ? Result::Fail : Result::Pass) << maxPtr;
    EXPECT_EQ(dns.queryCount(), 2u + maxPtr) << maxPtr;
  }
}

TEST(Limits, TimeBudget) {
  dns::FakeResolver dns;
  dns.addTxt("example.com", "v=spf1 -all");
  Outcome past = run(dns, "192.0.2.1", {}, dns::Clock::now() - std::chrono::seconds(1));
  EXPECT_EQ(past.result, Result::TempError);
  EXPECT_EQ(dns.queryCount(), 0u);
  Limits l;
  l.timeBudget = std::chrono::milliseconds(0);
  EXPECT_EQ(run(dns, "192.0.2.1", l).result, Result::TempError);
  EXPECT_EQ(dns.queryCount(), 0u);
}

TEST(Limits, FromConfig) {
  config::Config cfg = config::Config::defaults();
  Limits d = Limits::fromConfig(cfg);
  EXPECT_EQ(d.maxDnsTerms, 10u);
  EXPECT_EQ(d.maxVoidLookups, 2u);
  EXPECT_EQ(d.maxMxNames, 10u);
  EXPECT_EQ(d.maxPtrNames, 10u);
  EXPECT_EQ(d.explanationMax, 256u);
  cfg.spf_max_dns_terms = 3;
  cfg.spf_time_budget_ms = 500;
  Limits s = Limits::fromConfig(cfg);
  EXPECT_EQ(s.maxDnsTerms, 3u);
  EXPECT_EQ(s.timeBudget, std::chrono::milliseconds(500));
  dns::FakeResolver dns;
  addNames(dns, 4);
  dns.addTxt("example.com", "v=spf1" + terms("a", 4) + " +all");
  EXPECT_EQ(run(dns, "192.0.2.1", s).result, Result::PermError);
}

}  // namespace
}  // namespace vouch::spf
