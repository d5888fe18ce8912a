// The dmarc check through its factory, driven stage by stage like a Session does:
// prefetch at the From header, From and DMARC findings at end of message, the
// Authentication-Results entry, outbound skipping, disabled DMARC and config errors.

#include <gtest/gtest.h>

#include "config/config.h"
#include "core/actions.h"
#include "dmarc/auth_result.h"
#include "dmarc/dmarc_check.h"
#include "dns/fake_resolver.h"

namespace vouch::dmarc {
namespace {

struct Msg {
  core::Connection conn;
  core::Transaction txn;
  core::RecordingActions actions;
};

class DmarcCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    resolver_ = std::make_shared<dns::FakeResolver>();
    resolver_->addTxt("_dmarc.example.org", "v=DMARC1; p=reject");
    resolver_->addTxt("_dmarc.other.example", "v=DMARC1; p=quarantine");
    cfg_ = config::Config::defaults();
  }

  std::unique_ptr<core::Check> make() {
    std::vector<config::Error> errors;
    auto factory = DmarcCheckFactory::create(cfg_, resolver_, errors);
    EXPECT_TRUE(errors.empty());
    EXPECT_TRUE(factory);
    return factory ? factory->makeCheck() : nullptr;
  }

  // Feeds the headers one by one, then end of message.
  void drive(core::Check& check, Msg& run, const std::vector<core::Header>& headers) {
    check.onMailFrom(run.conn, run.txn);
    for (const auto& h : headers) {
      run.txn.headers.push_back(h);
      check.onHeader(run.conn, run.txn, run.txn.headers.back());
    }
    check.onEndOfHeaders(run.conn, run.txn);
    check.onEndOfMessage(run.conn, run.txn, run.actions);
  }

  std::shared_ptr<dns::FakeResolver> resolver_;
  config::Config cfg_;
};

TEST_F(DmarcCheckTest, FailRecordsFindingsAndAuthResults) {
  auto check = make();
  ASSERT_TRUE(check);
  EXPECT_EQ(check->name(), "dmarc");
  Msg run;
  run.txn.findings.spf = core::SpfFinding{core::Result::Pass, "mailfrom", "evil.example", "a@evil.example", "", ""};
  drive(*check, run, {{"Subject", " hi"}, {"From", " Boss <boss@Example.org>"}});
  ASSERT_TRUE(run.txn.findings.from);
  EXPECT_EQ(run.txn.findings.from->domain, "example.org");
  EXPECT_EQ(run.txn.findings.from->problem, "");
  ASSERT_TRUE(run.txn.findings.dmarc);
  EXPECT_EQ(run.txn.findings.dmarc->result, core::Result::Fail);
  EXPECT_EQ(run.txn.findings.dmarc->policy, "reject");
  ASSERT_EQ(run.txn.authResults.results().size(), 1u);
  run.txn.authResults.setAuthservId("mx.test");
  EXPECT_EQ(run.txn.authResults.render(1000),
            "mx.test; dmarc=fail (p=reject dis=reject) header.from=example.org policy.dmarc=reject");
}

TEST_F(DmarcCheckTest, PrefetchStartsAtTheFromHeader) {
  auto check = make();
  Msg run;
  check->onMailFrom(run.conn, run.txn);
  run.txn.headers.push_back({"From", " a@example.org"});
  check->onHeader(run.conn, run.txn, run.txn.headers.back());
  const auto queries = resolver_->queries();
  ASSERT_EQ(queries.size(), 2u);  // _dmarc.example.org and _dmarc.org
  EXPECT_EQ(queries[0].first, "_dmarc.example.org");
  check->onEndOfMessage(run.conn, run.txn, run.actions);
  EXPECT_EQ(resolver_->queryCount(), 2u);  // end of message asked nothing new
  ASSERT_TRUE(run.txn.findings.dmarc);
  EXPECT_EQ(run.txn.findings.dmarc->result, core::Result::Fail);
}

