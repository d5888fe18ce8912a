// When the Session settles checks' background work: before a decider that needs
// findings at MAIL FROM/RCPT (and not before one that does not), always before end of
// message, as soon as a stage decides the message, with no decider at all, and on
// Session::settle(); always over every check in order.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/session.h"

namespace vouch::core {
namespace {

using Log = std::vector<std::string>;

class SettlingCheck final : public Check {
 public:
  SettlingCheck(std::string name, Log& log) : name_(std::move(name)), log_(log) {}
  std::string_view name() const override { return name_; }
  Flow onMailFrom(Connection&, Transaction&) override { return rec("mail"); }
  Flow onRcpt(Connection&, Transaction&, std::string_view) override { return rec("rcpt"); }
  Flow onEndOfHeaders(Connection&, Transaction&) override { return rec("eoh"); }
  Flow onEndOfMessage(Connection&, Transaction&, Actions&) override { return rec("eom"); }
  void settle(Connection&, Transaction&) override { rec("settle"); }

 private:
  Flow rec(const std::string& what) {
    log_.push_back(name_ + ":" + what);
    return Flow::Continue;
  }
  std::string name_;
  Log& log_;
};

class StageDecider final : public Decider {
 public:
  StageDecider(Log& log, bool needs) : log_(log), needs_(needs) {}
  std::optional<Stage> rejectAt;
  bool needsFindings(Stage) const override { return needs_; }
  Verdict decide(Stage stage, const Connection&, const Transaction&) const override {
    log_.push_back("decide");
    Verdict v;
    if (rejectAt == stage) v.action = Action::Reject;
    return v;
  }

 private:
  Log& log_;
  bool needs_;
};

struct Harness {
  Log log;
  std::shared_ptr<StageDecider> decider;
  std::unique_ptr<Session> session;

  explicit Harness(std::optional<bool> needs) {
    std::vector<std::unique_ptr<Check>> checks;
    checks.push_back(std::make_unique<SettlingCheck>("a", log));
    checks.push_back(std::make_unique<SettlingCheck>("b", log));
    if (needs) decider = std::make_shared<StageDecider>(log, *needs);
    SessionOptions o;
    o.authservId = "mx.example.net";
    session = std::make_unique<Session>(std::move(o), std::move(checks), decider);
    session->connect("192.0.2.1", "client.example");
    session->helo("client.example");
    log.clear();
  }
  Log take() {
    Log out;
    out.swap(log);
    return out;
  }
};

TEST(SessionSettle, BeforeADeciderThatNeedsFindings) {
  Harness h(true);
  h.session->mailFrom("<a@example.org>");
  EXPECT_EQ(h.take(), (Log{"a:mail", "b:mail", "a:settle", "b:settle", "decide"}));
  h.session->rcpt("<b@example.net>");
  EXPECT_EQ(h.take(), (Log{"a:rcpt", "b:rcpt", "a:settle", "b:settle", "decide"}));
}

TEST(SessionSettle, NotBeforeADeciderThatDoesNotNeedThem) {
  Harness h(false);
  h.session->mailFrom("<a@example.org>");
  EXPECT_EQ(h.take(), (Log{"a:mail", "b:mail", "decide"}));
  h.session->rcpt("<b@example.net>");
  EXPECT_EQ(h.take(), (Log{"a:rcpt", "b:rcpt", "decide"}));
  h.session->endOfHeaders();
  EXPECT_EQ(h.take(), (Log{"a:eoh", "b:eoh", "decide"}));
  RecordingActions actions;
  h.session->endOfMessage(actions);
  // End of message settles first: a check there (DMARC) reads another's findings.
  EXPECT_EQ(h.take(), (Log{"a:settle", "b:settle", "a:eom", "b:eom", "decide"}));
}

TEST(SessionSettle, WithoutADeciderAtMailAndRcpt) {
  Harness h(std::nullopt);
  h.session->mailFrom("<a@example.org>");
  EXPECT_EQ(h.take(), (Log{"a:mail", "b:mail", "a:settle", "b:settle"}));
  h.session->rcpt("<b@example.net>");
  EXPECT_EQ(h.take(), (Log{"a:rcpt", "b:rcpt", "a:settle", "b:settle"}));
}

TEST(SessionSettle, WhenAStageDecidesTheMessage) {
  Harness h(false);
  h.decider->rejectAt = Stage::EndOfHeaders;
  h.session->mailFrom("<a@example.org>");
  h.session->endOfHeaders();
  EXPECT_EQ(h.take(), (Log{"a:mail", "b:mail", "decide", "a:eoh", "b:eoh", "decide", "a:settle", "b:settle"}));
}

TEST(SessionSettle, OnRequest) {
  Harness h(false);
  h.session->mailFrom("<a@example.org>");
  h.take();
  h.session->settle();
  EXPECT_EQ(h.take(), (Log{"a:settle", "b:settle"}));
}

}  // namespace
}  // namespace vouch::core
