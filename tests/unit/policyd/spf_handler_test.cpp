// SpfHandler over a test Snapshot whose sessions run a scripted SPF check and a
// scripted Decider: the mapping of verdicts to Postfix actions, one evaluation per
// transaction (instance) with many recipients, outbound clients, Received-SPF prepend.
#include "policyd/spf_handler.h"

#include <gtest/gtest.h>

#include <map>

namespace vouch::policyd {
namespace {

// Records the SPF result the script says for the sender's domain.
class ScriptedSpf : public core::Check {
 public:
  explicit ScriptedSpf(std::map<std::string, core::Result> results) : results_(std::move(results)) {}
  std::string_view name() const override { return "spf"; }
  core::Flow onMailFrom(core::Connection&, core::Transaction& txn) override {
    if (txn.outbound) return core::Flow::Continue;
    core::SpfFinding f;
    f.identity = "mailfrom";
    f.sender = txn.mailFrom;
    f.domain = txn.mailFrom.substr(txn.mailFrom.find('@') + 1);
    auto it = results_.find(f.domain);
    f.result = it == results_.end() ? core::Result::None : it->second;
    f.reason = "scripted";
    txn.findings.spf = f;
    return core::Flow::Continue;
  }

 private:
  std::map<std::string, core::Result> results_;
};

// Rejects SPF fail and defers SPF temperror at MAIL FROM, like policies/strict.toml.
class StrictDecider : public core::Decider {
 public:
  core::Verdict decide(core::Stage stage, const core::Connection&,
                       const core::Transaction& txn) const override {
    core::Verdict v;
    if (stage != core::Stage::MailFrom || !txn.findings.spf) return v;
    if (txn.findings.spf->result == core::Result::Fail) {
      v.action = core::Action::Reject;
      v.reply = {"550", "5.7.23", {"SPF fail for " + txn.findings.spf->domain}};
    } else if (txn.findings.spf->result == core::Result::TempError) {
      v.action = core::Action::TempFail;
      v.reply = {"451", "4.7.24", {"SPF temporary error for " + txn.findings.spf->domain}};
    }
    return v;
  }
};

class TestSnapshot : public pipeline::Snapshot {
 public:
  std::unique_ptr<core::Session> newSession() const override {
    std::vector<std::unique_ptr<core::Check>> checks;
    checks.push_back(std::make_unique<ScriptedSpf>(std::map<std::string, core::Result>{
        {"fail.example", core::Result::Fail},
        {"pass.example", core::Result::Pass},
        {"temp.example", core::Result::TempError}}));
    core::SessionOptions o;
    o.authservId = "mx.test";
    o.internalNetworks = {*core::Cidr::parse("10.0.0.0/8")};
    return std::make_unique<core::Session>(o, std::move(checks), std::make_shared<StrictDecider>());
  }
  const config::Config& config() const override { return cfg_; }
  dns::Resolver& resolver() const override { std::abort(); }

 private:
  config::Config cfg_ = config::Config::defaults();
};

Request req(std::string sender, std::string ip = "192.0.2.7", std::string instance = "") {
  Request r;
  r.attrs = {{"request", "smtpd_access_policy"}, {"protocol_state", "RCPT"},
             {"client_address", ip}, {"helo_name", "mx.sender.example"},
             {"sender", sender}, {"recipient", "rcpt@dest.example"}, {"instance", instance}};
  return r;
}

TEST(SpfHandler, VerdictsMapToPostfixActions) {
  SpfHandler h(std::make_shared<TestSnapshot>(), false);
  struct Case { const char* sender; std::string want; };
  std::vector<Case> cases = {
      {"a@fail.example", "550 5.7.23 SPF fail for fail.example"},
      {"a@temp.example", "DEFER_IF_PERMIT 4.7.24 SPF temporary error for temp.example"},
      {"a@pass.example", "DUNNO"},
      {"a@unknown.example", "DUNNO"},
  };
  for (auto& c : cases) EXPECT_EQ(h.decide(req(c.sender)), c.want) << c.sender;
}

TEST(SpfHandler, OneEvaluationPerTransactionWithManyRecipients) {
  SpfHandler h(std::make_shared<TestSnapshot>(), false);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(h.decide(req("a@fail.example", "192.0.2.7", "abc.1")).substr(0, 3), "550");
  EXPECT_EQ(h.evaluations(), 1u);
  h.decide(req("a@fail.example", "192.0.2.7", "abc.2"));
  EXPECT_EQ(h.evaluations(), 2u);
}

TEST(SpfHandler, CacheIsBounded) {
  SpfHandler h(std::make_shared<TestSnapshot>(), false, 8);
  for (int i = 0; i < 100; ++i) h.decide(req("a@pass.example", "192.0.2.7", "i" + std::to_string(i)));
  EXPECT_EQ(h.evaluations(), 100u);
  h.decide(req("a@pass.example", "192.0.2.7", "i99"));  // still cached
  EXPECT_EQ(h.evaluations(), 100u);
  h.decide(req("a@pass.example", "192.0.2.7", "i0"));   // evicted long ago
  EXPECT_EQ(h.evaluations(), 101u);
}

TEST(SpfHandler, InternalClientsAreNotJudged) {
  SpfHandler h(std::make_shared<TestSnapshot>(), false);
  EXPECT_EQ(h.decide(req("a@fail.example", "10.1.2.3")), "DUNNO");
}

TEST(SpfHandler, OtherProtocolStatesAreLeftAlone) {
  SpfHandler h(std::make_shared<TestSnapshot>(), false);
  auto r = req("a@fail.example");
  r.attrs["protocol_state"] = "END-OF-MESSAGE";
  EXPECT_EQ(h.decide(r), "DUNNO");
  EXPECT_EQ(h.evaluations(), 0u);
}

TEST(SpfHandler, PrependsReceivedSpfWhenAsked) {
  SpfHandler h(std::make_shared<TestSnapshot>(), true);
  std::string a = h.decide(req("a@pass.example"));
  EXPECT_EQ(a.rfind("PREPEND Received-SPF: pass ", 0), 0u) << a;
  EXPECT_NE(a.find("client-ip=192.0.2.7;"), std::string::npos) << a;
  EXPECT_NE(a.find("a@pass.example"), std::string::npos) << a;
  EXPECT_EQ(a.find('\n'), std::string::npos);
  EXPECT_EQ(a.find('\t'), std::string::npos);
  EXPECT_EQ(h.decide(req("a@fail.example")).substr(0, 3), "550");
}

}  // namespace
}  // namespace vouch::policyd
