// Every shipped policy x finding x client class -> the action at end of message, plus
// the early (MAIL FROM / end of headers) decisions. One row per finding; columns are
// the classes external, internal, authenticated, trusted_forwarder.
#include <gtest/gtest.h>

#include "policy_fixture.h"

namespace vouch::policy {
namespace {

using namespace vouch::policy::testing;
using core::Action;
using core::ClientClass;

struct Row {
  const char* finding;
  const char* external;
  const char* internal;
  const char* authenticated;
  const char* forwarder;
};

struct PolicyTable {
  const char* policy;
  std::vector<Row> rows;
};

const std::vector<PolicyTable>& tables() {
  static const std::vector<PolicyTable> t = {
      {"monitor",
       {
           {"dmarc_fail_reject", "accept", "accept", "accept", "accept"},
           {"dmarc_fail_quarantine", "accept", "accept", "accept", "accept"},
           {"dmarc_fail_none", "accept", "accept", "accept", "accept"},
           {"dmarc_fail_reject_testing", "accept", "accept", "accept", "accept"},
           {"dmarc_temperror", "accept", "accept", "accept", "accept"},
           {"dmarc_permerror", "accept", "accept", "accept", "accept"},
           {"spf_fail", "accept", "accept", "accept", "accept"},
           {"spf_softfail", "accept", "accept", "accept", "accept"},
           {"spf_temperror", "accept", "accept", "accept", "accept"},
           {"spf_permerror", "accept", "accept", "accept", "accept"},
           {"spf_fail_dmarc_pass", "accept", "accept", "accept", "accept"},
           {"dkim_fail", "accept", "accept", "accept", "accept"},
           {"from_none", "accept", "accept", "accept", "accept"},
           {"from_multiple", "accept", "accept", "accept", "accept"},
           {"from_multiple_same_domain", "accept", "accept", "accept", "accept"},
           {"from_multiple_domains", "accept", "accept", "accept", "accept"},
           {"from_no_domain", "accept", "accept", "accept", "accept"},
           {"from_unparsable", "accept", "accept", "accept", "accept"},
           {"header_limit", "accept", "accept", "accept", "accept"},
           {"all_pass", "accept", "accept", "accept", "accept"},
       }},
      {"default",
       {
           {"dmarc_fail_reject", "reject", "accept", "accept", "quarantine"},
           {"dmarc_fail_quarantine", "quarantine", "accept", "accept", "quarantine"},
           {"dmarc_fail_none", "accept", "accept", "accept", "accept"},
           {"dmarc_fail_reject_testing", "quarantine", "accept", "accept", "quarantine"},
           {"dmarc_temperror", "tempfail", "tempfail", "tempfail", "tempfail"},
           {"dmarc_permerror", "accept", "accept", "accept", "accept"},
           {"spf_fail", "accept", "accept", "accept", "accept"},
           {"spf_softfail", "accept", "accept", "accept", "accept"},
           {"spf_temperror", "tempfail", "tempfail", "tempfail", "accept"},
           {"spf_permerror", "accept", "accept", "accept", "accept"},
           {"spf_fail_dmarc_pass", "accept", "accept", "accept", "accept"},
           {"dkim_fail", "accept", "accept", "accept", "accept"},
           {"dkim_fail_one_pass", "accept", "accept", "accept", "accept"},
           {"from_none", "reject", "reject", "reject", "reject"},
           {"from_multiple", "reject", "reject", "reject", "reject"},
           // several From headers, one domain: DMARC evaluates it, no From rule
           {"from_multiple_same_domain", "accept", "accept", "accept", "accept"},
           {"from_multiple_domains", "accept", "accept", "accept", "accept"},
           {"from_no_domain", "accept", "accept", "accept", "accept"},
           {"from_unparsable", "accept", "accept", "accept", "accept"},
           {"header_limit", "tempfail", "tempfail", "tempfail", "tempfail"},
           {"all_pass", "accept", "accept", "accept", "accept"},
       }},
      {"strict",
       {
           {"dmarc_fail_reject", "reject", "accept", "accept", "quarantine"},
           {"dmarc_fail_quarantine", "reject", "accept", "accept", "quarantine"},
           {"dmarc_fail_none", "accept", "accept", "accept", "accept"},
           // t=y turns p=reject into the quarantine rule, and testing mode never rejects.
           {"dmarc_fail_reject_testing", "quarantine", "accept", "accept", "quarantine"},
           {"dmarc_temperror", "tempfail", "tempfail", "tempfail", "tempfail"},
           {"dmarc_permerror", "quarantine", "quarantine", "quarantine", "quarantine"},
           {"spf_fail", "reject", "accept", "accept", "accept"},
           {"spf_softfail", "quarantine", "accept", "accept", "accept"},
           {"spf_temperror", "tempfail", "tempfail", "tempfail", "tempfail"},
           {"spf_permerror", "quarantine", "accept", "accept", "quarantine"},
           {"spf_fail_dmarc_pass", "reject", "accept", "accept", "accept"},
           {"dkim_fail", "accept", "accept", "accept", "accept"},
           {"from_none", "reject", "reject", "reject", "reject"},
           {"from_multiple", "reject", "reject", "reject", "reject"},
           // several From headers, one domain: DMARC evaluates it, no From rule
           {"from_multiple_same_domain", "accept", "accept", "accept", "accept"},
           {"from_multiple_domains", "reject", "reject", "reject", "reject"},
           {"from_no_domain", "reject", "reject", "reject", "reject"},
           {"from_unparsable", "reject", "reject", "reject", "reject"},
           {"header_limit", "tempfail", "tempfail", "tempfail", "tempfail"},
           {"all_pass", "accept", "accept", "accept", "accept"},
       }},
  };
  return t;
}

TEST(PolicyMatrix, EndOfMessageActionPerPolicyFindingAndClass) {
  const ClientClass classes[] = {ClientClass::External, ClientClass::Internal, ClientClass::Authenticated,
                                 ClientClass::TrustedForwarder};
  int checked = 0;
  for (const auto& table : tables()) {
    auto p = shipped(table.policy);
    ASSERT_TRUE(p) << table.policy;
    for (const auto& row : table.rows) {
      const char* want[] = {row.external, row.internal, row.authenticated, row.forwarder};
      for (int i = 0; i < 4; ++i) {
        const auto txn = txnWith(row.finding);
        const auto v = p->decide(core::Stage::EndOfMessage, conn(classes[i]), txn);
        EXPECT_EQ(core::toString(v.action), want[i])
            << table.policy << " / " << row.finding << " / " << className(classes[i]) << " reason: " << v.reason;
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, (20 + 21 + 20) * 4);
}

struct EarlyCase {
  const char* policy;
  core::Stage stage;
  const char* finding;
  ClientClass cls;
  const char* want;
};

TEST(PolicyMatrix, EarlyDecisions) {
  const EarlyCase cases[] = {
      {"strict", core::Stage::MailFrom, "spf_fail", ClientClass::External, "reject"},
      {"strict", core::Stage::Rcpt, "spf_fail", ClientClass::External, "reject"},
      {"strict", core::Stage::MailFrom, "spf_temperror", ClientClass::External, "tempfail"},
      // quarantine needs the end of message: no early decision
      {"strict", core::Stage::MailFrom, "spf_softfail", ClientClass::External, "continue"},
      {"strict", core::Stage::MailFrom, "spf_fail", ClientClass::TrustedForwarder, "continue"},
      {"strict", core::Stage::MailFrom, "spf_fail", ClientClass::Internal, "continue"},
      {"default", core::Stage::MailFrom, "spf_temperror", ClientClass::External, "continue"},
      {"default", core::Stage::MailFrom, "spf_fail", ClientClass::External, "continue"},
      {"monitor", core::Stage::MailFrom, "spf_fail", ClientClass::External, "continue"},
      {"default", core::Stage::EndOfHeaders, "from_multiple", ClientClass::External, "reject"},
      {"default", core::Stage::EndOfHeaders, "header_limit", ClientClass::External, "tempfail"},
      {"default", core::Stage::EndOfHeaders, "dmarc_fail_reject", ClientClass::External, "continue"},
      {"strict", core::Stage::Connect, "spf_fail", ClientClass::External, "continue"},
      {"strict", core::Stage::Helo, "spf_fail", ClientClass::External, "continue"},
  };
  for (const auto& c : cases) {
    auto p = shipped(c.policy);
    const auto v = p->decide(c.stage, conn(c.cls), txnWith(c.finding));
    EXPECT_EQ(core::toString(v.action), c.want) << c.policy << " / " << c.finding << " stage " << static_cast<int>(c.stage);
  }
}

TEST(PolicyMatrix, OutboundIsNeverJudged) {
  for (const char* name : {"monitor", "default", "strict"}) {
    auto p = shipped(name);
    for (const char* f : {"dmarc_fail_reject", "spf_fail", "from_none", "header_limit"}) {
      auto txn = txnWith(f);
      txn.outbound = true;
      EXPECT_FALSE(p->decide(core::Stage::MailFrom, conn(ClientClass::External), txn).decided());
      EXPECT_EQ(p->decide(core::Stage::EndOfMessage, conn(ClientClass::External), txn).action, Action::Continue)
          << name << " " << f;
    }
  }
}

TEST(PolicyMatrix, HeaderLimitFollowsLimitsActionUnlessPolicySaysElse) {
  for (const char* limits : {"accept", "tempfail", "reject"}) {
    EXPECT_EQ(core::toString(shipped("default", limits)
                                 ->decide(core::Stage::EndOfMessage, conn(ClientClass::External), txnWith("header_limit"))
                                 .action),
              limits);
    EXPECT_EQ(shipped("monitor", limits)
                  ->decide(core::Stage::EndOfMessage, conn(ClientClass::External), txnWith("header_limit"))
                  .action,
              Action::Accept);
  }
  const auto v = shipped("strict", "reject")
                     ->decide(core::Stage::EndOfMessage, conn(ClientClass::External), txnWith("header_limit"));
  EXPECT_EQ(v.reply.code, "552");
  EXPECT_EQ(v.reply.enhanced, "5.3.4");
}

TEST(PolicyMatrix, MostSevereFindingWins) {
  auto p = shipped("strict");
  auto txn = txnWith("dmarc_temperror");
  txn.findings.from->problem = "multiple";
  txn.findings.from->domain.clear();
  const auto v = p->decide(core::Stage::EndOfMessage, conn(ClientClass::External), txn);
  EXPECT_EQ(v.action, Action::Reject);
  EXPECT_EQ(v.reply.enhanced, "5.7.1");
  EXPECT_EQ(v.reason, "from_multiple multiple policy=strict");
}

}  // namespace
}  // namespace vouch::policy
