// SpfCheck inside a real core::Session over a FakeResolver: findings and the
// Authentication-Results entry for MAIL FROM and for the null sender (HELO identity),
// the per-connection cache, outbound mail, Received-SPF, and the factory's config rules.
#include <gtest/gtest.h>

#include "config/config.h"
#include "core/session.h"
#include "dns/fake_resolver.h"
#include "spf/spf_check.h"

namespace vouch::spf {
namespace {

using core::Result;

struct Harness {
  std::shared_ptr<dns::FakeResolver> dns = std::make_shared<dns::FakeResolver>();
  config::Config cfg = config::Config::defaults();

  Harness() {
    cfg.authserv_id = "mx.example.org";
    dns->addTxt("example.com", "v=spf1 ip4:192.0.2.1 -all exp=why.example.com");
    dns->addTxt("why.example.com", "%{i} is not a mail server of %{d}");
    dns->addTxt("mail.example.net", "v=spf1 a -all");
    dns->addA("mail.example.net", "192.0.2.1");
  }

  std::unique_ptr<core::Session> session(core::SessionOptions options = {}) {
    std::vector<config::Error> errors;
    auto factory = SpfCheckFactory::create(cfg, dns, errors);
    EXPECT_TRUE(errors.empty());
    std::vector<std::unique_ptr<core::Check>> checks;
    if (factory) checks.push_back(factory->makeCheck());
    options.authservId = "mx.example.org";
    return std::make_unique<core::Session>(std::move(options), std::move(checks), nullptr);
  }
};

TEST(SpfCheck, MailFromIdentity) {
  struct Case {
    const char* ip;
    const char* mailFrom;
    Result want;
    const char* explanation;
  } cases[] = {
      {"192.0.2.1", "<user@example.com>", Result::Pass, ""},
      {"192.0.2.7", "<user@example.com>", Result::Fail, "192.0.2.7 is not a mail server of example.com"},
      {"::ffff:192.0.2.1", "user@example.com", Result::Pass, ""},
      {"192.0.2.1", "<user@nospf.example.com>", Result::None, ""},
  };
  for (const auto& c : cases) {
    Harness h;
    auto s = h.session();
    s->connect(c.ip, "client.example.net");
    s->helo("mail.example.net");
    s->mailFrom(c.mailFrom);
    const auto& txn = s->transaction();
    ASSERT_TRUE(txn.findings.spf) << c.mailFrom;
    EXPECT_EQ(txn.findings.spf->result, c.want) << c.ip << " " << c.mailFrom;
    EXPECT_EQ(txn.findings.spf->identity, "mailfrom");
    EXPECT_EQ(txn.findings.spf->sender, std::string(c.mailFrom).find("nospf") != std::string::npos
                                            ? "user@nospf.example.com"
                                            : "user@example.com");
    EXPECT_EQ(txn.findings.spf->explanation, c.explanation);
    ASSERT_TRUE(txn.findings.spfHelo);
    EXPECT_EQ(txn.findings.spfHelo->identity, "helo");
    ASSERT_EQ(txn.authResults.results().size(), 1u);
    const auto& ar = txn.authResults.results()[0];
    EXPECT_EQ(ar.method, "spf");
    EXPECT_EQ(ar.result, c.want);
    ASSERT_EQ(ar.properties.size(), 1u);
    EXPECT_EQ(ar.properties[0].ptype, "smtp");
    EXPECT_EQ(ar.properties[0].property, "mailfrom");
  }
}

TEST(SpfCheck, NullSenderUsesHelo) {
  Harness h;
  auto s = h.session();
  s->connect("192.0.2.1", "client");
  s->helo("mail.example.net");
  s->mailFrom("<>");
  const auto& txn = s->transaction();
  ASSERT_TRUE(txn.findings.spf);
  EXPECT_EQ(txn.findings.spf->result, Result::Pass);
  EXPECT_EQ(txn.findings.spf->identity, "helo");
  EXPECT_EQ(txn.findings.spf->sender, "postmaster@mail.example.net");
  EXPECT_EQ(txn.findings.spf->domain, "mail.example.net");
  const auto& ar = txn.authResults.results().at(0);
  EXPECT_EQ(ar.properties.at(0).property, "helo");
  EXPECT_EQ(ar.properties.at(0).value, "mail.example.net");
  EXPECT_NE(txn.authResults.render().find("spf=pass smtp.helo=mail.example.net"), std::string::npos)
      << txn.authResults.render();
}

// Identities that cannot be checked still get a finding (none, with the reason).
TEST(SpfCheck, UncheckableIdentitiesAreNone) {
  struct Case {
    const char* ip;
    const char* helo;
    const char* mailFrom;
    const char* identity;
    const char* reason;
    const char* sender;
  } cases[] = {
      {"", "mail.example.net", "<user@example.com>", "mailfrom", "client IP unknown", "user@example.com"},
      {"", "mail.example.net", "<>", "helo", "client IP unknown", "postmaster@mail.example.net"},
      {"192.0.2.1", "", "<>", "helo", "null sender and no HELO", ""},
  };
  for (const auto& c : cases) {
    Harness h;
    auto s = h.session();
    s->connect(c.ip, "client");
    if (*c.helo) s->helo(c.helo);
    s->mailFrom(c.mailFrom);
    const auto& txn = s->transaction();
    ASSERT_TRUE(txn.findings.spf) << c.reason;
    EXPECT_EQ(txn.findings.spf->result, Result::None);
    EXPECT_EQ(txn.findings.spf->identity, c.identity);
    EXPECT_EQ(txn.findings.spf->reason, c.reason);
    EXPECT_EQ(txn.findings.spf->sender, c.sender);
    EXPECT_EQ(txn.authResults.results().size(), 1u);
    EXPECT_EQ(h.dns->queryCount(), 0u);
  }
}

TEST(SpfCheck, HeloCheckCanBeTurnedOff) {
  Harness h;
  h.cfg.spf_check_helo = false;
  auto s = h.session();
  s->connect("192.0.2.1", "client");
  s->helo("mail.example.net");
  s->mailFrom("<user@example.com>");
  EXPECT_FALSE(s->transaction().findings.spfHelo);
  EXPECT_EQ(h.dns->queryCount(), 1u);
}

TEST(SpfCheck, CachePerConnection) {
  Harness h;
  auto s = h.session();
  s->connect("192.0.2.7", "client");
  s->helo("mail.example.net");
  s->mailFrom("<a@example.com>");
  std::size_t first = h.dns->queryCount();
  EXPECT_GT(first, 0u);
  for (int i = 0; i < 5; ++i) {
    s->mailFrom("<a@example.com>");
    EXPECT_EQ(s->transaction().findings.spf->result, Result::Fail);
  }
  EXPECT_EQ(h.dns->queryCount(), first);
  s->mailFrom("<b@example.com>");  // another sender: asked again (the HELO is cached)
  EXPECT_GT(h.dns->queryCount(), first);
  auto other = h.session();  // a new connection starts empty
  other->connect("192.0.2.7", "client");
  other->helo("mail.example.net");
  std::size_t before = h.dns->queryCount();
  other->mailFrom("<a@example.com>");
  EXPECT_GT(h.dns->queryCount(), before);
}

TEST(SpfCheck, OutboundIsSkippedUnlessJudged) {
  for (bool judge : {false, true}) {
    Harness h;
    h.cfg.judge_outbound = judge;
    core::SessionOptions opts;
    opts.internalNetworks.push_back(*core::Cidr::parse("192.0.2.0/24"));
    auto s = h.session(opts);
    s->connect("192.0.2.1", "client");
    s->helo("mail.example.net");
    s->mailFrom("<user@example.com>");
    ASSERT_TRUE(s->transaction().outbound);
    EXPECT_EQ(s->transaction().findings.spf.has_value(), judge);
    EXPECT_EQ(h.dns->queryCount() > 0, judge);
  }
}

TEST(SpfCheck, ReceivedSpfHeaderWhenConfigured) {
  for (bool on : {false, true}) {
    Harness h;
    h.cfg.spf_received_spf = on;
    auto s = h.session();
    s->connect("192.0.2.1", "client");
    s->helo("mail.example.net");
    s->mailFrom("<user@example.com>");
    s->rcpt("<rcpt@example.org>");
    core::RecordingActions actions;
    s->endOfMessage(actions);
    const core::HeaderEdit* rspf = nullptr;
    for (const auto& e : actions.edits()) {
      if (e.name == "Received-SPF") rspf = &e;
    }
    ASSERT_EQ(rspf != nullptr, on);
    if (!on) continue;
    EXPECT_EQ(rspf->value.rfind(" pass (mx.example.org: domain of user@example.com designates 192.0.2.1", 0), 0u)
        << rspf->value;
    EXPECT_NE(rspf->value.find("envelope-from=\"user@example.com\";"), std::string::npos);
    EXPECT_NE(rspf->value.find("identity=mailfrom;"), std::string::npos);
    EXPECT_EQ(rspf->value.find('\r'), std::string::npos);
  }
}

TEST(SpfCheck, FactoryFollowsTheConfig) {
  auto dns = std::make_shared<dns::FakeResolver>();
  config::Config cfg = config::Config::defaults();
  std::vector<config::Error> errors;
  cfg.spf_enabled = false;
  EXPECT_EQ(SpfCheckFactory::create(cfg, dns, errors), nullptr);
  EXPECT_TRUE(errors.empty());
  cfg.spf_enabled = true;
  for (const char* engine : {"native", "libspf2"}) {
    cfg.spf_engine = engine;
    auto f = SpfCheckFactory::create(cfg, dns, errors);
    ASSERT_NE(f, nullptr) << engine;
    EXPECT_EQ(f->makeCheck()->name(), "spf");
  }
  cfg.spf_engine = "pyspf";
  EXPECT_EQ(SpfCheckFactory::create(cfg, dns, errors), nullptr);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("spf.engine"), std::string::npos);
}

}  // namespace
}  // namespace vouch::spf
