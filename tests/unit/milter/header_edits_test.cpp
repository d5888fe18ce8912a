// Header edit application (src/milter/header_edits.h) through a recording fake editor:
// deletions first and highest index first per name (CVE-2022-48521), inserts at index 0
// in order, header value hygiene (folding, injection, leading space), MTA refusals.
#include "milter/header_edits.h"

#include <gtest/gtest.h>

namespace vouch::milter {
namespace {

class FakeEditor final : public MessageEditor {
 public:
  std::vector<std::string> calls;
  bool refuse = false;
  bool insertHeader(std::size_t index, const std::string& name, const std::string& value) override {
    calls.push_back("ins " + std::to_string(index) + " " + name + ":" + value);
    return !refuse;
  }
  bool deleteHeader(const std::string& name, std::size_t index) override {
    calls.push_back("del " + name + " " + std::to_string(index));
    return !refuse;
  }
  bool quarantine(const std::string& reason) override {
    calls.push_back("quarantine " + reason);
    return !refuse;
  }
  bool setReply(const SmtpReply& r) override {
    std::string s = "reply " + r.code + " " + r.enhanced;
    for (const auto& l : r.lines) s += " |" + l;
    calls.push_back(s);
    return !refuse;
  }
};

core::HeaderEdit ins(std::string name, std::string value) {
  return {core::HeaderEdit::Kind::InsertTop, std::move(name), std::move(value), 0};
}
core::HeaderEdit del(std::string name, std::size_t index) {
  return {core::HeaderEdit::Kind::Delete, std::move(name), {}, index};
}

struct OrderCase {
  const char* name;
  std::vector<core::HeaderEdit> edits;
  std::vector<std::string> want;
};

TEST(ApplyHeaderEdits, OrderTable) {
  const OrderCase cases[] = {
      {"session order kept",
       {del("Authentication-Results", 5), del("Authentication-Results", 3),
        del("Authentication-Results", 1), ins("Authentication-Results", " mx.example; spf=pass")},
       {"del Authentication-Results 5", "del Authentication-Results 3", "del Authentication-Results 1",
        "ins 0 Authentication-Results: mx.example; spf=pass"}},
      {"forward deletions reversed",
       {del("Authentication-Results", 1), del("Authentication-Results", 3), del("Authentication-Results", 5)},
       {"del Authentication-Results 5", "del Authentication-Results 3", "del Authentication-Results 1"}},
      {"deletes before inserts",
       {ins("DKIM-Signature", " v=1; a=rsa-sha256"), del("Authentication-Results", 2),
        ins("Authentication-Results", " mx.example; none")},
       {"del Authentication-Results 2", "ins 0 DKIM-Signature: v=1; a=rsa-sha256",
        "ins 0 Authentication-Results: mx.example; none"}},
      {"names grouped case-insensitively, duplicates dropped",
       {del("X-A", 1), del("authentication-results", 1), del("X-A", 2), del("Authentication-Results", 4),
        del("X-A", 2)},
       {"del X-A 2", "del X-A 1", "del Authentication-Results 4", "del authentication-results 1"}},
      {"bad name and index 0 refused",
       {del("Bad Name", 1), del("X-A", 0), ins("Evil:Name", " v"), ins("X-Ok", " v")},
       {"ins 0 X-Ok: v"}},
  };
  for (const auto& c : cases) {
    FakeEditor ed;
    applyHeaderEdits(c.edits, true, ed);
    EXPECT_EQ(ed.calls, c.want) << c.name;
  }
}

TEST(ApplyHeaderEdits, ReportCountsAndRefusals) {
  FakeEditor ed;
  auto r = applyHeaderEdits({del("A", 1), ins("B", " x"), ins("Bad Name", " y")}, true, ed);
  EXPECT_EQ(r.deleted, 1u);
  EXPECT_EQ(r.inserted, 1u);
  ASSERT_EQ(r.problems.size(), 1u);
  FakeEditor refusing;
  refusing.refuse = true;
  r = applyHeaderEdits({del("A", 1), ins("B", " x")}, true, refusing);
  EXPECT_EQ(r.deleted, 0u);
  EXPECT_EQ(r.inserted, 0u);
  EXPECT_EQ(r.problems.size(), 2u);
}

struct ValueCase {
  const char* name;
  std::string in;
  bool leadingSpace;
  bool wantOk;
  std::string want;
};

TEST(PrepareHeaderValue, Table) {
  const ValueCase cases[] = {
      {"leadspc keeps space", " a=b", true, true, " a=b"},
      {"leadspc adds space", "a=b", true, true, " a=b"},
      {"leadspc keeps tab", "\ta=b", true, true, "\ta=b"},
      {"no leadspc strips", "  a=b", false, true, "a=b"},
      {"crlf folding to lf", " a;\r\n\tb=c", true, true, " a;\n\tb=c"},
      {"lf folding kept", " a;\n b", true, true, " a;\n b"},
      {"injection refused", " a\r\nBcc: x@y", true, false, ""},
      {"trailing newline refused", " a\n", true, false, ""},
      {"nul refused", std::string(" a\0b", 4), true, false, ""},
      {"lone cr dropped", " a\rb", true, true, " ab"},
      {"empty gets a space", "", true, true, " "},
  };
  for (const auto& c : cases) {
    std::string out;
    EXPECT_EQ(prepareHeaderValue(c.in, c.leadingSpace, out), c.wantOk) << c.name;
    if (c.wantOk) {
      EXPECT_EQ(out, c.want) << c.name;
    }
  }
}

TEST(ValidHeaderName, Table) {
  EXPECT_TRUE(validHeaderName("Authentication-Results"));
  EXPECT_TRUE(validHeaderName("X-1"));
  EXPECT_FALSE(validHeaderName(""));
  EXPECT_FALSE(validHeaderName("A B"));
  EXPECT_FALSE(validHeaderName("A:B"));
  EXPECT_FALSE(validHeaderName("A\nB"));
  EXPECT_FALSE(validHeaderName(std::string(129, 'a')));
}

TEST(ApplyReplyPlan, QuarantineAndReplies) {
  {
    FakeEditor ed;
    ReplyPlan p;
    p.quarantine = true;
    p.quarantineReason = "dmarc quarantine";
    std::string problem;
    EXPECT_TRUE(applyReplyPlan(p, ed, problem));
    EXPECT_EQ(ed.calls, std::vector<std::string>{"quarantine dmarc quarantine"});
  }
  {
    FakeEditor ed;
    ReplyPlan p;
    p.disposition = Disposition::Reject;
    p.reply = {"550", "5.7.26", {"a", "b"}};
    std::string problem;
    EXPECT_TRUE(applyReplyPlan(p, ed, problem));
    EXPECT_EQ(ed.calls, std::vector<std::string>{"reply 550 5.7.26 |a |b"});
  }
  {
    FakeEditor ed;  // accept: no reply even if one is present
    ReplyPlan p;
    p.disposition = Disposition::Accept;
    p.reply = {"250", "2.0.0", {"ok"}};
    std::string problem;
    EXPECT_TRUE(applyReplyPlan(p, ed, problem));
    EXPECT_TRUE(ed.calls.empty());
  }
  {
    FakeEditor ed;
    ed.refuse = true;
    ReplyPlan p;
    p.disposition = Disposition::TempFail;
    p.reply = {"451", "4.3.0", {"x"}};
    std::string problem;
    EXPECT_FALSE(applyReplyPlan(p, ed, problem));
    EXPECT_NE(problem.find("451 4.3.0"), std::string::npos);
  }
}

}  // namespace
}  // namespace vouch::milter
