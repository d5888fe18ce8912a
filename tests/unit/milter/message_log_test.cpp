// Per-message log fields (src/milter/message_log.h): the milter's applied decision,
// stage and reply replace the transaction's verdict; connection-level records carry
// no transaction fields.
#include "milter/message_log.h"

#include <gtest/gtest.h>

namespace vouch::milter {
namespace {

std::string field(const std::vector<core::LogField>& f, const std::string& key) {
  for (const auto& [k, v] : f)
    if (k == key) return v;
  return "<absent>";
}

TEST(MessageRecordFields, MessageLine) {
  core::Connection c;
  c.clientIp = "192.0.2.10";
  c.clientName = "mail.example.com";
  core::Transaction t;
  t.queueId = "4AbC";
  t.mailFrom = "a@example.com";
  t.verdict.action = core::Action::Accept;
  MessageRecord r;
  r.connection = &c;
  r.transaction = &t;
  r.verdict.action = core::Action::TempFail;
  r.verdict.reason = "internal error";
  r.stage = "eom";
  r.replyCode = "451 4.3.0";
  r.problems = {"a", "b"};
  const auto f = messageRecordFields(r);
  EXPECT_EQ(field(f, "queue_id"), "4AbC");
  EXPECT_EQ(field(f, "action"), "tempfail");
  EXPECT_EQ(field(f, "stage"), "eom");
  EXPECT_EQ(field(f, "reply"), "451 4.3.0");
  EXPECT_EQ(field(f, "reason"), "internal error");
  EXPECT_EQ(field(f, "problems"), "a; b");
  int actions = 0;
  for (const auto& kv : f) actions += kv.first == "action";
  EXPECT_EQ(actions, 1);
  EXPECT_EQ(f.back().first, "ms");
}

TEST(MessageRecordFields, ConnectionLevel) {
  core::Connection c;
  c.clientIp = "192.0.2.10";
  MessageRecord r;
  r.connection = &c;
  r.verdict.action = core::Action::Reject;
  r.stage = "connect";
  const auto f = messageRecordFields(r);
  EXPECT_EQ(field(f, "queue_id"), "<absent>");
  EXPECT_EQ(field(f, "spf"), "<absent>");
  EXPECT_EQ(field(f, "stage"), "connect");
  EXPECT_EQ(field(f, "action"), "reject");
}

TEST(LogOptionsFrom, Table) {
  auto o = logOptionsFrom("stderr", "json", "debug");
  EXPECT_EQ(o.target, core::LogTarget::Stderr);
  EXPECT_EQ(o.format, core::LogFormat::Json);
  EXPECT_EQ(o.level, core::LogLevel::Debug);
  o = logOptionsFrom("syslog", "text", "warning");
  EXPECT_EQ(o.target, core::LogTarget::Syslog);
  EXPECT_EQ(o.format, core::LogFormat::Text);
  EXPECT_EQ(o.level, core::LogLevel::Warning);
}

}  // namespace
}  // namespace vouch::milter
