// Policy files: parse errors with file:line, per-domain overrides (most specific wins),
// class layering, the allowlist (networks -> trusted_forwarder, passing DKIM from a
// listed domain) recorded in the dmarc A-R entry, DMARC disposition, locating
// policy.name on disk, and which stages need settled findings.
#include <gtest/gtest.h>

#include "policy_fixture.h"

namespace vouch::policy {
namespace {

using namespace vouch::policy::testing;
using core::Action;
using core::ClientClass;

struct ErrorCase {
  const char* name;
  const char* toml;
  int line;
  const char* fragment;
};

TEST(PolicyParse, ErrorsNameFileAndLine) {
  const ErrorCase cases[] = {
      {"syntax", "[defaults]\ndmarc_reject = \n", 2, "TOML syntax error"},
      {"unknown_top", "descripton = \"x\"\n", 1, "unknown key 'descripton' (did you mean 'description'?)"},
      {"unknown_rule", "[defaults]\ndmarc_rejct = \"reject\"\n", 2, "unknown rule 'dmarc_rejct' in [defaults] (did you mean 'dmarc_reject'?)"},
      {"bad_action", "[defaults]\n\nspf_fail = \"bounce\"\n", 3, "defaults.spf_fail must be one of accept, quarantine, tempfail, reject, discard"},
      {"action_type", "[defaults]\nspf_fail = true\n", 2, "must be one of"},
      {"config_only_header", "[defaults]\nspf_fail = \"config\"\n", 2, "must be one of"},
      {"none_never_rejects", "[class.external]\ndmarc_none = \"reject\"\n", 2, "class.external.dmarc_none may only be accept or quarantine"},
      {"bad_stage", "[defaults]\nspf_stage = \"rcpt\"\n", 2, "spf_stage must be"},
      {"unknown_class", "[class.friends]\nspf_fail = \"accept\"\n", 1, "unknown client class 'friends'"},
      {"bad_domain", "[domains.\"not a domain\"]\nspf_fail = \"accept\"\n", 1, "is not a domain name"},
      {"domain_not_table", "[domains]\n\"example.org\" = \"reject\"\n", 2, "must be a table"},
      {"reply_unknown", "[replies.dmarc_rejects]\ntext = \"x\"\n", 1, "unknown reply 'dmarc_rejects' (did you mean 'dmarc_reject'?)"},
      {"reply_field", "[replies.dmarc_reject]\nmessage = \"x\"\n", 2, "unknown field 'message' in replies.dmarc_reject"},
      {"reply_bad_code", "[replies.spf_fail]\ncode = \"250\"\n", 1, "replies.spf_fail: code '250' is not a 4xx or 5xx SMTP code"},
      {"reply_class_mismatch", "[replies.spf_fail]\ncode = \"451\"\n", 1, "disagree on the class"},
      {"reply_placeholder", "[replies.from_none]\ntext = \"no {header}\"\n", 1, "unknown placeholder {header}"},
      {"allow_no_name", "[[allowlist]]\nnetworks = [\"192.0.2.0/24\"]\n", 1, "allowlist entry needs a name"},
      {"allow_no_match", "[[allowlist]]\nname = \"x\"\n", 1, "needs networks or dkim_domains"},
      {"allow_bad_net", "[[allowlist]]\nname = \"x\"\nnetworks = [\"192.0.2.0/40\"]\n", 3, "'192.0.2.0/40' is not an IP address or CIDR block"},
      {"allow_bad_action", "[[allowlist]]\nname = \"x\"\ndkim_domains = [\"lists.example\"]\ndmarc_action = \"reject\"\n", 4,
       "dmarc_action must be accept or quarantine"},
      {"allow_bad_reason", "[[allowlist]]\nname = \"x\"\ndkim_domains = [\"lists.example\"]\nreason = \"friendly\"\n", 1,
       "allowlist reason 'friendly'"},
      {"allow_unknown_field", "[[allowlist]]\nname = \"x\"\nnetwork = [\"192.0.2.1\"]\n", 3,
       "unknown field 'network' in [[allowlist]] (did you mean 'networks'?)"},
  };
  for (const auto& c : cases) {
    std::vector<config::Error> errors;
    auto p = fromText(c.toml, &errors);
    EXPECT_EQ(p, nullptr) << c.name;
    ASSERT_FALSE(errors.empty()) << c.name;
    EXPECT_EQ(errors[0].file, "/etc/vouch/policies/t.toml") << c.name;
    EXPECT_EQ(errors[0].line, c.line) << c.name << ": " << errors[0].toString();
    EXPECT_NE(errors[0].message.find(c.fragment), std::string::npos) << c.name << ": " << errors[0].toString();
  }
}

TEST(PolicyParse, EmptyFileAcceptsEverythingButHeaderLimit) {
  auto p = fromText("");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->actionFor(Rule::DmarcReject, ClientClass::External, "example.org"), Action::Accept);
  EXPECT_EQ(p->actionFor(Rule::HeaderLimit, ClientClass::External, ""), Action::TempFail);  // limits.action
  EXPECT_EQ(p->name(), "t");
}

constexpr const char* kLayered = R"(
[defaults]
dmarc_reject = "reject"
spf_stage = "end_of_message"
[class.internal]
dmarc_reject = "accept"
[domains."example.org"]
dmarc_reject = "quarantine"
spf_stage = "mail_from"
[domains."lists.example.org"]
dmarc_reject = "discard"
[domains."Other.Example."]
dmarc_reject = "tempfail"
)";

