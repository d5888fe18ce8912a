// Reply templates: load-time checks, and rendering with hostile values (CR/LF, NUL,
// non-ASCII, huge) that must come out as one bounded printable line.
#include <gtest/gtest.h>

#include "policy/reply.h"
#include "policy_fixture.h"

namespace vouch::policy {
namespace {

using namespace vouch::policy::testing;
using core::Action;

TEST(ReplyTemplate, CheckRefusesBadTemplates) {
  struct Case {
    ReplyTemplate t;
    const char* fragment;  // "" = valid
  };
  const Case cases[] = {
      {{"550", "5.7.26", "DMARC says no for {domain}"}, ""},
      {{"451", "4.7.0", "{domain} {result} {explanation} {client_ip} {policy}"}, ""},
      {{"250", "2.0.0", "fine"}, "is not a 4xx or 5xx"},
      {{"55", "5.7.1", "x"}, "is not a 4xx or 5xx"},
      {{"550", "4.7.1", "x"}, "disagree on the class"},
      {{"550", "5.7", "x"}, "is not like 5.7.26"},
      {{"550", "5.7.1234", "x"}, "is not like 5.7.26"},
      {{"550", "5.7.1", ""}, "text is empty"},
      {{"550", "5.7.1", "hi {user}"}, "unknown placeholder {user}"},
      {{"550", "5.7.1", "open { brace"}, "'{' without '}'"},
      {{"550", "5.7.1", "close } brace"}, "'}' without '{'"},
      {{"550", "5.7.1", "line\r\nbreak"}, "not printable ASCII"},
      {{"550", "5.7.1", std::string(kMaxReplyText + 1, 'x')}, "longer than"},
  };
  for (const auto& c : cases) {
    const auto why = checkTemplate(c.t);
    if (*c.fragment == 0) {
      EXPECT_EQ(why, "") << c.t.text;
    } else {
      EXPECT_NE(why.find(c.fragment), std::string::npos) << c.t.text << " -> " << why;
    }
  }
}

TEST(ReplyRender, HostileValuesBecomeOneSafeLine) {
  const ReplyTemplate t{"550", "5.7.26", "from {domain} at {client_ip}: {explanation}"};
  struct Case {
    std::string domain;
    std::string want;
  };
  const Case cases[] = {
      {"example.org", "from example.org at 192.0.2.1: x"},
      {"evil.example\r\n250 OK", "from evil.example  250 OK at 192.0.2.1: x"},
      {std::string("nul\0byte", 8), "from nul?byte at 192.0.2.1: x"},
      {"caf\xc3\xa9.example", "from caf??.example at 192.0.2.1: x"},
      {"", "from unknown at 192.0.2.1: x"},
      {std::string(500, 'a'), "from " + std::string(kMaxPlaceholder - 3, 'a') + "... at 192.0.2.1: x"},
  };
  for (const auto& c : cases) {
    const auto r = renderReply(t, Action::Reject, {{"domain", c.domain}, {"client_ip", "192.0.2.1"}, {"explanation", "x"}});
    ASSERT_EQ(r.lines.size(), 1u);
    EXPECT_EQ(r.lines[0], c.want);
    for (char ch : r.lines[0]) EXPECT_TRUE(ch >= 0x20 && ch <= 0x7e);
    EXPECT_EQ(r.code, "550");
    EXPECT_EQ(r.enhanced, "5.7.26");
  }
}

TEST(ReplyRender, WholeLineIsBoundedEvenWithManyPlaceholders) {
  const ReplyTemplate t{"550", "5.7.1", "{domain}{domain}{domain}{domain}{explanation}"};
  const std::string big(1000, 'z');
  const auto r = renderReply(t, Action::Reject, {{"domain", big}, {"explanation", big}});
  EXPECT_EQ(r.lines[0].size(), kMaxReplyText);
  EXPECT_EQ(r.lines[0].substr(kMaxReplyText - 3), "...");
}

TEST(ReplyRender, CodeClassFollowsTheAction) {
  const ReplyTemplate perm{"550", "5.7.23", "spf"};
  const ReplyTemplate temp{"451", "4.7.24", "spf"};
  EXPECT_EQ(renderReply(perm, Action::TempFail, {}).code, "451");
  EXPECT_EQ(renderReply(perm, Action::TempFail, {}).enhanced, "4.7.23");
  EXPECT_EQ(renderReply(temp, Action::Reject, {}).code, "550");
  EXPECT_EQ(renderReply(temp, Action::Reject, {}).enhanced, "5.7.24");
  EXPECT_EQ(renderReply(temp, Action::TempFail, {}).code, "451");
  EXPECT_TRUE(renderReply(perm, Action::Quarantine, {}).lines.empty());
  EXPECT_TRUE(renderReply(perm, Action::Accept, {}).code.empty());
}

struct DefaultReplyCase {
  const char* policy;
  const char* finding;
  const char* code;
  const char* enhanced;
  const char* text;
};

TEST(ReplyRender, ShippedPoliciesGiveTheDocumentedCodes) {
  const DefaultReplyCase cases[] = {
      {"default", "dmarc_fail_reject", "550", "5.7.26",
       "Unauthenticated mail from example.org is refused by its DMARC policy (reject)"},
      {"default", "dmarc_temperror", "451", "4.7.0",
       "DMARC check of example.org could not be completed (DNS error); try again later"},
      {"default", "spf_temperror", "451", "4.7.24",
       "SPF check of sender.example could not be completed (DNS error); try again later"},
      {"strict", "spf_fail", "550", "5.7.23", "SPF check failed for sender.example from 198.51.100.7: not permitted"},
      {"default", "from_multiple", "550", "5.7.1", "Message has more than one From header"},
      {"default", "from_none", "550", "5.7.1", "Message has no From header"},
      {"default", "header_limit", "452", "4.3.4", "Message header section is too large"},
  };
  for (const auto& c : cases) {
    const auto v = shipped(c.policy)->decide(core::Stage::EndOfMessage, conn(core::ClientClass::External), txnWith(c.finding));
    EXPECT_EQ(v.reply.code, c.code) << c.finding;
    EXPECT_EQ(v.reply.enhanced, c.enhanced) << c.finding;
    ASSERT_EQ(v.reply.lines.size(), 1u) << c.finding;
    EXPECT_EQ(v.reply.lines[0], c.text);
  }
  EXPECT_EQ(shipped("default")->internalErrorReply().code, "451");
  EXPECT_EQ(shipped("default")->internalErrorReply().enhanced, "4.3.0");
}

TEST(ReplyRender, HostileDomainInADmarcReject) {
  auto txn = txnWith("dmarc_fail_reject");
  txn.findings.dmarc->domain = "x.example\r\n550 5.7.1 forged\r\n";
  const auto v = shipped("default")->decide(core::Stage::EndOfMessage, conn(core::ClientClass::External), txn);
  ASSERT_EQ(v.reply.lines.size(), 1u);
  EXPECT_EQ(v.reply.lines[0], "Unauthenticated mail from x.example  550 5.7.1 forged   is refused by its DMARC policy (reject)");
  EXPECT_EQ(v.reason.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace vouch::policy

namespace vouch::policy {
namespace {

// Every rule has a usable default reply, and every shipped policy states every rule in
// [defaults] (so reading one file tells the whole story).
TEST(ReplyTemplate, EveryRuleHasAUsableDefaultAndShippedPoliciesNameEveryRule) {
  for (std::size_t i = 0; i < kRuleCount; ++i) {
    const Rule r = static_cast<Rule>(i);
    EXPECT_EQ(checkTemplate(defaultReply(r)), "") << ruleName(r);
    EXPECT_EQ(ruleFromName(ruleName(r)), r);
  }
  EXPECT_EQ(checkTemplate(defaultInternalErrorReply()), "");
  for (const char* name : {"monitor", "default", "strict"}) {
    auto p = testing::shipped(name);
    ASSERT_TRUE(p);
    for (std::size_t i = 0; i < kRuleCount; ++i) {
      EXPECT_TRUE(p->model().defaults.action[i].has_value()) << name << " does not set " << ruleName(static_cast<Rule>(i));
    }
    EXPECT_TRUE(p->model().defaults.spfStage.has_value()) << name;
  }
}

}  // namespace
}  // namespace vouch::policy
