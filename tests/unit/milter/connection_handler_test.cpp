// ConnectionHandler (src/milter/connection_handler.h) driven like libmilter would, with
// a real core::Session built by a fake Snapshot (scripted checks and decider), a fake
// editor and macro reader, and a recording log: forged A-R removal order, replies,
// carried decisions, draining, internal errors and in-flight accounting.
#include "milter/connection_handler.h"

#include <gtest/gtest.h>

#include <map>
#include <stdexcept>

#include "milter/late_resolver.h"

namespace vouch::milter {
namespace {

using core::Action;
using core::Stage;

struct Script {
  std::map<Stage, core::Verdict> verdicts;  // what the decider says per stage
  bool throwAtHelo = false;
  bool stopInHeader = false;                // a check stops at a header with a verdict
};

class ScriptedCheck final : public core::Check {
 public:
  explicit ScriptedCheck(const Script& s) : s_(s) {}
  std::string_view name() const override { return "scripted"; }
  core::Flow onHelo(core::Connection&) override {
    if (s_.throwAtHelo) throw std::runtime_error("boom in helo");
    return core::Flow::Continue;
  }
  core::Flow onHeader(core::Connection&, core::Transaction& t, const core::Header& h) override {
    if (!s_.stopInHeader || h.name != "X-Stop") return core::Flow::Continue;
    t.verdict.action = Action::TempFail;
    t.verdict.reply = {"451", "4.7.0", {"header limit"}};
    return core::Flow::Stop;
  }
  core::Flow onEndOfMessage(core::Connection&, core::Transaction& t, core::Actions&) override {
    core::MethodResult r;
    r.method = "spf";
    r.result = core::Result::Pass;
    t.authResults.add(r);
    return core::Flow::Continue;
  }

 private:
  const Script& s_;
};

class ScriptedDecider final : public core::Decider {
 public:
  explicit ScriptedDecider(const Script& s) : s_(s) {}
  core::Verdict decide(Stage stage, const core::Connection&, const core::Transaction&) const override {
    auto it = s_.verdicts.find(stage);
    return it == s_.verdicts.end() ? core::Verdict{} : it->second;
  }

 private:
  const Script& s_;
};

class FakeSnapshot final : public pipeline::Snapshot {
 public:
  explicit FakeSnapshot(const Script& s) : script_(s), config_(config::Config::defaults()) {}
  std::unique_ptr<core::Session> newSession() const override {
    core::SessionOptions o;
    o.authservId = "mx.example.org";
    std::vector<std::unique_ptr<core::Check>> checks;
    checks.push_back(std::make_unique<ScriptedCheck>(script_));
    return std::make_unique<core::Session>(o, std::move(checks),
                                           std::make_shared<ScriptedDecider>(script_));
  }
  const config::Config& config() const override { return config_; }
  dns::Resolver& resolver() const override { return resolver_; }

 private:
  const Script& script_;
  config::Config config_;
  mutable LateResolver resolver_;
};

class FakeMacros final : public MacroReader {
 public:
  std::map<std::string, std::string, std::less<>> values;
  std::optional<std::string> get(std::string_view name) const override {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  }
};

class FakeEditor final : public MessageEditor {
 public:
  std::vector<std::string> calls;
  bool insertHeader(std::size_t i, const std::string& n, const std::string& v) override {
    calls.push_back("ins " + std::to_string(i) + " " + n + ":" + v);
    return true;
  }
  bool deleteHeader(const std::string& n, std::size_t i) override {
    calls.push_back("del " + n + " " + std::to_string(i));
    return true;
  }
  bool quarantine(const std::string& r) override {
    calls.push_back("quarantine " + r);
    return true;
  }
  bool setReply(const SmtpReply& r) override {
    calls.push_back("reply " + r.code + " " + r.enhanced);
    return true;
  }
};

class RecordingLog final : public MilterLog {
 public:
  std::vector<MessageRecord> messages;
  std::vector<std::string> queueIds;
  std::vector<std::string> events;
  void message(const MessageRecord& r) override {
    messages.push_back(r);
    queueIds.push_back(r.transaction ? r.transaction->queueId : "");
  }
  void event(LogLevel, std::string_view text) override { events.emplace_back(text); }
};

core::Verdict verdict(Action a, std::string code = {}, std::string enh = {}) {
  core::Verdict v;
  v.action = a;
  if (!code.empty()) v.reply = {code, enh, {"text"}};
  v.reason = "scripted";
  return v;
}

class HandlerTest : public ::testing::Test {
 protected:
  Script script;
  FlightTracker flights;
  RecordingLog log;
  FakeMacros macros;
  FakeEditor editor;

