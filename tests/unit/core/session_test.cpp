// Session tests with recording fake checks, a scripted decider and RecordingActions:
// stage order, early stop, header limits, forged A-R removal indices, classification,
// abort then a new message on the same connection.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/session.h"

namespace vouch::core {
namespace {

using Log = std::vector<std::string>;

// Records every stage call as "name:stage"; stops at `stopAt` with `verdict`.
class FakeCheck final : public Check {
 public:
  FakeCheck(std::string name, Log& log) : name_(std::move(name)), log_(log) {}
  std::string stopAt;
  Verdict verdict;
  bool setVerdict = true;
  std::vector<HeaderEdit> eomEdits;

  std::string_view name() const override { return name_; }
  Flow onConnect(Connection&) override { return rec("connect", nullptr); }
  Flow onHelo(Connection&) override { return rec("helo", nullptr); }
  Flow onMailFrom(Connection&, Transaction& t) override { return rec("mail", &t); }
  Flow onRcpt(Connection&, Transaction& t, std::string_view r) override {
    return rec("rcpt " + std::string(r), &t);
  }
  Flow onHeader(Connection&, Transaction& t, const Header& h) override {
    return rec("header " + h.name, &t);
  }
  Flow onEndOfHeaders(Connection&, Transaction& t) override { return rec("eoh", &t); }
  Flow onBody(Connection&, Transaction& t, std::span<const char> c) override {
    return rec("body " + std::to_string(c.size()), &t);
  }
  Flow onEndOfMessage(Connection&, Transaction& t, Actions& a) override {
    for (const auto& e : eomEdits) {
      if (e.kind == HeaderEdit::Kind::InsertTop) a.insertHeaderTop(e.name, e.value);
      else a.deleteHeader(e.name, e.index);
    }
    t.authResults.add({name_, Result::Pass, {}, {}, {}});
    return rec("eom", &t);
  }
  void onAbort(Connection&, Transaction&) override { log_.push_back(name_ + ":abort"); }

 private:
  Flow rec(const std::string& stage, Transaction* t) {
    log_.push_back(name_ + ":" + stage);
    std::string key = stage.substr(0, stage.find(' '));
    if (key != stopAt) return Flow::Continue;
    if (setVerdict && t) t->verdict = verdict;
    return Flow::Stop;
  }
  std::string name_;
  Log& log_;
};

// Returns a scripted verdict per stage and logs decide/annotate calls.
class FakeDecider final : public Decider {
 public:
  explicit FakeDecider(Log& log) : log_(log) {}
  std::map<Stage, Verdict> verdicts;
  Verdict decide(Stage stage, const Connection&, const Transaction&) const override {
    log_.push_back("decide:" + std::to_string(static_cast<int>(stage)));
    auto it = verdicts.find(stage);
    return it == verdicts.end() ? Verdict{} : it->second;
  }
  void annotate(const Connection&, Transaction& txn) const override {
    log_.push_back("annotate");
    txn.authResults.add({"x-policy", Result::Pass, {}, {}, {}});
  }

 private:
  Log& log_;
};

struct Harness {
  Log log;
  FakeCheck* a = nullptr;
  FakeCheck* b = nullptr;
  std::shared_ptr<FakeDecider> decider = std::make_shared<FakeDecider>(log);
  std::unique_ptr<Session> session;

