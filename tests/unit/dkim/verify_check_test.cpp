// VerifyCheck driven through a real core::Session the way the milter drives it: header
// values with their leading space and LF folding, body in chunks, then end of message.
// Asserts the findings (txn.findings.dkim), the Authentication-Results entries, the
// outbound/disabled rules, header limits, and that the key lookup starts at the header.
#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "core/session.h"
#include "dkim/verify_check.h"
#include "dns/fake_resolver.h"
#include "verify_test_signer.h"

namespace vouch::dkim {
namespace {

using core::Result;

// Splits a CRLF message into milter-style (name, value) pairs and the body.
std::pair<std::vector<std::pair<std::string, std::string>>, std::string> milterView(
    const std::string& msg) {
  const auto end = msg.find("\r\n\r\n");
  std::vector<std::pair<std::string, std::string>> headers;
  std::string block = msg.substr(0, end + 2);
  std::size_t pos = 0;
  while (pos < block.size()) {
    std::size_t next = pos;
    do next = block.find("\r\n", next) + 2;
    while (next < block.size() && (block[next] == ' ' || block[next] == '\t'));
    std::string line = block.substr(pos, next - pos - 2);
    const auto colon = line.find(':');
    std::string value = line.substr(colon + 1);
    for (auto p = value.find("\r\n"); p != std::string::npos; p = value.find("\r\n", p)) {
      value.erase(p, 1);  // milter folding is LF only
    }
    headers.emplace_back(line.substr(0, colon), value);
    pos = next;
  }
  return {headers, msg.substr(end + 4)};
}

struct Fixture {
  std::shared_ptr<dns::FakeResolver> resolver = std::make_shared<dns::FakeResolver>();
  config::Config cfg = config::Config::defaults();
  core::SessionOptions options;

  std::unique_ptr<core::Session> session() {
    std::vector<config::Error> errors;
    auto factory = VerifyCheckFactory::create(cfg, resolver, nullptr, errors);
    EXPECT_TRUE(errors.empty());
    std::vector<std::unique_ptr<core::Check>> checks;
    if (factory) checks.push_back(factory->makeCheck());
    options.authservId = "mx.example.net";
    return std::make_unique<core::Session>(options, std::move(checks), nullptr);
  }