TEST(PolicyLayers, DefaultsThenClassThenMostSpecificDomain) {
  auto p = fromText(kLayered);
  ASSERT_TRUE(p);
  struct Case {
    ClientClass cls;
    const char* domain;
    Action want;
  };
  const Case cases[] = {
      {ClientClass::External, "unrelated.example", Action::Reject},
      {ClientClass::Internal, "unrelated.example", Action::Accept},
      {ClientClass::External, "example.org", Action::Quarantine},
      {ClientClass::External, "mail.example.org", Action::Quarantine},
      {ClientClass::External, "EXAMPLE.ORG.", Action::Quarantine},
      {ClientClass::External, "lists.example.org", Action::Discard},
      {ClientClass::External, "a.lists.example.org", Action::Discard},
      {ClientClass::Internal, "lists.example.org", Action::Discard},  // domain beats class
      {ClientClass::External, "notexample.org", Action::Reject},        // not a subdomain
      {ClientClass::External, "other.example", Action::TempFail},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(p->actionFor(Rule::DmarcReject, c.cls, c.domain), c.want) << c.domain;
  }
  EXPECT_EQ(p->spfStageFor(ClientClass::External, "example.org"), SpfStage::MailFrom);
  EXPECT_EQ(p->spfStageFor(ClientClass::External, "example.net"), SpfStage::EndOfMessage);
}

constexpr const char* kAllow = R"(
[defaults]
dmarc_reject = "reject"
dmarc_quarantine = "quarantine"
spf_fail = "reject"
[class.trusted_forwarder]
spf_fail = "accept"
[[allowlist]]
name = "backup-mx"
networks = ["192.0.2.0/24", "2001:db8::/32"]
[[allowlist]]
name = "lists"
dkim_domains = ["lists.example.net"]
dmarc_action = "quarantine"
)";

core::Transaction withAuthResults(core::Transaction t) {
  t.authResults = core::AuthResults("mx.example.com");
  t.authResults.add({"spf", core::Result::Fail, "", "", {{"smtp", "mailfrom", "bob@sender.example"}}});
  t.authResults.add({"dmarc", core::Result::Fail, "", "", {{"header", "from", "example.org"}}});
  return t;
}

