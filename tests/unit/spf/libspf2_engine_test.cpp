// The libspf2 engine over a FakeResolver: result mapping including the caller-side
// fixes (INVALID -> permerror/temperror, mapped IPv4, null sender via HELO, screened
// records, refused identities) and the deviations README.md documents.
#include <gtest/gtest.h>

#include "dns/fake_resolver.h"
#include "spf/engine.h"

namespace vouch::spf {
namespace {

using core::Result;

Outcome run(std::shared_ptr<dns::FakeResolver> dns, const char* ip, const std::string& sender,
            const std::string& helo = "mail.example.net") {
  auto engine = makeEngine("libspf2", dns, Limits{});
  EXPECT_NE(engine, nullptr);
  Request req{*core::IpAddress::parse(ip), sender, helo, "mx.example.org", 0};
  return engine->check(req, dns::Clock::now() + std::chrono::seconds(10));
}

TEST(Libspf2Engine, Results) {
  struct Case {
    const char* name;
    const char* record;
    const char* ip;
    Result want;
  } cases[] = {
      {"pass", "v=spf1 ip4:192.0.2.0/24 -all", "192.0.2.1", Result::Pass},
      {"fail", "v=spf1 ip4:192.0.2.0/24 -all", "198.51.100.1", Result::Fail},
      {"softfail", "v=spf1 ~all", "198.51.100.1", Result::SoftFail},
      {"neutral", "v=spf1 ?all", "198.51.100.1", Result::Neutral},
      {"default neutral", "v=spf1 ip4:192.0.2.1", "198.51.100.1", Result::Neutral},
      {"a", "v=spf1 a:host.example.com -all", "192.0.2.55", Result::Pass},
      {"mx", "v=spf1 mx -all", "192.0.2.55", Result::Pass},
      {"include", "v=spf1 include:inc.example.com -all", "203.0.113.9", Result::Pass},
      {"include none", "v=spf1 include:none.example.com -all", "203.0.113.9", Result::PermError},
      {"top-level syntax error (INVALID)", "v=spf1 ip4:192.0.2.300 -all", "192.0.2.1", Result::PermError},
      {"screened macro", "v=spf1 exists:%{d0}.example.com -all", "192.0.2.1", Result::PermError},
      {"ipv6", "v=spf1 ip6:2001:db8::/32 -all", "2001:db8::1", Result::Pass},
  };
  for (const auto& c : cases) {
    auto dns = std::make_shared<dns::FakeResolver>();
    dns->addTxt("example.com", c.record);
    dns->addA("host.example.com", "192.0.2.55");
    dns->addMx("example.com", 10, "host.example.com");
    dns->addTxt("inc.example.com", "v=spf1 ip4:203.0.113.0/24 -all");
    Outcome o = run(dns, c.ip, "user@example.com");
    EXPECT_EQ(o.result, c.want) << c.name << ": " << o.reason;
    EXPECT_GT(o.dnsQueries, 0u) << c.name;
  }
}

TEST(Libspf2Engine, TopLevelDnsFailureIsTemperror) {
  for (auto status : {dns::Status::ServFail, dns::Status::Timeout}) {
    auto dns = std::make_shared<dns::FakeResolver>();
    dns->setStatus("example.com", dns::RrType::TXT, status);
    EXPECT_EQ(run(dns, "192.0.2.1", "user@example.com").result, Result::TempError);
  }
  auto nx = std::make_shared<dns::FakeResolver>();
  EXPECT_EQ(run(nx, "192.0.2.1", "user@example.com").result, Result::None);
}

TEST(Libspf2Engine, CallerSideFixes) {
  auto dns = std::make_shared<dns::FakeResolver>();
  dns->addTxt("example.com", "v=spf1 ip4:192.0.2.1 -all");
  dns->addTxt("mail.example.net", "v=spf1 ip4:192.0.2.1 -all");
  EXPECT_EQ(run(dns, "::ffff:192.0.2.1", "user@example.com").result, Result::Pass);
  Outcome null = run(dns, "192.0.2.1", "");
  EXPECT_EQ(null.result, Result::Pass);
  EXPECT_EQ(null.sender, "postmaster@mail.example.net");
  EXPECT_EQ(run(dns, "192.0.2.1", "<user@example.com>").result, Result::None);  // caller strips <>
  dns->resetCounts();
  for (const char* sender : {"us\ner@example.com", "user@exa\x01mple.com", "user@[192.0.2.1]"}) {
    EXPECT_EQ(run(dns, "192.0.2.1", sender).result, Result::None) << sender;
  }
  EXPECT_EQ(run(dns, "192.0.2.1", std::string(400, 'a') + "@example.com").result, Result::None);
  EXPECT_EQ(dns->queryCount(), 0u);
}

// libspf2 has no void-lookup limit; the DNS layer counts and enforces it (MX and PTR
// targets' address lookups are not counted, as in the native engine).
TEST(Libspf2Engine, VoidLimitEnforcedByTheLayer) {
  struct Case {
    const char* record;
    Result want;
  } cases[] = {
      {"v=spf1 a:v1.example.com a:v2.example.com ?all", Result::Neutral},
      {"v=spf1 a:v1.example.com a:v2.example.com a:v3.example.com ?all", Result::PermError},
      {"v=spf1 a:v1.example.com mx:nomx.example.com exists:v3.example.com ?all", Result::PermError},
      {"v=spf1 a:v1.example.com a:v2.example.com mx:mx.example.com ?all", Result::Neutral},
  };
  for (const auto& c : cases) {
    auto dns = std::make_shared<dns::FakeResolver>();
    dns->addTxt("example.com", c.record);
    for (int i = 1; i <= 3; ++i) dns->addMx("mx.example.com", 10, "gone" + std::to_string(i) + ".example.com");
    Outcome o = run(dns, "192.0.2.1", "user@example.com");
    EXPECT_EQ(o.result, c.want) << c.record << ": " << o.reason;
  }
}

// Records rewritten before libspf2 compiles them, without changing their RFC meaning.
TEST(Libspf2Engine, RecordsRewrittenForLibspf2) {
  struct Case {
    const char* record;
    const char* ip;
    Result want;
  } cases[] = {
      {"v=spf1 ip4:10.0.0.0/0 -all", "192.0.2.1", Result::Pass},
      {"v=spf1 -ip4:1.2.3.4/0 +all", "192.0.2.1", Result::Fail},
      {"v=spf1 ip6:2001:db8::/0 -all", "2001:db8::1", Result::Pass},
      {"v=spf1 ip6:::/0 -all", "192.0.2.1", Result::Fail},
      {"v=spf1 moo.cow-far_out=man:dog/cat ip4:192.0.2.1 -all", "192.0.2.1", Result::Pass},
      {"v=spf1 redirect=other.example.com ~all", "192.0.2.1", Result::SoftFail},
      {"v=spf1 redirect=other.example.com", "192.0.2.1", Result::Pass},
  };
  for (const auto& c : cases) {
    auto dns = std::make_shared<dns::FakeResolver>();
    dns->addTxt("example.com", c.record);
    dns->addTxt("other.example.com", "v=spf1 +all");
    Outcome o = run(dns, c.ip, "user@example.com");
    EXPECT_EQ(o.result, c.want) << c.record << ": " << o.reason;
  }
}

// MX and PTR rules the DNS layer applies for libspf2 (RFC 7208 4.6.4, 5.5).
TEST(Libspf2Engine, MxAndPtrRulesEnforcedByTheLayer) {
  auto mx = std::make_shared<dns::FakeResolver>();
  mx->addTxt("example.com", "v=spf1 mx -all");
  for (int i = 1; i <= 11; ++i) {
    mx->addMx("example.com", static_cast<std::uint16_t>(i), "mx" + std::to_string(i) + ".example.com");
    mx->addA("mx" + std::to_string(i) + ".example.com", "192.0.2.1");
  }
  EXPECT_EQ(run(mx, "192.0.2.1", "user@example.com").result, Result::PermError);  // not pass via mx1

  auto ptr = std::make_shared<dns::FakeResolver>();
  ptr->addTxt("example.com", "v=spf1 ptr -all");
  for (int i = 1; i <= 11; ++i) {
    std::string name = "h" + std::to_string(i) + ".example.com";
    ptr->addPtr("1.2.0.192.in-addr.arpa", name);
    ptr->addA(name, i == 11 ? "192.0.2.1" : "203.0.113.1");  // only the ignored 11th validates
  }
  EXPECT_EQ(run(ptr, "192.0.2.1", "user@example.com").result, Result::Fail);

  auto broken = std::make_shared<dns::FakeResolver>();
  broken->addTxt("example.com", "v=spf1 ptr -all");
  broken->addPtr("1.2.0.192.in-addr.arpa", "h1.example.com");
  broken->setStatus("h1.example.com", dns::RrType::A, dns::Status::ServFail);
  EXPECT_EQ(run(broken, "192.0.2.1", "user@example.com").result, Result::Fail);  // skipped, not temperror
  broken->setStatus("1.2.0.192.in-addr.arpa", dns::RrType::PTR, dns::Status::Timeout);
  EXPECT_EQ(run(broken, "192.0.2.1", "user@example.com").result, Result::Fail);
}

// libspf2 counts DNS terms per record; the layer counts them over the whole evaluation.
TEST(Libspf2Engine, DnsTermLimitAcrossIncludes) {
  auto terms = [](const char* prefix, int n) {
    std::string out;
    for (int i = 1; i <= n; ++i) out += std::string(" a:") + prefix + std::to_string(i) + ".example.com";
    return out;
  };
  struct Case {
    std::string record;
    Result want;
  } cases[] = {
      {"v=spf1" + terms("n", 10) + " ip4:192.0.2.1 -all", Result::Pass},
      {"v=spf1" + terms("n", 10) + " a:hit.example.com -all", Result::PermError},
      {"v=spf1 include:i1.example.com include:i2.example.com ip4:192.0.2.1 -all", Result::PermError},
      {"v=spf1 include:i1.example.com" + terms("n", 5) + " ip4:192.0.2.1 -all", Result::Pass},
  };
  for (const auto& c : cases) {
    auto dns = std::make_shared<dns::FakeResolver>();
    dns->addTxt("example.com", c.record);
    dns->addTxt("i1.example.com", "v=spf1" + terms("m", 4));  // 1 + 4 terms
    dns->addTxt("i2.example.com", "v=spf1" + terms("k", 5));  // 1 + 5 terms
    for (int i = 1; i <= 10; ++i) {
      for (const char* p : {"n", "m", "k"}) dns->addA(p + std::to_string(i) + ".example.com", "203.0.113.1");
    }
    dns->addA("hit.example.com", "192.0.2.1");
    Outcome o = run(dns, "192.0.2.1", "user@example.com");
    EXPECT_EQ(o.result, c.want) << c.record << ": " << o.reason;
  }
}

TEST(Libspf2Engine, LoopsTerminate) {
  auto dns = std::make_shared<dns::FakeResolver>();
  dns->addTxt("example.com", "v=spf1 include:loop.example.com -all");
  dns->addTxt("loop.example.com", "v=spf1 include:example.com");
  Outcome o = run(dns, "192.0.2.1", "user@example.com");
  EXPECT_EQ(o.result, Result::PermError) << o.reason;
  EXPECT_LT(dns->queryCount(), 200u);
}

// Documented deviations (README.md, "SPF engines"): if one disappears, update the list.
TEST(Libspf2Engine, DocumentedDeviations) {
  auto dns = std::make_shared<dns::FakeResolver>();
  dns->addTxt("example.com", "v=spf1 -all");
  EXPECT_EQ(run(dns, "127.0.0.1", "user@example.com").result, Result::Pass);  // localhost free ride
  auto cidr0 = std::make_shared<dns::FakeResolver>();
  cidr0->addTxt("example.com", "v=spf1 a/0 -all");
  cidr0->addA("example.com", "203.0.113.1");
  EXPECT_EQ(run(cidr0, "192.0.2.1", "user@example.com").result, Result::PermError);  // a/0 refused
  auto exp = std::make_shared<dns::FakeResolver>();
  exp->addTxt("example.com", "v=spf1 -all exp=why.example.com");
  exp->addTxt("why.example.com", "%{i} is bad");
  Outcome o = run(exp, "192.0.2.1", "user@example.com");
  EXPECT_EQ(o.result, Result::Fail);
  EXPECT_EQ(o.explanation, "");  // libspf2's text is garbled; not passed on
}

}  // namespace
}  // namespace vouch::spf