  explicit Harness(SessionOptions opts = defaultOptions(), bool withDecider = true) {
    std::vector<std::unique_ptr<Check>> checks;
    auto ca = std::make_unique<FakeCheck>("a", log);
    auto cb = std::make_unique<FakeCheck>("b", log);
    a = ca.get();
    b = cb.get();
    checks.push_back(std::move(ca));
    checks.push_back(std::move(cb));
    std::shared_ptr<const Decider> d;
    if (withDecider) d = decider;
    session = std::make_unique<Session>(std::move(opts), std::move(checks), d);
  }
  static SessionOptions defaultOptions() {
    SessionOptions o;
    o.authservId = "mx.example.net";
    return o;
  }
  Verdict envelope() {
    session->connect("192.0.2.1", "client.example");
    session->helo("client.example");
    session->mailFrom("<a@example.org>");
    return session->rcpt("<b@example.net>");
  }
};

Verdict verdict(Action a, std::string code = {}) {
  Verdict v;
  v.action = a;
  v.reply.code = std::move(code);
  return v;
}

TEST(Session, RunsStagesInOrderThenDecides) {
  Harness h;
  RecordingActions actions;
  h.envelope();
  h.session->header("From", " a@example.org");
  h.session->endOfHeaders();
  const char body[] = "hi\r\n";
  h.session->body(std::span<const char>(body, 4));
  Verdict v = h.session->endOfMessage(actions);
  EXPECT_EQ(v.action, Action::Accept);
  const Log want = {"a:connect", "b:connect", "decide:0", "a:helo", "b:helo", "decide:1",
                    "a:mail", "b:mail", "decide:2", "a:rcpt b@example.net", "b:rcpt b@example.net",
                    "decide:3", "a:header From", "b:header From", "a:eoh", "b:eoh", "decide:4",
                    "a:body 4", "b:body 4", "a:eom", "b:eom", "decide:5", "annotate"};
  EXPECT_EQ(h.log, want);
  ASSERT_EQ(actions.edits().size(), 1u);
  EXPECT_EQ(actions.edits()[0].name, "Authentication-Results");
  EXPECT_EQ(actions.edits()[0].value,
            " mx.example.net; a=pass; b=pass; x-policy=pass");
}

TEST(Session, CheckStopSkipsLaterChecksAndStages) {
  Harness h;
  h.a->stopAt = "mail";
  h.a->verdict = verdict(Action::Reject, "550");
  RecordingActions actions;
  Verdict v = h.envelope();
  EXPECT_EQ(v.action, Action::Reject);
  h.session->header("Subject", " x");
  h.session->endOfHeaders();
  EXPECT_EQ(h.session->endOfMessage(actions).action, Action::Reject);
  const Log want = {"a:connect", "b:connect", "decide:0", "a:helo", "b:helo", "decide:1", "a:mail"};
  EXPECT_EQ(h.log, want);
  EXPECT_TRUE(actions.edits().empty());
  EXPECT_TRUE(h.session->transaction().rcpts.empty());
}

TEST(Session, DeciderEarlyDecisionStopsTheMessage) {
  Harness h;
  h.decider->verdicts[Stage::Rcpt] = verdict(Action::TempFail, "451");
  EXPECT_EQ(h.envelope().action, Action::TempFail);
  h.session->header("Subject", " x");
  RecordingActions actions;
  EXPECT_EQ(h.session->endOfMessage(actions).action, Action::TempFail);
  EXPECT_EQ(h.log.back(), "decide:3");
  EXPECT_TRUE(actions.edits().empty());
}

TEST(Session, StopWithoutVerdictFailsSafe) {
  Harness h;
  h.b->stopAt = "eoh";
  h.b->setVerdict = false;
  h.envelope();
  Verdict v = h.session->endOfHeaders();
  EXPECT_EQ(v.action, Action::TempFail);
  EXPECT_EQ(v.reply.enhanced, "4.3.0");
  EXPECT_EQ(h.session->transaction().findings.notes.size(), 1u);
}

TEST(Session, NullDeciderAcceptsAtEndOfMessageOnly) {
  Harness h(Harness::defaultOptions(), false);
  EXPECT_EQ(h.envelope().action, Action::Continue);
  RecordingActions actions;
  EXPECT_EQ(h.session->endOfMessage(actions).action, Action::Accept);
  EXPECT_EQ(actions.edits().size(), 1u);
}

TEST(Session, RejectAtEndOfMessageDropsEveryEdit) {
  Harness h;
  h.decider->verdicts[Stage::EndOfMessage] = verdict(Action::Reject, "550");
  h.a->eomEdits.push_back({HeaderEdit::Kind::InsertTop, "DKIM-Signature", " v=1", 0});
  h.envelope();
  h.session->header("Authentication-Results", " mx.example.net; spf=pass");
  RecordingActions actions;
  EXPECT_EQ(h.session->endOfMessage(actions).action, Action::Reject);
  EXPECT_TRUE(actions.edits().empty());
}

TEST(Session, QuarantineStillGetsHeaders) {
  Harness h;
  h.decider->verdicts[Stage::EndOfMessage] = verdict(Action::Quarantine);
  h.envelope();
  RecordingActions actions;
  EXPECT_EQ(h.session->endOfMessage(actions).action, Action::Quarantine);
  EXPECT_EQ(actions.edits().size(), 1u);
}

}  // namespace
}  // namespace vouch::core