TEST(PolicyAllowlist, NetworksMakeTrustedForwardersAndForgiveDmarc) {
  auto p = fromText(kAllow);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->classOf(conn(ClientClass::External, "192.0.2.44")), ClientClass::TrustedForwarder);
  EXPECT_EQ(p->classOf(conn(ClientClass::External, "2001:db8::1")), ClientClass::TrustedForwarder);
  EXPECT_EQ(p->classOf(conn(ClientClass::External, "198.51.100.1")), ClientClass::External);
  EXPECT_EQ(p->classOf(conn(ClientClass::Authenticated, "192.0.2.44")), ClientClass::Authenticated);

  auto txn = withAuthResults(txnWith("dmarc_fail_reject"));
  txn.findings.spf = spf(core::Result::Fail);
  const auto c = conn(ClientClass::External, "192.0.2.44");
  EXPECT_FALSE(p->decide(core::Stage::MailFrom, c, txn).decided());  // forwarder: SPF fail accepted
  const auto v = p->decide(core::Stage::EndOfMessage, c, txn);
  EXPECT_EQ(v.action, Action::Accept);
  txn.verdict = v;
  p->annotate(c, txn);
  EXPECT_EQ(txn.findings.dmarc->disposition, "none");
  ASSERT_EQ(txn.authResults.results().size(), 2u);
  const auto& dm = txn.authResults.results()[1];
  EXPECT_EQ(dm.comment, "p=reject dis=none; allowlist backup-mx");
  ASSERT_EQ(dm.properties.size(), 3u);  // header.from, policy.dmarc, policy.override
  EXPECT_EQ(dm.properties[2].ptype, "policy");
  EXPECT_EQ(dm.properties[2].property, "override");
  EXPECT_EQ(dm.properties[2].value, "trusted_forwarder");
  EXPECT_TRUE(txn.authResults.results()[0].comment.empty());  // spf entry untouched
  EXPECT_EQ(txn.authResults.authservId(), "mx.example.com");
}

TEST(PolicyAllowlist, PassingDkimFromListedDomainSoftensToQuarantine) {
  auto p = fromText(kAllow);
  const auto c = conn(ClientClass::External, "198.51.100.9");
  struct Case {
    core::Result listSig;
    Action want;
    const char* comment;
  };
  const Case cases[] = {
      {core::Result::Pass, Action::Quarantine, "p=reject dis=quarantine; allowlist lists"},
      {core::Result::Fail, Action::Reject, "p=reject dis=reject"},
  };
  for (const auto& k : cases) {
    auto txn = withAuthResults(txnWith("dmarc_fail_reject"));
    txn.findings.dkim = {dkim(core::Result::Fail), dkim(k.listSig, "Lists.Example.NET")};
    const auto v = p->decide(core::Stage::EndOfMessage, c, txn);
    EXPECT_EQ(v.action, k.want);
    txn.verdict = v;
    p->annotate(c, txn);
    EXPECT_EQ(txn.authResults.results()[1].comment, k.comment);
    EXPECT_EQ(txn.findings.dmarc->disposition, k.want == Action::Reject ? "reject" : "quarantine");
  }
}

TEST(PolicyAllowlist, DoesNotTouchOtherFindingsOrPassingDmarc) {
  auto p = fromText(kAllow);
  const auto c = conn(ClientClass::External, "198.51.100.9");
  auto txn = withAuthResults(txnWith("all_pass"));
  txn.findings.dkim.push_back(dkim(core::Result::Pass, "lists.example.net"));
  p->annotate(c, txn);
  EXPECT_EQ(txn.findings.dmarc->disposition, "none");
  EXPECT_EQ(txn.authResults.results()[1].comment, "p=reject dis=none");  // no override noted
  EXPECT_EQ(txn.authResults.results()[1].properties.size(), 2u);
  auto spfFail = txnWith("spf_fail");
  spfFail.findings.dkim = {dkim(core::Result::Pass, "lists.example.net")};
  EXPECT_EQ(p->decide(core::Stage::MailFrom, c, spfFail).action, Action::Continue);  // stage is end_of_message
  EXPECT_EQ(p->decide(core::Stage::EndOfMessage, c, spfFail).action, Action::Reject);
}

TEST(PolicyLocate, RepoConfigFindsPoliciesBesideConfD) {
  const auto r = config::load(VOUCH_SOURCE_DIR "/conf.d/vouch.conf");
  ASSERT_TRUE(r.config);
  for (const char* name : {"monitor", "default", "strict"}) {
    config::Config cfg = *r.config;
    cfg.policy_name = name;
    std::vector<config::Error> errors;
    auto p = Policy::load(cfg, errors);
    ASSERT_TRUE(p) << name << ": " << errors[0].toString();
    EXPECT_EQ(p->file(), std::string(VOUCH_SOURCE_DIR "/policies/") + name + ".toml");
    EXPECT_EQ(p->name(), name);
    EXPECT_FALSE(p->model().description.empty());
  }
}