TEST_F(DmarcCheckTest, PassWithAlignedDkim) {
  auto check = make();
  Msg run;
  core::DkimFinding k;
  k.result = core::Result::Pass;
  k.domain = "mail.example.org";
  run.txn.findings.dkim.push_back(k);
  drive(*check, run, {{"From", " a@example.org"}});
  ASSERT_TRUE(run.txn.findings.dmarc);
  EXPECT_EQ(run.txn.findings.dmarc->result, core::Result::Pass);
  EXPECT_TRUE(run.txn.findings.dmarc->dkimAligned);
  run.txn.authResults.setAuthservId("mx.test");
  EXPECT_EQ(run.txn.authResults.render(1000),
            "mx.test; dmarc=pass (p=reject dis=none) header.from=example.org policy.dmarc=reject");
}

TEST_F(DmarcCheckTest, SeveralDomainsKeepTheStrictest) {
  auto check = make();
  Msg run;
  core::DkimFinding k;
  k.result = core::Result::Pass;
  k.domain = "other.example";
  run.txn.findings.dkim.push_back(k);
  drive(*check, run, {{"From", " a@other.example, b@example.org"}});
  EXPECT_EQ(run.txn.findings.from->problem, "multiple-domains");
  ASSERT_TRUE(run.txn.findings.dmarc);
  EXPECT_EQ(run.txn.findings.dmarc->result, core::Result::Fail);
  EXPECT_EQ(run.txn.findings.dmarc->domain, "example.org");
  EXPECT_EQ(run.txn.findings.dmarc->policy, "reject");
}

TEST_F(DmarcCheckTest, UnparsableFromCannotHideAPolicy) {
  auto check = make();
  Msg run;
  run.txn.findings.spf = core::SpfFinding{core::Result::Pass, "mailfrom", "other.example", "x@other.example", "", ""};
  drive(*check, run, {{"From", " boss@example.org <x@other.example>"}});
  EXPECT_EQ(run.txn.findings.from->problem, "unparsable");
  ASSERT_TRUE(run.txn.findings.dmarc);
  // other.example passes (aligned SPF) but example.org fails with p=reject: kept.
  EXPECT_EQ(run.txn.findings.dmarc->result, core::Result::Fail);
  EXPECT_EQ(run.txn.findings.dmarc->domain, "example.org");
  EXPECT_EQ(run.txn.findings.dmarc->policy, "reject");
  EXPECT_NE(run.txn.findings.dmarc->reason.find("From unparsable"), std::string::npos);
}

TEST_F(DmarcCheckTest, TooManyDomainsIsPermerror) {
  cfg_.dmarc_max_author_domains = 2;
  auto check = make();
  Msg run;
  drive(*check, run, {{"From", " a@a.example, b@b.example, c@example.org"}});
  ASSERT_TRUE(run.txn.findings.dmarc);
  EXPECT_EQ(run.txn.findings.dmarc->result, core::Result::PermError);
}

TEST_F(DmarcCheckTest, FromProblemsAreRecorded) {
  struct Case {
    std::vector<core::Header> headers;
    std::string problem;
  };
  const Case cases[] = {
      {{{"Subject", " x"}}, "none"},
      {{{"From", " a@example.org"}, {"From", " b@example.org"}}, "multiple"},
      {{{"From", " a@b.org <c@example.org>"}}, "unparsable"},
      {{{"From", " undisclosed:;"}}, "no-domain"},
  };
  for (const Case& c : cases) {
    auto check = make();
    Msg run;
    drive(*check, run, c.headers);
    ASSERT_TRUE(run.txn.findings.from);
    EXPECT_EQ(run.txn.findings.from->problem, c.problem);
    ASSERT_TRUE(run.txn.findings.dmarc);
    // Two From headers naming one domain are still evaluated, and so is every domain a
    // lenient reader could see in an unparsable From (example.org: p=reject); the
    // policy decides what the From problem itself means.
    const bool judged = c.problem == "multiple" || c.problem == "unparsable";
    const auto want = judged ? core::Result::Fail : core::Result::PermError;
    EXPECT_EQ(run.txn.findings.dmarc->result, want) << c.problem;
    EXPECT_FALSE(run.txn.findings.notes.empty());
  }
}

TEST_F(DmarcCheckTest, OutboundIsSkippedUnlessJudged) {
  {
    auto check = make();
    Msg run;
    run.txn.outbound = true;
    drive(*check, run, {{"From", " a@example.org"}});
    EXPECT_FALSE(run.txn.findings.from);
    EXPECT_FALSE(run.txn.findings.dmarc);
    EXPECT_EQ(resolver_->queryCount(), 0u);
  }
  cfg_.judge_outbound = true;
  auto check = make();
  Msg run;
  run.txn.outbound = true;
  drive(*check, run, {{"From", " a@example.org"}});
  EXPECT_TRUE(run.txn.findings.dmarc);
}