  std::unique_ptr<ConnectionHandler> connect(const char* ip = "192.0.2.10") {
    auto h = std::make_unique<ConnectionHandler>(std::make_shared<FakeSnapshot>(script), flights, log);
    h->setLeadingSpace(true);
    EXPECT_EQ(h->connect(ip, "client.example", macros).disposition, Disposition::Continue);
    EXPECT_EQ(h->helo("client.example").disposition, Disposition::Continue);
    return h;
  }
};

TEST_F(HandlerTest, ForgedArDeletedHighestFirstAndOursOnTop) {
  auto h = connect();
  EXPECT_EQ(h->mailFrom("<a@example.com>", macros).disposition, Disposition::Continue);
  EXPECT_EQ(flights.inFlight(), 1u);
  EXPECT_EQ(h->rcpt("<b@example.net>").disposition, Disposition::Continue);
  h->header("Authentication-Results", " mx.example.org; dmarc=pass");
  h->header("Authentication-Results", " other.example; spf=pass");
  h->header("From", " a@example.com");
  h->header("authentication-results", " MX.EXAMPLE.ORG ; dkim=pass");
  macros.values["i"] = "4XyZ1";
  EXPECT_EQ(h->endOfHeaders(macros).disposition, Disposition::Continue);
  EXPECT_FALSE(h->body({"hello\r\n", 7}));
  const ReplyPlan p = h->endOfMessage(macros, editor);
  EXPECT_EQ(p.disposition, Disposition::Accept);
  ASSERT_EQ(editor.calls.size(), 3u);
  EXPECT_EQ(editor.calls[0], "del Authentication-Results 3");
  EXPECT_EQ(editor.calls[1], "del Authentication-Results 1");
  EXPECT_EQ(editor.calls[2].rfind("ins 0 Authentication-Results: mx.example.org;", 0), 0u) << editor.calls[2];
  EXPECT_NE(editor.calls[2].find("spf=pass"), std::string::npos);
  EXPECT_EQ(editor.calls[2].find('\r'), std::string::npos);
  EXPECT_EQ(flights.inFlight(), 0u);
  ASSERT_EQ(log.messages.size(), 1u);
  EXPECT_EQ(log.queueIds[0], "4XyZ1");
  EXPECT_EQ(log.messages[0].stage, "eom");
}

TEST_F(HandlerTest, RejectAtMailFromEndsMessageWithReply) {
  script.verdicts[Stage::MailFrom] = verdict(Action::Reject, "550", "5.7.23");
  auto h = connect();
  const ReplyPlan p = h->mailFrom("<a@example.com>", macros);
  EXPECT_EQ(p.disposition, Disposition::Reject);
  EXPECT_EQ(p.reply.code + " " + p.reply.enhanced, "550 5.7.23");
  EXPECT_EQ(flights.inFlight(), 0u);
  ASSERT_EQ(log.messages.size(), 1u);
  EXPECT_EQ(log.messages[0].stage, "mail");
  EXPECT_EQ(log.messages[0].replyCode, "550 5.7.23");
}

TEST_F(HandlerTest, RejectAtEomGetsNoHeaderEdits) {
  script.verdicts[Stage::EndOfMessage] = verdict(Action::Reject, "550", "5.7.26");
  auto h = connect();
  h->mailFrom("<a@example.com>", macros);
  h->rcpt("<b@example.net>");
  h->header("Authentication-Results", " mx.example.org; dmarc=pass");
  h->endOfHeaders(macros);
  const ReplyPlan p = h->endOfMessage(macros, editor);
  EXPECT_EQ(p.disposition, Disposition::Reject);
  EXPECT_EQ(editor.calls, std::vector<std::string>{"reply 550 5.7.26"});
}

TEST_F(HandlerTest, QuarantineAtEom) {
  script.verdicts[Stage::EndOfMessage] = verdict(Action::Quarantine);
  auto h = connect();
  h->mailFrom("<a@example.com>", macros);
  h->endOfHeaders(macros);
  const ReplyPlan p = h->endOfMessage(macros, editor);
  EXPECT_EQ(p.disposition, Disposition::Continue);
  ASSERT_FALSE(editor.calls.empty());
  EXPECT_EQ(editor.calls.back(), "quarantine scripted");
}

TEST_F(HandlerTest, HeaderStageDecisionAppliedAtEndOfHeaders) {
  script.stopInHeader = true;
  auto h = connect();
  h->mailFrom("<a@example.com>", macros);
  h->header("X-Stop", " now");  // no reply possible here (SMFIP_NR_HDR)
  const ReplyPlan p = h->endOfHeaders(macros);
  EXPECT_EQ(p.disposition, Disposition::TempFail);
  EXPECT_EQ(p.reply.code + " " + p.reply.enhanced, "451 4.7.0");
  EXPECT_EQ(flights.inFlight(), 0u);
}

TEST_F(HandlerTest, DrainingRefusesNewConnectionsAndMessages) {
  auto h = connect();
  flights.startDraining();
  const ReplyPlan m = h->mailFrom("<a@example.com>", macros);
  EXPECT_EQ(m.disposition, Disposition::TempFail);
  EXPECT_EQ(m.reply.code + " " + m.reply.enhanced, "451 4.3.2");
  EXPECT_EQ(flights.inFlight(), 0u);
  ConnectionHandler fresh(std::make_shared<FakeSnapshot>(script), flights, log);
  EXPECT_EQ(fresh.connect("192.0.2.11", "x", macros).disposition, Disposition::TempFail);
}

// With every stage but end of message quiet (SMFIP_NR_*, as negotiated with Postfix),
// refusals found earlier are given at end of message, once, and logged there.
QuietStages allQuiet() { return {true, true, true, true, true}; }

TEST_F(HandlerTest, QuietStagesCarryRefusalsToEndOfMessage) {
  script.stopInHeader = true;
  auto h = std::make_unique<ConnectionHandler>(std::make_shared<FakeSnapshot>(script), flights, log);
  h->setQuietStages(allQuiet());
  h->connect("192.0.2.10", "c", macros);
  h->helo("c");
  h->mailFrom("<a@example.com>", macros);
  h->header("X-Stop", " now");
  EXPECT_EQ(h->endOfHeaders(macros).disposition, Disposition::Continue);  // nothing said yet
  EXPECT_TRUE(log.messages.empty());
  EXPECT_EQ(flights.inFlight(), 1u);
  const ReplyPlan p = h->endOfMessage(macros, editor);
  EXPECT_EQ(p.disposition, Disposition::TempFail);
  EXPECT_EQ(p.reply.code + " " + p.reply.enhanced, "451 4.7.0");
  EXPECT_EQ(editor.calls, std::vector<std::string>{"reply 451 4.7.0"});  // no header edits
  ASSERT_EQ(log.messages.size(), 1u);
  EXPECT_EQ(log.messages[0].stage, "eom");
  EXPECT_EQ(flights.inFlight(), 0u);
}

TEST_F(HandlerTest, QuietMailFromRefusalGivenAtEndOfMessage) {
  script.verdicts[Stage::MailFrom] = verdict(Action::Reject, "550", "5.7.23");
  auto h = std::make_unique<ConnectionHandler>(std::make_shared<FakeSnapshot>(script), flights, log);
  h->setQuietStages(allQuiet());
  h->connect("192.0.2.10", "c", macros);
  h->helo("c");
  EXPECT_EQ(h->mailFrom("<a@example.com>", macros).disposition, Disposition::Continue);
  EXPECT_EQ(h->rcpt("<b@example.net>").disposition, Disposition::Continue);
  h->endOfHeaders(macros);
  const ReplyPlan p = h->endOfMessage(macros, editor);
  EXPECT_EQ(p.disposition, Disposition::Reject);
  EXPECT_EQ(p.reply.code + " " + p.reply.enhanced, "550 5.7.23");
  // The next message on the connection starts clean.
  script.verdicts.erase(Stage::MailFrom);
  h->mailFrom("<a@example.com>", macros);
  h->endOfHeaders(macros);
  EXPECT_EQ(h->endOfMessage(macros, editor).disposition, Disposition::Accept);
}

TEST_F(HandlerTest, QuietConnectDrainingRefusesEveryMessage) {
  flights.startDraining();
  ConnectionHandler h(std::make_shared<FakeSnapshot>(script), flights, log);
  h.setQuietStages(allQuiet());
  EXPECT_EQ(h.connect("192.0.2.11", "x", macros).disposition, Disposition::Continue);
  for (int i = 0; i < 2; ++i) {
    h.mailFrom("<a@example.com>", macros);
    const ReplyPlan p = h.endOfMessage(macros, editor);
    EXPECT_EQ(p.disposition, Disposition::TempFail) << i;
    EXPECT_EQ(p.reply.code + " " + p.reply.enhanced, "451 4.3.2") << i;
  }
  EXPECT_EQ(flights.inFlight(), 0u);
}

TEST_F(HandlerTest, QuietStageInternalErrorGivenAtEndOfMessage) {
  auto h = std::make_unique<ConnectionHandler>(std::make_shared<FakeSnapshot>(script), flights, log);
  h->setQuietStages(allQuiet());
  h->connect("192.0.2.10", "c", macros);
  h->mailFrom("<a@example.com>", macros);
  EXPECT_EQ(h->internalError("rcpt", "broken").disposition, Disposition::Continue);
  const ReplyPlan p = h->endOfMessage(macros, editor);
  EXPECT_EQ(p.disposition, Disposition::TempFail);
  EXPECT_EQ(p.reply.code + " " + p.reply.enhanced, "451 4.3.0");
  EXPECT_EQ(flights.inFlight(), 0u);
}

TEST_F(HandlerTest, InternalErrorUsesConfiguredActionAndLogsQueueId) {
  auto h = connect();
  h->mailFrom("<a@example.com>", macros);
  macros.values["i"] = "QID42";
  h->endOfHeaders(macros);
  const ReplyPlan p = h->internalError("eom", "disk on fire");
  EXPECT_EQ(p.disposition, Disposition::TempFail);  // default milter.internal_error_action
  EXPECT_EQ(p.reply.code + " " + p.reply.enhanced, "451 4.3.0");
  ASSERT_FALSE(log.events.empty());
  EXPECT_NE(log.events.back().find("queue=QID42"), std::string::npos) << log.events.back();
  EXPECT_NE(log.events.back().find("disk on fire"), std::string::npos);
  EXPECT_EQ(flights.inFlight(), 0u);
}

TEST_F(HandlerTest, CheckExceptionPropagatesToCallbackLayer) {
  script.throwAtHelo = true;
  auto h = std::make_unique<ConnectionHandler>(std::make_shared<FakeSnapshot>(script), flights, log);
  h->connect("192.0.2.10", "c", macros);
  EXPECT_THROW(h->helo("c"), std::runtime_error);  // callbacks.cpp turns this into internalError
}

TEST_F(HandlerTest, AbortAndCloseReleaseInFlight) {
  auto h = connect();
  h->mailFrom("<a@example.com>", macros);
  EXPECT_EQ(flights.inFlight(), 1u);
  h->abort();
  EXPECT_EQ(flights.inFlight(), 0u);
  h->mailFrom("<a@example.com>", macros);
  h->mailFrom("<c@example.com>", macros);  // MAIL without RSET: first one ended
  EXPECT_EQ(flights.inFlight(), 1u);
  h.reset();  // connection closed mid-message
  EXPECT_EQ(flights.inFlight(), 0u);
}

TEST_F(HandlerTest, ConnectReadsMacros) {
  macros.values["{daemon_name}"] = "submission";
  macros.values["j"] = "mx.example.org";
  macros.values["{auth_authen}"] = "alice";
  auto h = connect("::ffff:192.0.2.7");
  h->mailFrom("<alice@example.com>", macros);
  macros.values["i"] = "Q1";
  h->endOfHeaders(macros);
  h->endOfMessage(macros, editor);
  ASSERT_EQ(log.messages.size(), 1u);
  const core::Connection& c = *log.messages[0].connection;
  EXPECT_EQ(c.clientIp, "192.0.2.7");
  EXPECT_EQ(c.daemonName, "submission");
  EXPECT_EQ(c.mtaHostname, "mx.example.org");
  EXPECT_EQ(c.authUser, "alice");
  EXPECT_EQ(c.clientClass, core::ClientClass::Authenticated);
}

}  // namespace
}  // namespace vouch::milter
