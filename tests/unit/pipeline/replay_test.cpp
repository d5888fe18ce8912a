// Replay tests: splitting stored messages into milter-style headers and a CRLF body
// (LF or CRLF input, folding, non-header lines, mbox From line), and driving a Session
// stage by stage with body chunks no larger than Postfix's.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "pipeline/replay.h"

namespace vouch::pipeline {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct ParseCase {
  std::string name;
  std::string text;
  Headers headers;
  std::string body;
};

class ParseTest : public ::testing::TestWithParam<ParseCase> {};

TEST_P(ParseTest, Splits) {
  StoredMessage m = parseStoredMessage(GetParam().text);
  EXPECT_EQ(m.headers, GetParam().headers);
  EXPECT_EQ(m.body, GetParam().body);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseTest,
    ::testing::Values(
        ParseCase{"lf", "From: a@example.org\nSubject: hi\n\nline1\nline2\n",
                  {{"From", " a@example.org"}, {"Subject", " hi"}}, "line1\r\nline2\r\n"},
        ParseCase{"crlf", "From: a@example.org\r\n\r\nbody\r\n", {{"From", " a@example.org"}}, "body\r\n"},
        ParseCase{"folded", "Subject: one\n  two\n\tthree\nTo:x\n\n",
                  {{"Subject", " one\n  two\n\tthree"}, {"To", "x"}}, ""},
        ParseCase{"folded_crlf", "Subject: one\r\n two\r\n\r\nb", {{"Subject", " one\n two"}}, "b\r\n"},
        ParseCase{"no_blank_line", "From: a\nTo: b\n", {{"From", " a"}, {"To", " b"}}, ""},
        ParseCase{"non_header_starts_body", "From: a\nthis is not a header\nX: y\n",
                  {{"From", " a"}}, "this is not a header\r\nX: y\r\n"},
        ParseCase{"space_in_name_is_body", "From: a\nBad Name: v\n", {{"From", " a"}}, "Bad Name: v\r\n"},
        ParseCase{"leading_continuation_is_body", " x: y\n", {}, " x: y\r\n"},
        ParseCase{"mbox_from_line", "From sender@example.org Mon Jan 1\nSubject: s\n\nb\n",
                  {{"Subject", " s"}}, "b\r\n"},
        ParseCase{"empty_lines_in_body", "A: 1\n\n\n\nx\n\n", {{"A", " 1"}}, "\r\n\r\nx\r\n\r\n"},
        ParseCase{"no_final_newline", "A: 1\n\nlast", {{"A", " 1"}}, "last\r\n"},
        ParseCase{"empty", "", {}, ""},
        ParseCase{"empty_value", "A:\n\n", {{"A", ""}}, ""}),
    [](const auto& info) { return info.param.name; });

class Recorder final : public core::Check {
 public:
  explicit Recorder(std::vector<std::string>& log) : log_(log) {}
  std::string_view name() const override { return "rec"; }
  core::Flow onConnect(core::Connection& c) override { return add("connect " + c.clientIp); }
  core::Flow onHelo(core::Connection& c) override { return add("helo " + c.helo); }
  core::Flow onMailFrom(core::Connection& c, core::Transaction& t) override {
    return add("mail <" + t.mailFrom + "> auth=" + c.authUser + " class=" +
               std::string(core::toString(c.clientClass)));
  }
  core::Flow onRcpt(core::Connection&, core::Transaction&, std::string_view r) override {
    return add("rcpt " + std::string(r));
  }
  core::Flow onHeader(core::Connection&, core::Transaction& t, const core::Header& h) override {
    return add("header " + h.name + " qid=" + t.queueId);
  }
  core::Flow onEndOfHeaders(core::Connection&, core::Transaction&) override { return add("eoh"); }
  core::Flow onBody(core::Connection&, core::Transaction&, std::span<const char> c) override {
    return add("body " + std::to_string(c.size()));
  }
  core::Flow onEndOfMessage(core::Connection&, core::Transaction&, core::Actions&) override {
    return add("eom");
  }

 private:
  core::Flow add(std::string s) {
    log_.push_back(std::move(s));
    return core::Flow::Continue;
  }
  std::vector<std::string>& log_;
};

class RejectAtRcpt final : public core::Decider {
 public:
  core::Verdict decide(core::Stage stage, const core::Connection&, const core::Transaction&) const override {
    core::Verdict v;
    if (stage == core::Stage::Rcpt) v.action = core::Action::Reject;
    return v;
  }
};

std::unique_ptr<core::Session> makeSession(std::vector<std::string>& log,
                                           std::shared_ptr<const core::Decider> d = nullptr) {
  std::vector<std::unique_ptr<core::Check>> checks;
  checks.push_back(std::make_unique<Recorder>(log));
  core::SessionOptions o;
  o.authservId = "mx.example.net";
  return std::make_unique<core::Session>(o, std::move(checks), d);
}

TEST(Replay, DrivesEveryStageWithPostfixSizedChunks) {
  std::vector<std::string> log;
  auto session = makeSession(log);
  Envelope env;
  env.clientIp = "::ffff:192.0.2.4";
  env.helo = "client.example";
  env.mailFrom = "<a@example.org>";
  env.rcpts = {"<b@example.net>", "c@example.net"};
  env.authUser = "alice";
  env.queueId = "Q1";
  StoredMessage msg;
  msg.headers = {{"From", " a@example.org"}};
  msg.body = std::string(150000, 'x');
  ReplayOutcome out = replay(*session, env, msg);
  EXPECT_EQ(out.verdict.action, core::Action::Accept);
  ASSERT_TRUE(out.decidedAt.has_value());
  EXPECT_EQ(*out.decidedAt, core::Stage::EndOfMessage);
  const std::vector<std::string> want = {
      "connect 192.0.2.4", "helo client.example", "mail <a@example.org> auth=alice class=authenticated",
      "rcpt b@example.net", "rcpt c@example.net", "header From qid=Q1", "eoh",
      "body 65535", "body 65535", "body 18930", "eom"};
  EXPECT_EQ(log, want);
  ASSERT_EQ(out.actions.edits().size(), 1u);
  EXPECT_EQ(out.actions.edits()[0].value, " mx.example.net; none");
}

TEST(Replay, StopsAtTheDecidingStage) {
  std::vector<std::string> log;
  auto session = makeSession(log, std::make_shared<RejectAtRcpt>());
  Envelope env;
  env.clientIp = "192.0.2.4";
  env.mailFrom = "<>";
  env.rcpts = {"b@example.net", "c@example.net"};
  StoredMessage msg = parseStoredMessage("From: x@example.org\n\nbody\n");
  ReplayOutcome out = replay(*session, env, msg);
  EXPECT_EQ(out.verdict.action, core::Action::Reject);
  EXPECT_EQ(toString(*out.decidedAt), "rcpt");
  EXPECT_EQ(log.back(), "rcpt b@example.net");
  EXPECT_TRUE(out.actions.edits().empty());
}

}  // namespace
}  // namespace vouch::pipeline