TEST_F(DmarcCheckTest, DisabledRecordsFromOnly) {
  cfg_.dmarc_enabled = false;
  auto check = make();
  Msg run;
  drive(*check, run, {{"From", " a@example.org"}});
  EXPECT_TRUE(run.txn.findings.from);
  EXPECT_FALSE(run.txn.findings.dmarc);
  EXPECT_TRUE(run.txn.authResults.results().empty());
  EXPECT_EQ(resolver_->queryCount(), 0u);
}

TEST_F(DmarcCheckTest, Rfc7489ModeLoadsThePsl) {
  cfg_.dmarc_mode = "rfc7489";
  auto check = make();
  Msg run;
  drive(*check, run, {{"From", " a@sub.example.org"}});
  ASSERT_TRUE(run.txn.findings.dmarc);
  EXPECT_EQ(run.txn.findings.dmarc->orgDomain, "example.org");
  EXPECT_EQ(run.txn.findings.dmarc->policyDomain, "example.org");

  cfg_.dmarc_psl_file = "/nonexistent/psl.dat";
  std::vector<config::Error> errors;
  EXPECT_FALSE(DmarcCheckFactory::create(cfg_, resolver_, errors));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("dmarc.psl_file"), std::string::npos);
}

TEST_F(DmarcCheckTest, AbortForgetsPrefetch) {
  auto check = make();
  Msg run;
  check->onMailFrom(run.conn, run.txn);
  run.txn.headers.push_back({"From", " a@example.org"});
  check->onHeader(run.conn, run.txn, run.txn.headers.back());
  check->onAbort(run.conn, run.txn);
  Msg next;
  drive(*check, next, {{"From", " a@other.example"}});
  ASSERT_TRUE(next.txn.findings.dmarc);
  EXPECT_EQ(next.txn.findings.dmarc->domain, "other.example");
  EXPECT_EQ(next.txn.findings.dmarc->policy, "quarantine");
}

struct ArCase {
  const char* name;
  core::Result result;
  std::string publishedP;
  std::string policy;
  std::string disposition;
  std::string want;
  bool testing = false;
};

class AuthResultCases : public ::testing::TestWithParam<ArCase> {};

TEST_P(AuthResultCases, Renders) {
  const ArCase& c = GetParam();
  core::DmarcFinding f;
  f.result = c.result;
  f.domain = "example.org";
  f.publishedP = c.publishedP;
  f.policy = c.policy;
  f.disposition = c.disposition;
  f.testing = c.testing;
  core::AuthResults ar("mx.test");
  ar.add(core::MethodResult{"spf", core::Result::Pass, "", "", {}});
  updateAuthResults(ar, f);
  f.disposition = c.disposition;
  updateAuthResults(ar, f);  // replaced, not added twice
  ASSERT_EQ(ar.results().size(), 2u);
  EXPECT_EQ(ar.render(1000), "mx.test; spf=pass; " + c.want);
}

const ArCase kAr[] = {
    {"pass", core::Result::Pass, "reject", "reject", "", "dmarc=pass (p=reject dis=none) header.from=example.org policy.dmarc=reject"},
    {"fail_reject", core::Result::Fail, "reject", "reject", "", "dmarc=fail (p=reject dis=reject) header.from=example.org policy.dmarc=reject"},
    {"fail_disposition_amended", core::Result::Fail, "reject", "reject", "quarantine",
     "dmarc=fail (p=reject dis=quarantine) header.from=example.org policy.dmarc=reject"},
    {"fail_testing", core::Result::Fail, "reject", "reject", "", "dmarc=fail (p=reject dis=quarantine t=y) header.from=example.org policy.dmarc=quarantine", true},
    {"none", core::Result::None, "", "none", "", "dmarc=none header.from=example.org"},
    {"temperror", core::Result::TempError, "", "none", "", "dmarc=temperror header.from=example.org"},
};

INSTANTIATE_TEST_SUITE_P(Table, AuthResultCases, ::testing::ValuesIn(kAr),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace vouch::dmarc
