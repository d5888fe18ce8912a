// Reply planning (src/milter/reply.h): % doubling, CR/LF removal, code class checks and
// the verdict -> disposition table, including the internal-error action.
#include "milter/reply.h"

#include <gtest/gtest.h>

namespace vouch::milter {
namespace {

struct EscapeCase {
  const char* name;
  std::string in;
  std::string want;
};

TEST(EscapeReplyText, Table) {
  const EscapeCase cases[] = {
      {"plain", "Message rejected", "Message rejected"},
      {"percent doubled", "100% sure", "100%% sure"},
      {"two percents", "%%", "%%%%"},
      {"crlf become spaces", "a\r\nb", "a  b"},
      {"tab becomes space", "a\tb", "a b"},
      {"nul and del", std::string("a\0b\x7f", 4), "a?b?"},
      {"utf8 bytes", "caf\xc3\xa9", "caf??"},
      {"empty", "", ""},
  };
  for (const auto& c : cases) EXPECT_EQ(escapeReplyText(c.in), c.want) << c.name;
}

TEST(EscapeReplyText, CutBeforeEscaping) {
  const std::string longText(kMaxReplyLineChars + 50, '%');
  const std::string out = escapeReplyText(longText);
  EXPECT_EQ(out.size(), 2 * kMaxReplyLineChars);  // every % doubled, none split
}

TEST(ReplyCodes, Validation) {
  EXPECT_TRUE(validReplyCode("550"));
  EXPECT_TRUE(validReplyCode("451"));
  EXPECT_FALSE(validReplyCode("250"));
  EXPECT_FALSE(validReplyCode("55"));
  EXPECT_FALSE(validReplyCode("5x0"));
  EXPECT_FALSE(validReplyCode("5500"));
  EXPECT_TRUE(validEnhancedCode("5.7.26", '5'));
  EXPECT_TRUE(validEnhancedCode("4.3.0", '4'));
  EXPECT_TRUE(validEnhancedCode("5.123.456", '5'));
  EXPECT_FALSE(validEnhancedCode("4.7.26", '5'));
  EXPECT_FALSE(validEnhancedCode("5.7", '5'));
  EXPECT_FALSE(validEnhancedCode("5.7.1234", '5'));
  EXPECT_FALSE(validEnhancedCode("5..1", '5'));
  EXPECT_FALSE(validEnhancedCode("5.7.1 ", '5'));
}

struct PlanCase {
  const char* name;
  core::Action action;
  core::Reply reply;
  bool eom;
  Disposition wantDisposition;
  std::string wantCode;
  std::string wantEnhanced;
  std::vector<std::string> wantLines;
  bool wantQuarantine;
};

TEST(PlanReply, Table) {
  using core::Action;
  const PlanCase cases[] = {
      {"continue", Action::Continue, {}, false, Disposition::Continue, "", "", {}, false},
      {"accept early carries on", Action::Accept, {}, false, Disposition::Continue, "", "", {}, false},
      {"accept at eom", Action::Accept, {}, true, Disposition::Accept, "", "", {}, false},
      {"quarantine at eom", Action::Quarantine, {}, true, Disposition::Continue, "", "", {}, true},
      {"quarantine early", Action::Quarantine, {}, false, Disposition::Continue, "", "", {}, true},
      {"discard", Action::Discard, {}, true, Disposition::Discard, "", "", {}, false},
      {"dmarc reject", Action::Reject, {"550", "5.7.26", {"DMARC policy of example.com: reject"}}, true,
       Disposition::Reject, "550", "5.7.26", {"DMARC policy of example.com: reject"}, false},
      {"tempfail", Action::TempFail, {"451", "4.7.24", {"SPF temperror"}}, false, Disposition::TempFail,
       "451", "4.7.24", {"SPF temperror"}, false},
      {"reject without code uses MTA default", Action::Reject, {}, false, Disposition::Reject, "", "", {}, false},
      {"4xx code with reject is replaced", Action::Reject, {"451", "4.7.1", {"x"}}, true,
       Disposition::Reject, "550", "5.7.1", {"x"}, false},
      {"5xx code with tempfail is replaced", Action::TempFail, {"550", "5.7.1", {"x"}}, true,
       Disposition::TempFail, "451", "4.7.1", {"x"}, false},
      {"bad enhanced code replaced", Action::Reject, {"554", "4.7.1", {"x"}}, true,
       Disposition::Reject, "554", "5.7.1", {"x"}, false},
      {"text escaped", Action::Reject, {"550", "5.7.1", {"50% off\r\nInjected: yes"}}, true,
       Disposition::Reject, "550", "5.7.1", {"50%% off  Injected: yes"}, false},
      {"empty text gets default", Action::TempFail, {"451", "4.3.0", {}}, true, Disposition::TempFail,
       "451", "4.3.0", {"Temporary authentication failure, try again later"}, false},
  };
  for (const auto& c : cases) {
    core::Verdict v;
    v.action = c.action;
    v.reply = c.reply;
    v.reason = "why";
    const ReplyPlan p = planReply(v, c.eom);
    EXPECT_EQ(p.disposition, c.wantDisposition) << c.name;
    EXPECT_EQ(p.reply.code, c.wantCode) << c.name;
    EXPECT_EQ(p.reply.enhanced, c.wantEnhanced) << c.name;
    EXPECT_EQ(p.reply.lines, c.wantLines) << c.name;
    EXPECT_EQ(p.quarantine, c.wantQuarantine) << c.name;
  }
}

TEST(PlanReply, LineCountBounded) {
  core::Verdict v;
  v.action = core::Action::Reject;
  v.reply = {"550", "5.7.1", std::vector<std::string>(20, "line")};
  EXPECT_EQ(planReply(v, true).reply.lines.size(), kMaxReplyLines);
}

TEST(PlanReply, QuarantineReasonPrintableNotDoubled) {
  core::Verdict v;
  v.action = core::Action::Quarantine;
  v.reason = "dmarc=fail 100%\n";
  EXPECT_EQ(planReply(v, true).quarantineReason, "dmarc=fail 100% ");
}

TEST(InternalErrorVerdict, Table) {
  const auto t = internalErrorVerdict("tempfail");
  EXPECT_EQ(t.action, core::Action::TempFail);
  EXPECT_EQ(t.reply.code, "451");
  EXPECT_EQ(t.reply.enhanced, "4.3.0");
  const auto r = internalErrorVerdict("reject");
  EXPECT_EQ(r.action, core::Action::Reject);
  EXPECT_EQ(r.reply.code, "550");
  EXPECT_EQ(r.reply.enhanced, "5.3.0");
  EXPECT_EQ(internalErrorVerdict("accept").action, core::Action::Accept);
  EXPECT_EQ(internalErrorVerdict("bogus").action, core::Action::TempFail);  // fail safe
  // The internal-error reply survives planning unchanged.
  const ReplyPlan p = planReply(t, false);
  EXPECT_EQ(p.disposition, Disposition::TempFail);
  EXPECT_EQ(p.reply.code + " " + p.reply.enhanced, "451 4.3.0");
}

}  // namespace
}  // namespace vouch::milter