  // Runs one message through a session; returns the session for inspection.
  std::unique_ptr<core::Session> run(const std::string& msg, const std::string& clientIp = "192.0.2.1") {
    auto s = session();
    s->connect(clientIp, "client.example.com");
    s->helo("client.example.com");
    s->mailFrom("<alice@example.org>");
    s->rcpt("<bob@example.net>");
    auto [headers, body] = milterView(msg);
    for (const auto& [n, v] : headers) s->header(n, v);
    s->endOfHeaders();
    for (std::size_t i = 0; i < body.size(); i += 7) s->body(std::span<const char>(body.data() + i, std::min<std::size_t>(7, body.size() - i)));
    core::RecordingActions actions;
    s->endOfMessage(actions);
    return s;
  }
};

const testing::TestKey& key() {
  static const testing::TestKey k = testing::makeRsaKey(2048);
  return k;
}

std::string signedMessage(const std::string& canon = "relaxed/relaxed") {
  testing::SignSpec spec;
  spec.canon = canon;
  // A folded Subject, so LF-to-CRLF folding matters for simple canonicalization.
  std::string msg = testing::sampleMessage();
  msg.replace(msg.find("Subject: quarterly report"), 25, "Subject: quarterly\r\n report");
  return testing::signMessage(msg, key(), spec);
}

TEST(VerifyCheck, SignedMessagePassesWithAuthResultsProperties) {
  Fixture f;
  f.resolver->addTxt("sel._domainkey.example.org", key().record());
  const std::string msg = signedMessage();
  auto s = f.run(msg);
  const auto& txn = s->transaction();
  ASSERT_EQ(txn.findings.dkim.size(), 1u);
  const auto& d = txn.findings.dkim[0];
  EXPECT_EQ(d.result, Result::Pass);
  EXPECT_EQ(d.domain, "example.org");
  EXPECT_EQ(d.selector, "sel");
  EXPECT_EQ(d.algorithm, "rsa-sha256");
  EXPECT_EQ(d.keyBits, 2048u);
  const auto b = msg.find("b=", msg.find("bh=") + 3);
  EXPECT_EQ(d.bPrefix, msg.substr(b + 2, 8));
  ASSERT_EQ(txn.authResults.results().size(), 1u);
  const std::string ar = txn.authResults.render(1000);
  EXPECT_NE(ar.find("dkim=pass"), std::string::npos) << ar;
  EXPECT_NE(ar.find("header.d=example.org"), std::string::npos) << ar;
  EXPECT_NE(ar.find("header.s=sel"), std::string::npos) << ar;
  EXPECT_NE(ar.find("header.a=rsa-sha256"), std::string::npos) << ar;
  // header.b may be quoted by the renderer ('/' and '+' are not token characters).
  const auto& props = txn.authResults.results()[0].properties;
  ASSERT_EQ(props.size(), 4u);
  EXPECT_EQ(props[3].ptype + "." + props[3].property + "=" + props[3].value, "header.b=" + d.bPrefix);
  EXPECT_NE(ar.find(d.bPrefix), std::string::npos) << ar;
}

TEST(VerifyCheck, LfFoldedHeadersVerifyForEveryCanonicalization) {
  for (const char* canon : {"simple/simple", "relaxed/simple", "simple/relaxed", "relaxed/relaxed"}) {
    SCOPED_TRACE(canon);
    Fixture f;
    f.resolver->addTxt("sel._domainkey.example.org", key().record());
    auto s = f.run(signedMessage(canon));
    ASSERT_EQ(s->transaction().findings.dkim.size(), 1u);
    EXPECT_EQ(s->transaction().findings.dkim[0].result, Result::Pass)
        << s->transaction().findings.dkim[0].reason;
  }
}

TEST(VerifyCheck, UnsignedMailGetsDkimNone) {
  Fixture f;
  auto s = f.run(testing::sampleMessage());
  EXPECT_TRUE(s->transaction().findings.dkim.empty());
  ASSERT_EQ(s->transaction().authResults.results().size(), 1u);
  EXPECT_EQ(s->transaction().authResults.results()[0].method, "dkim");
  EXPECT_EQ(s->transaction().authResults.results()[0].result, Result::None);
  EXPECT_EQ(f.resolver->queryCount(), 0u);
}

TEST(VerifyCheck, OutboundMailIsNotJudgedUnlessConfigured) {
  for (bool judge : {false, true}) {
    SCOPED_TRACE(judge);
    Fixture f;
    f.cfg.judge_outbound = judge;
    f.options.internalNetworks = {*core::Cidr::parse("10.0.0.0/8")};
    f.resolver->addTxt("sel._domainkey.example.org", key().record());
    auto s = f.run(signedMessage(), "10.1.2.3");
    ASSERT_TRUE(s->transaction().outbound);
    EXPECT_EQ(s->transaction().findings.dkim.size(), judge ? 1u : 0u);
    EXPECT_EQ(s->transaction().authResults.results().size(), judge ? 1u : 0u);
  }
}

TEST(VerifyCheck, DisabledMeansNoCheck) {
  Fixture f;
  f.cfg.dkim_verify = false;
  std::vector<config::Error> errors;
  EXPECT_EQ(VerifyCheckFactory::create(f.cfg, f.resolver, nullptr, errors), nullptr);
  EXPECT_TRUE(errors.empty());
}

TEST(VerifyCheck, KeyLookupStartsAtTheSignatureHeader) {
  Fixture f;
  f.resolver->addTxt("sel._domainkey.example.org", key().record());
  auto s = f.session();
  s->connect("192.0.2.1", "client.example.com");
  s->mailFrom("<alice@example.org>");
  auto [headers, body] = milterView(signedMessage());
  ASSERT_EQ(headers[0].first, "DKIM-Signature");
  s->header(headers[0].first, headers[0].second);
  EXPECT_EQ(f.resolver->queryCount(), 1u);  // prefetch, before end of headers
  for (std::size_t i = 1; i < headers.size(); ++i) s->header(headers[i].first, headers[i].second);
  s->endOfHeaders();
  s->body(std::span<const char>(body.data(), body.size()));
  core::RecordingActions actions;
  s->endOfMessage(actions);
  EXPECT_EQ(f.resolver->queryCount(), 1u);  // the hook waited on the prefetch
  ASSERT_EQ(s->transaction().findings.dkim.size(), 1u);
  EXPECT_EQ(s->transaction().findings.dkim[0].result, Result::Pass);
}

TEST(VerifyCheck, HeadersOverLimitGivePermerrorNotACrash) {
  Fixture f;
  f.options.maxHeaders = 10;
  f.resolver->addTxt("sel._domainkey.example.org", key().record());
  std::string msg = signedMessage();
  std::string filler;
  for (int i = 0; i < 20; ++i) filler += "X-Filler-" + std::to_string(i) + ": x\r\n";
  msg.insert(msg.find("From:"), filler);
  auto s = f.run(msg);
  ASSERT_TRUE(s->transaction().headersTruncated);
  ASSERT_EQ(s->transaction().findings.dkim.size(), 1u);
  EXPECT_EQ(s->transaction().findings.dkim[0].result, Result::PermError);
  EXPECT_NE(s->transaction().findings.dkim[0].reason.find("limits"), std::string::npos);
}

TEST(VerifyCheck, ManySignaturesAreBoundedInAuthResults) {
  Fixture f;
  f.cfg.dkim_max_signatures = 2;
  f.resolver->addTxt("sel._domainkey.example.org", key().record());
  std::string msg = testing::sampleMessage();
  for (int i = 0; i < 8; ++i) msg = testing::signMessage(msg, key(), {});
  auto s = f.run(msg);
  const auto& dk = s->transaction().findings.dkim;
  ASSERT_EQ(dk.size(), 8u);
  EXPECT_EQ(dk[0].result, Result::Pass);
  EXPECT_EQ(dk[1].result, Result::Pass);
  for (std::size_t i = 2; i < dk.size(); ++i) EXPECT_FALSE(dk[i].checked);
  EXPECT_EQ(s->transaction().authResults.results().size(), 4u);  // 2 checked + 2 unchecked
  EXPECT_EQ(f.resolver->queryCount(), 1u);  // ignored signatures cause no lookups
}

// A resolver whose answers never come: records the deadline each wait was given.
class StalledResolver final : public dns::Resolver {
 public:
  struct StalledPending final : dns::Pending {
    explicit StalledPending(StalledResolver& r) : owner(r) {}
    dns::Answer wait(dns::Deadline deadline) override {
      std::lock_guard lock(owner.mutex);
      owner.deadlines.push_back(deadline);
      dns::Answer a;
      a.status = dns::Status::Timeout;
      return a;
    }
    StalledResolver& owner;
  };
  dns::PendingPtr start(std::string_view, dns::RrType) override {
    return std::make_shared<StalledPending>(*this);
  }
  std::mutex mutex;
  std::vector<dns::Deadline> deadlines;
};

TEST(VerifyCheck, KeyWaitsAreBoundedByTheMessageDeadline) {
  // dns.deadline_ms below dns.timeout_ms: the message deadline (from MAIL FROM) bounds
  // the wait; above it, libopendkim's per-query timeout does. Deadlines are compared as
  // values against clock readings taken around the message, never as elapsed time.
  struct Row {
    std::int64_t deadlineMs;
    std::int64_t timeoutMs;
    std::chrono::milliseconds want;
  };
  for (const Row& row : {Row{1000, 5000, std::chrono::milliseconds(1000)},
                         Row{20000, 2000, std::chrono::milliseconds(2000)}}) {
    auto resolver = std::make_shared<StalledResolver>();
    config::Config cfg = config::Config::defaults();
    cfg.dns_deadline_ms = row.deadlineMs;
    cfg.dns_timeout_ms = row.timeoutMs;
    std::vector<config::Error> errors;
    auto factory = VerifyCheckFactory::create(cfg, resolver, nullptr, errors);
    ASSERT_TRUE(factory);
    std::vector<std::unique_ptr<core::Check>> checks;
    checks.push_back(factory->makeCheck());
    core::Session s({}, std::move(checks), nullptr);
    const auto before = dns::Clock::now();
    s.connect("192.0.2.1", "c.example.com");
    s.mailFrom("<alice@example.org>");
    auto [headers, body] = milterView(signedMessage());
    for (const auto& [n, v] : headers) s.header(n, v);
    s.endOfHeaders();
    s.body(std::span<const char>(body.data(), body.size()));
    core::RecordingActions actions;
    s.endOfMessage(actions);
    const auto after = dns::Clock::now();
    ASSERT_EQ(resolver->deadlines.size(), 1u);
    EXPECT_GE(resolver->deadlines[0], before + row.want);
    EXPECT_LE(resolver->deadlines[0], after + row.want);
    ASSERT_EQ(s.transaction().findings.dkim.size(), 1u);
    EXPECT_EQ(s.transaction().findings.dkim[0].result, Result::TempError);
    EXPECT_EQ(s.transaction().findings.dkim[0].reason, "key lookup timed out");
  }
}

}  // namespace
}  // namespace vouch::dkim