TEST(PolicyLocate, PathsAndMissingPolicies) {
  auto r = config::loadString("[policy]\nname = \"nosuch\"\ndir = \"" VOUCH_SOURCE_DIR "/policies\"\n", "/x/vouch.conf");
  ASSERT_TRUE(r.config);
  std::vector<config::Error> errors;
  EXPECT_EQ(Policy::load(*r.config, errors), nullptr);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].toString(), "/x/vouch.conf:2: policy 'nosuch' not found (looked at: " VOUCH_SOURCE_DIR
                                  "/policies/nosuch.toml)");

  r = config::loadString("[policy]\nname = \"../nowhere/mine.toml\"\n", "/x/vouch.conf");
  errors.clear();
  EXPECT_EQ(Policy::load(*r.config, errors), nullptr);  // a path, relative to the config's folder
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "policy '../nowhere/mine.toml' not found (looked at: /nowhere/mine.toml)");

  r = config::loadString("[policy]\nname = \"bad name!\"\n", "/x/vouch.conf");
  errors.clear();
  EXPECT_EQ(Policy::load(*r.config, errors), nullptr);
  EXPECT_NE(errors[0].message.find("may use only letters"), std::string::npos);

  r = config::loadString("[policy]\nname = \"" VOUCH_SOURCE_DIR "/policies/strict.toml\"\n", "/x/vouch.conf");
  errors.clear();
  auto p = Policy::load(*r.config, errors);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->name(), "strict");
}

// dis= in the dmarc entry says what was done, not what the domain asked for.
TEST(PolicyAnnotate, DispositionFollowsTheVerdict) {
  struct Case {
    const char* policy;
    const char* finding;
    const char* comment;
  };
  const Case cases[] = {
      {"monitor", "dmarc_fail_reject", "p=reject dis=none"},
      {"default", "dmarc_fail_reject", "p=reject dis=reject"},
      {"default", "dmarc_fail_quarantine", "p=quarantine dis=quarantine"},
      {"default", "dmarc_fail_reject_testing", "p=reject dis=quarantine t=y"},
      {"strict", "dmarc_fail_quarantine", "p=quarantine dis=reject"},
  };
  for (const auto& c : cases) {
    auto p = shipped(c.policy);
    auto txn = withAuthResults(txnWith(c.finding));
    const auto conn0 = conn(ClientClass::External);
    txn.verdict = p->decide(core::Stage::EndOfMessage, conn0, txn);
    p->annotate(conn0, txn);
    ASSERT_EQ(txn.authResults.results().size(), 2u);
    EXPECT_EQ(txn.authResults.results()[1].comment, c.comment) << c.policy << " " << c.finding;
  }
  // No dmarc entry rendered (e.g. the check is off): annotate adds none.
  auto txn = txnWith("dmarc_fail_reject");
  shipped("default")->annotate(conn(ClientClass::External), txn);
  EXPECT_TRUE(txn.authResults.results().empty());
  EXPECT_EQ(txn.findings.dmarc->disposition, "reject");
}

// MAIL FROM/RCPT wait for SPF only when some layer judges SPF there; end of headers
// never does; end of message always does.
TEST(PolicyNeedsFindings, MailStagesWaitOnlyForSpfAtMailFrom) {
  using core::Stage;
  struct Case {
    const char* what;
    std::shared_ptr<const Policy> policy;
    bool atMail;
  } cases[] = {
      {"empty", fromText(""), false},
      {"default", shipped("default"), false},
      {"monitor", shipped("monitor"), false},
      {"strict", shipped("strict"), true},
      {"domain layer", fromText(kLayered), true},
      {"class layer", fromText("[class.external]\nspf_stage = \"mail_from\"\n"), true},
  };
  for (const auto& c : cases) {
    ASSERT_TRUE(c.policy) << c.what;
    EXPECT_EQ(c.policy->needsFindings(Stage::MailFrom), c.atMail) << c.what;
    EXPECT_EQ(c.policy->needsFindings(Stage::Rcpt), c.atMail) << c.what;
    EXPECT_FALSE(c.policy->needsFindings(Stage::Connect)) << c.what;
    EXPECT_FALSE(c.policy->needsFindings(Stage::Helo)) << c.what;
    EXPECT_FALSE(c.policy->needsFindings(Stage::EndOfHeaders)) << c.what;
    EXPECT_TRUE(c.policy->needsFindings(Stage::EndOfMessage)) << c.what;
  }
}

}  // namespace
}  // namespace vouch::policy
