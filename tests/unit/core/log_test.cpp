// Logger tests: sanitizing of hostile values (control bytes, non-ASCII, quotes,
// backslashes, length bound), both line formats, level filtering and the per-message
// line, through a capturing sink.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "core/log.h"

namespace vouch::core {
namespace {

struct Captured {
  std::vector<std::pair<LogLevel, std::string>> lines;
};

class CaptureSink final : public LogSink {
 public:
  explicit CaptureSink(Captured& c) : c_(c) {}
  void write(LogLevel level, std::string_view line) override { c_.lines.emplace_back(level, line); }

 private:
  Captured& c_;
};

Logger makeLogger(Captured& c, LogFormat format, LogLevel level = LogLevel::Info) {
  LogOptions o;
  o.format = format;
  o.level = level;
  return Logger(o, std::make_unique<CaptureSink>(c));
}

struct SafeCase {
  std::string name;
  std::string input;
  std::size_t max;
  std::string want;
};

class LogSafeTest : public ::testing::TestWithParam<SafeCase> {};

TEST_P(LogSafeTest, Escapes) { EXPECT_EQ(logSafe(GetParam().input, GetParam().max), GetParam().want); }

INSTANTIATE_TEST_SUITE_P(
    Table, LogSafeTest,
    ::testing::Values(SafeCase{"plain", "mx.example.org", 256, "mx.example.org"},
                      SafeCase{"crlf", "a\r\nInjected: 1", 256, "a\\x0d\\x0aInjected: 1"},
                      SafeCase{"nul", std::string("a\0b", 3), 256, "a\\x00b"},
                      SafeCase{"tab_del", "\t\x7f", 256, "\\x09\\x7f"},
                      SafeCase{"utf8", "b\xc3\xbc", 256, "b\\xc3\\xbc"},
                      SafeCase{"backslash", "a\\b", 256, "a\\\\b"},
                      SafeCase{"quote_kept", "a\"b", 256, "a\"b"},
                      SafeCase{"cut", std::string(300, 'x'), 10, "xxxxxxxxxx..."},
                      SafeCase{"cut_before_escape", "abcdefgh\n", 10, "abcdefgh..."},
                      SafeCase{"exact_fit", "abcd", 4, "abcd"},
                      SafeCase{"empty", "", 256, ""}),
    [](const auto& info) { return info.param.name; });

TEST(LoggerText, QuotesValuesThatNeedIt) {
  Captured c;
  Logger log = makeLogger(c, LogFormat::Text);
  log.log(LogLevel::Info, "test",
          {{"a", "simple"}, {"b", "two words"}, {"c", "x\"y"}, {"d", ""}, {"e", "k=v"}, {"f", "\n"}});
  ASSERT_EQ(c.lines.size(), 1u);
  EXPECT_EQ(c.lines[0].second,
            "test a=simple b=\"two words\" c=\"x\\\"y\" d=\"\" e=\"k=v\" f=\\x0a");
  EXPECT_EQ(c.lines[0].first, LogLevel::Info);
}

TEST(LoggerJson, EveryLineIsValidJsonWithTheRawMeaning) {
  Captured c;
  Logger log = makeLogger(c, LogFormat::Json);
  const std::string hostile = "evil\"}\r\n{\"x\":1\\\xff";
  log.log(LogLevel::Warning, "test", {{"v", hostile}, {"w", "ok"}});
  ASSERT_EQ(c.lines.size(), 1u);
  const std::string& line = c.lines[0].second;
  EXPECT_EQ(line.find('\n'), std::string::npos);
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["event"], "test");
  EXPECT_EQ(j["v"], logSafe(hostile));
  EXPECT_EQ(j["v"], "evil\"}\\x0d\\x0a{\"x\":1\\\\\\xff");
  EXPECT_EQ(j["w"], "ok");
  EXPECT_EQ(j.size(), 3u);
}

TEST(Logger, FiltersByLevel) {
  Captured c;
  Logger log = makeLogger(c, LogFormat::Text, LogLevel::Warning);
  log.log(LogLevel::Debug, "d", {});
  log.log(LogLevel::Info, "i", {});
  log.log(LogLevel::Warning, "w", {});
  log.log(LogLevel::Error, "e", {});
  ASSERT_EQ(c.lines.size(), 2u);
  EXPECT_EQ(c.lines[0].second, "w");
  EXPECT_EQ(c.lines[1].second, "e");
}

TEST(Logger, ParsesSettingChoices) {
  LogLevel l{};
  EXPECT_TRUE(parseLogLevel("debug", l));
  EXPECT_EQ(l, LogLevel::Debug);
  EXPECT_FALSE(parseLogLevel("verbose", l));
  LogTarget t{};
  EXPECT_TRUE(parseLogTarget("syslog", t));
  EXPECT_EQ(t, LogTarget::Syslog);
  EXPECT_FALSE(parseLogTarget("file", t));
  LogFormat f{};
  EXPECT_TRUE(parseLogFormat("json", f));
  EXPECT_EQ(f, LogFormat::Json);
  EXPECT_FALSE(parseLogFormat("xml", f));
}

Transaction sampleTransaction() {
  Transaction t;
  t.queueId = "4Fq1xY2kLz";
  t.mailFrom = "bounce@example.org";
  t.rcpts = {"a@example.net", "b@example.net"};
  t.findings.spf = SpfFinding{Result::Pass, "mailfrom", "example.org", "", "", ""};
  DkimFinding d1;
  d1.result = Result::Pass;
  d1.domain = "example.org";
  DkimFinding d2;
  d2.result = Result::Fail;
  d2.domain = "evil\r\n.example";
  t.findings.dkim = {d1, d2};
  DmarcFinding dm;
  dm.result = Result::Pass;
  dm.domain = "example.org";
  dm.policy = "reject";
  t.findings.dmarc = dm;
  t.findings.notes = {"dns slow", "second"};
  t.verdict.action = Action::Accept;
  return t;
}

TEST(LoggerMessage, TextLineCarriesEveryResult) {
  Captured c;
  Logger log = makeLogger(c, LogFormat::Text);
  Connection conn;
  conn.clientIp = "192.0.2.1";
  conn.clientName = "mail.example.org";
  log.logMessage(conn, sampleTransaction(), 12.345);
  ASSERT_EQ(c.lines.size(), 1u);
  EXPECT_EQ(c.lines[0].second,
            "message queue_id=4Fq1xY2kLz client=mail.example.org[192.0.2.1] class=external "
            "mail_from=<bounce@example.org> rcpts=2 spf=pass spf_domain=example.org "
            "dkim=pass(example.org),fail(evil\\x0d\\x0a.example) dmarc=pass "
            "dmarc_domain=example.org dmarc_policy=reject action=accept "
            "notes=\"dns slow; second\" ms=12.3");
}

TEST(LoggerMessage, JsonLineHasTheSameFields) {
  Captured c;
  Logger log = makeLogger(c, LogFormat::Json);
  Connection conn;
  Transaction t;  // nothing checked: honest "none", NOQUEUE, accept
  log.logMessage(conn, t, 0.04);
  auto j = nlohmann::json::parse(c.lines.at(0).second);
  EXPECT_EQ(j["event"], "message");
  EXPECT_EQ(j["queue_id"], "NOQUEUE");
  EXPECT_EQ(j["spf"], "none");
  EXPECT_EQ(j["dkim"], "none");
  EXPECT_EQ(j["dmarc"], "none");
  EXPECT_EQ(j["action"], "accept");
  EXPECT_EQ(j["mail_from"], "<>");
  EXPECT_EQ(j["ms"], "0.0");
}

TEST(LoggerMessage, NotLoggedBelowInfo) {
  Captured c;
  Logger log = makeLogger(c, LogFormat::Text, LogLevel::Error);
  log.logMessage(Connection{}, Transaction(), 1.0);
  EXPECT_TRUE(c.lines.empty());
}

}  // namespace
}  // namespace vouch::core
