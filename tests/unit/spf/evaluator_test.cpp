// check_host() over a FakeResolver: one table of records and clients per mechanism with
// the expected result and the number of DNS queries it may cost, then include/redirect
// semantics, temperror/permerror mapping, the null sender and IPv4-mapped clients.
#include <gtest/gtest.h>

#include "dns/fake_resolver.h"
#include "spf/evaluator.h"

namespace vouch::spf {
namespace {

using core::Result;

struct Case {
  const char* name;
  const char* record;  // published at example.com
  const char* ip;
  Result want;
  std::size_t queries;  // resolver queries for the whole evaluation
};

// Shared DNS data the records above refer to.
void populate(dns::FakeResolver& dns) {
  dns.addA("example.com", "192.0.2.10");
  dns.addAaaa("example.com", "2001:db8::10");
  dns.addA("mail.example.com", "192.0.2.20");
  dns.addA("mail.example.com", "192.0.2.21");
  dns.addAaaa("mail.example.com", "2001:db8::20");
  dns.addMx("example.com", 10, "mail.example.com");
  dns.addMx("other.example.com", 10, "mx1.example.net");
  dns.addA("mx1.example.net", "198.51.100.1");
  dns.addPtr("20.2.0.192.in-addr.arpa", "mail.example.com");
  dns.addPtr("99.2.0.192.in-addr.arpa", "forged.example.com");  // does not validate
  dns.addA("forged.example.com", "203.0.113.1");
  dns.addA("10.2.0.192.listed.example.org", "127.0.0.2");
  dns.addTxt("_spf.example.net", "v=spf1 ip4:198.51.100.0/24 -all");
  dns.addTxt("soft.example.net", "v=spf1 ~all");
  dns.addTxt("broken.example.net", "v=spf1 frobnicate");
  dns.setStatus("down.example.net", dns::RrType::TXT, dns::Status::ServFail);
  dns.setStatus("slow.example.net", dns::RrType::A, dns::Status::Timeout);
}

Outcome run(dns::FakeResolver& dns, const char* ip, const std::string& sender, Limits limits = {},
            const std::string& helo = "mail.example.com") {
  Evaluator ev(dns, limits);
  Request req{*core::IpAddress::parse(ip), sender, helo, "mx.example.org", 1700000000};
  return ev.check(req, dns::Clock::now() + std::chrono::seconds(30));
}

TEST(Evaluator, Mechanisms) {
  const Case cases[] = {
      {"all", "v=spf1 -all", "192.0.2.1", Result::Fail, 1},
      {"no match is neutral", "v=spf1 ip4:203.0.113.0/24", "192.0.2.1", Result::Neutral, 1},
      {"ip4 cidr", "v=spf1 ip4:192.0.2.0/24 -all", "192.0.2.1", Result::Pass, 1},
      {"ip4 /32 miss", "v=spf1 ip4:192.0.2.2 -all", "192.0.2.1", Result::Fail, 1},
      {"ip6", "v=spf1 ip6:2001:db8::/32 -all", "2001:db8::5", Result::Pass, 1},
      {"ip6 vs ipv4 client", "v=spf1 ip6:::/0 -all", "192.0.2.1", Result::Fail, 1},
      {"a implicit", "v=spf1 a -all", "192.0.2.10", Result::Pass, 2},
      {"a ipv6 uses AAAA", "v=spf1 a -all", "2001:db8::10", Result::Pass, 2},
      {"a cidr4", "v=spf1 a:mail.example.com/30 -all", "192.0.2.22", Result::Pass, 2},
      {"a cidr6 not for v4", "v=spf1 a:mail.example.com//0 -all", "192.0.2.99", Result::Fail, 2},
      {"a cidr6", "v=spf1 a:mail.example.com//64 -all", "2001:db8::ffff", Result::Pass, 2},
      {"mx", "v=spf1 mx -all", "192.0.2.21", Result::Pass, 3},
      {"mx other", "v=spf1 mx:other.example.com ~all", "198.51.100.1", Result::Pass, 3},
      {"mx miss", "v=spf1 mx -all", "192.0.2.99", Result::Fail, 3},
      {"ptr validated", "v=spf1 ptr -all", "192.0.2.20", Result::Pass, 3},
      {"ptr not validated", "v=spf1 ptr:example.com -all", "192.0.2.99", Result::Fail, 3},
      {"exists", "v=spf1 exists:%{ir}.listed.example.org -all", "192.0.2.10", Result::Pass, 2},
      {"exists miss", "v=spf1 -exists:%{ir}.listed.example.org +all", "192.0.2.11", Result::Pass, 2},
      {"include pass", "v=spf1 include:_spf.example.net -all", "198.51.100.7", Result::Pass, 2},
      {"include fail is no match", "v=spf1 include:_spf.example.net ?all", "192.0.2.1", Result::Neutral, 2},
      {"include softfail is no match", "v=spf1 -include:soft.example.net +all", "192.0.2.1", Result::Pass, 2},
      {"include none", "v=spf1 include:nothing.example.net -all", "192.0.2.1", Result::PermError, 2},
      {"include permerror", "v=spf1 include:broken.example.net -all", "192.0.2.1", Result::PermError, 2},
      {"include temperror", "v=spf1 include:down.example.net -all", "192.0.2.1", Result::TempError, 2},
      {"redirect", "v=spf1 redirect=_spf.example.net", "198.51.100.7", Result::Pass, 2},
      {"redirect to none", "v=spf1 redirect=nothing.example.net", "192.0.2.1", Result::PermError, 2},
      {"redirect ignored with all", "v=spf1 ?all redirect=_spf.example.net", "198.51.100.7", Result::Neutral, 1},
      {"redirect after mechanisms", "v=spf1 redirect=_spf.example.net ip4:192.0.2.1", "192.0.2.1", Result::Pass, 1},
      {"a temperror", "v=spf1 a:slow.example.net -all", "192.0.2.1", Result::TempError, 2},
      {"syntax error anywhere", "v=spf1 ip4:192.0.2.1 -all foo=%", "192.0.2.1", Result::PermError, 1},
      {"unknown modifier ignored", "v=spf1 default=deny ip4:192.0.2.1", "192.0.2.1", Result::Pass, 1},
  };
  for (const auto& c : cases) {
    dns::FakeResolver dns;
    populate(dns);
    dns.addTxt("example.com", c.record);
    Outcome o = run(dns, c.ip, "user@example.com");
    EXPECT_EQ(o.result, c.want) << c.name << ": " << o.reason;
    EXPECT_EQ(dns.queryCount(), c.queries) << c.name;
    EXPECT_EQ(o.dnsQueries, c.queries) << c.name;
  }
}

TEST(Evaluator, RecordSelection) {
  struct Sel {
    const char* name;
    std::vector<std::string> txt;
    Result want;
  } cases[] = {
      {"none", {}, Result::None},
      {"only other txt", {"google-site-verification=abc"}, Result::None},
      {"two records", {"v=spf1 -all", "v=spf1 +all"}, Result::PermError},
      {"one among others", {"hello", "v=spf1 +all", "v=spf10 -all"}, Result::Pass},
  };
  for (const auto& c : cases) {
    dns::FakeResolver dns;
    dns.addA("example.com", "192.0.2.1");  // the name exists
    for (const auto& t : c.txt) dns.addTxt("example.com", t);
    EXPECT_EQ(run(dns, "192.0.2.1", "u@example.com").result, c.want) << c.name;
  }
  dns::FakeResolver split;
  split.addTxt("example.com", std::vector<std::string>{"v=spf1 ip4:192.0.2.1", " -all"});
  EXPECT_EQ(run(split, "192.0.2.1", "u@example.com").result, Result::Pass);
  EXPECT_EQ(run(split, "192.0.2.2", "u@example.com").result, Result::Fail);
}

TEST(Evaluator, DnsFailuresOfTheFirstLookup) {
  for (auto status : {dns::Status::ServFail, dns::Status::Timeout}) {
    dns::FakeResolver dns;
    dns.setStatus("example.com", dns::RrType::TXT, status);
    EXPECT_EQ(run(dns, "192.0.2.1", "u@example.com").result, Result::TempError);
  }
  dns::FakeResolver nx;
  EXPECT_EQ(run(nx, "192.0.2.1", "u@example.com").result, Result::None);
}

TEST(Evaluator, IdentitiesAndInvalidDomains) {
  dns::FakeResolver dns;
  dns.addTxt("example.com", "v=spf1 -all exp=why.example.com");
  dns.addTxt("why.example.com", "%{l} is not welcome");
  dns.addTxt("mail.example.com", "v=spf1 ip4:192.0.2.20 -all");
  Outcome nolocal = run(dns, "192.0.2.1", "@example.com");
  EXPECT_EQ(nolocal.result, Result::Fail);
  EXPECT_EQ(nolocal.sender, "postmaster@example.com");
  EXPECT_EQ(nolocal.explanation, "postmaster is not welcome");
  Outcome null = run(dns, "192.0.2.20", "");
  EXPECT_EQ(null.result, Result::Pass);
  EXPECT_EQ(null.sender, "postmaster@mail.example.com");
  EXPECT_EQ(null.domain, "mail.example.com");
  dns.resetCounts();
  for (const char* sender : {"u@[192.0.2.1]", "u@localhost", "u@a..example.com", ""}) {
    EXPECT_EQ(run(dns, "192.0.2.1", sender, {}, "[192.0.2.1]").result, Result::None) << sender;
  }
  EXPECT_EQ(dns.queryCount(), 0u);
}

TEST(Evaluator, MappedIpv4ClientIsIpv4) {
  dns::FakeResolver dns;
  dns.addTxt("example.com", "v=spf1 ip4:192.0.2.1 -all");
  core::IpAddress mapped;
  mapped.v6 = true;
  mapped.bytes = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1};
  Evaluator ev(dns, {});
  Outcome o = ev.check(Request{mapped, "u@example.com", "h.example.com", {}, 0},
                       dns::Clock::now() + std::chrono::seconds(5));
  EXPECT_EQ(o.result, Result::Pass) << o.reason;
}

TEST(Evaluator, ExplanationRules) {
  struct Exp {
    const char* name;
    const char* record;
    std::vector<std::string> expTxt;  // at why.example.com
    std::string want;
    std::size_t max = 256;
  } cases[] = {
      {"expanded", "v=spf1 -all exp=why.example.com", {"%{i} may not send for %{d}"},
       "192.0.2.1 may not send for example.com"},
      {"c r t", "v=spf1 -all exp=why.example.com", {"%{c} %{r} %{t}"}, "192.0.2.1 mx.example.org 1700000000"},
      {"bounded", "v=spf1 -all exp=why.example.com", {"0123456789"}, "01234", 5},
      {"two records", "v=spf1 -all exp=why.example.com", {"a", "b"}, ""},
      {"bad macro", "v=spf1 -all exp=why.example.com", {"The %{x}-files"}, ""},
      {"non-ascii", "v=spf1 -all exp=why.example.com", {"caf\xc3\xa9"}, ""},
      {"no record", "v=spf1 -all exp=nothing.example.com", {}, ""},
      {"not on softfail", "v=spf1 ~all exp=why.example.com", {"text"}, ""},
  };
  for (const auto& c : cases) {
    dns::FakeResolver dns;
    dns.addTxt("example.com", c.record);
    for (const auto& t : c.expTxt) dns.addTxt("why.example.com", t);
    Limits l;
    l.explanationMax = c.max;
    EXPECT_EQ(run(dns, "192.0.2.1", "u@example.com", l).explanation, c.want) << c.name;
  }
  // Control characters a local part may carry never reach the reply text.
  dns::FakeResolver dns;
  dns.addTxt("example.com", "v=spf1 -all exp=why.example.com");
  dns.addTxt("why.example.com", "%{l}");
  EXPECT_EQ(run(dns, "192.0.2.1", "a\r\nb@example.com").explanation, "a??b");
}

TEST(Evaluator, ReasonsAreBoundedAndPrintable) {
  dns::FakeResolver dns;
  dns.addTxt("example.com", "v=spf1 " + std::string(500, 'x') + "\x01\x7f -all");
  Outcome o = run(dns, "192.0.2.1", "u@example.com");
  EXPECT_EQ(o.result, Result::PermError);
  EXPECT_EQ(o.reason.size(), kMaxReason);
  EXPECT_EQ(o.reason.rfind("syntax error at example.com: unknown mechanism", 0), 0u) << o.reason;
  dns::FakeResolver ctl;
  ctl.addTxt("example.com", "v=spf1 a:\x01\x02.example.com -all");
  Outcome c = run(ctl, "192.0.2.1", "u@example.com");
  EXPECT_EQ(c.result, Result::PermError);
  EXPECT_TRUE(std::all_of(c.reason.begin(), c.reason.end(), [](char ch) { return ch >= 0x20 && ch < 0x7f; }))
      << c.reason;
}

TEST(Evaluator, IncludeIgnoresExpRedirectUsesTarget) {
  dns::FakeResolver dns;
  dns.addTxt("example.com", "v=spf1 exp=one.example.com redirect=two.example.com");
  dns.addTxt("two.example.com", "v=spf1 include:three.example.com -all exp=two-why.example.com");
  dns.addTxt("three.example.com", "v=spf1 -all exp=three-why.example.com");
  dns.addTxt("one.example.com", "one");
  dns.addTxt("two-why.example.com", "two");
  dns.addTxt("three-why.example.com", "three");
  Outcome o = run(dns, "192.0.2.1", "u@example.com");
  EXPECT_EQ(o.result, Result::Fail);
  EXPECT_EQ(o.explanation, "two");
}

}  // namespace
}  // namespace vouch::spf
