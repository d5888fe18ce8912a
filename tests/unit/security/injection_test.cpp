// Security: no header or log injection. Hostile domains, local parts, HELO names,
// selectors, SPF explanations, client names and queue ids go through a whole Session
// (every check, the shipped policies, a FakeResolver); the inserted Authentication-
// Results, the SMTP reply text and the per-message log line (text and JSON, as the milter
// writes it) must stay one printable line each (headers folded only with LF+TAB/space).
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/log.h"
#include "dns/fake_resolver.h"
#include "milter/message_log.h"
#include "pipeline/replay.h"
#include "pipeline/snapshot.h"

namespace vouch {
namespace {

using namespace std::string_literals;

class CaptureSink final : public core::LogSink {
 public:
  void write(core::LogLevel, std::string_view line) override { lines.emplace_back(line); }
  std::vector<std::string> lines;
};

std::shared_ptr<dns::FakeResolver> hostileDns() {
  auto dns = std::make_shared<dns::FakeResolver>();
  dns->addTxt("example.com", "v=spf1 ip4:192.0.2.1 -all exp=exp.example.com");
  dns->addTxt("exp.example.com", "bad\r\nX-Injected: exp\0\x1b[31m %{l} %{h}"s);
  dns->addTxt("_dmarc.example.com", "v=DMARC1; p=reject");
  dns->addTxt("example.org", "v=spf1 ip4:192.0.2.0/24 -all");
  dns->addTxt("_dmarc.example.org", "v=DMARC1; p=reject");
  dns->addTxt("xn--bcher-kva.example", "v=spf1 -all");
  dns->addTxt("_dmarc.xn--bcher-kva.example", "v=DMARC1; p=reject");
  dns->addTxt("sel._domainkey.example.org", "v=DKIM1; p=");
  return dns;
}

struct Case {
  std::string name;
  std::string policy;  // shipped policy name
  pipeline::Envelope env;
  std::string message;
  core::Action want;   // the verdict the hostile value must still get
};

bool oneSafeLine(std::string_view s) {
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x7f) return false;
  }
  return true;
}

// A header value: printable ASCII and TAB; LF (or CRLF) only as folding, before WSP.
bool safeHeaderValue(std::string_view v) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    auto c = static_cast<unsigned char>(v[i]);
    if (c == '\r') {
      if (i + 1 >= v.size() || v[i + 1] != '\n') return false;
      continue;
    }
    if (c == '\n') {
      if (i + 1 >= v.size() || (v[i + 1] != '\t' && v[i + 1] != ' ')) return false;
      continue;
    }
    if (c != '\t' && (c < 0x20 || c >= 0x7f)) return false;
  }
  return true;
}

pipeline::Envelope env(std::string mailFrom, std::string helo = "mail.example.org",
                       std::string clientIp = "192.0.2.7", std::string clientName = "client.example.org",
                       std::string queueId = "4XyZ1") {
  pipeline::Envelope e;
  e.mailFrom = std::move(mailFrom);
  e.helo = std::move(helo);
  e.clientIp = std::move(clientIp);
  e.clientName = std::move(clientName);
  e.queueId = std::move(queueId);
  e.rcpts = {"<bob@example.net>"};
  return e;
}

const std::string kBody = "\r\nhello\r\n";
std::string from(std::string v) { return "From: " + v + "\r\nTo: bob@example.net\r\nSubject: s\r\n"; }

class Injection : public ::testing::TestWithParam<Case> {};

TEST_P(Injection, RepliesHeadersAndLogLinesStaySafe) {
  const Case& c = GetParam();
  config::Config cfg = config::Config::defaults();
  cfg.authserv_id = "mx.example.net";
  cfg.policy_dir = std::string(VOUCH_SOURCE_DIR) + "/policies";
  cfg.policy_name = c.policy;
  std::vector<config::Error> errors;
  auto snap = pipeline::Snapshot::build(std::make_shared<const config::Config>(cfg), hostileDns(), errors);
  ASSERT_NE(snap, nullptr) << (errors.empty() ? "" : errors[0].toString());
  auto session = snap->newSession();
  const auto msg = pipeline::parseStoredMessage(c.message);
  const auto out = pipeline::replay(*session, c.env, msg);

  EXPECT_EQ(out.verdict.action, c.want) << toString(out.verdict.action);
  for (const auto& line : out.verdict.reply.lines) {
    EXPECT_TRUE(oneSafeLine(line)) << "reply: " << line;
    EXPECT_LE(line.size(), 512u);
  }
  EXPECT_TRUE(oneSafeLine(out.verdict.reply.code + out.verdict.reply.enhanced));
  std::size_t inserts = 0;
  for (const auto& e : out.actions.edits()) {
    if (e.kind == core::HeaderEdit::Kind::Delete) continue;
    ++inserts;
    EXPECT_TRUE(safeHeaderValue(e.value)) << e.name << ":" << e.value;
    EXPECT_TRUE(oneSafeLine(e.name));
  }
  if (out.verdict.action == core::Action::Accept || out.verdict.action == core::Action::Quarantine) {
    EXPECT_GE(inserts, 1u) << "an accepted message gets its Authentication-Results";
  }
  // The rendered A-R of the transaction, whether or not it was inserted.
  EXPECT_TRUE(safeHeaderValue(session->transaction().authResults.render()));

  // The per-message log line the milter writes, in both formats.
  for (auto format : {core::LogFormat::Text, core::LogFormat::Json}) {
    auto sink = std::make_unique<CaptureSink>();
    CaptureSink* lines = sink.get();
    core::Logger logger({core::LogTarget::Stderr, format, core::LogLevel::Debug, "vouch"}, std::move(sink));
    milter::MessageRecord rec;
    rec.connection = &session->connection();
    rec.transaction = &session->transaction();
    rec.verdict = out.verdict;
    rec.stage = "eom";
    rec.replyCode = out.verdict.reply.code + " " + out.verdict.reply.enhanced;
    rec.problems = {"hostile\r\nproblem: " + c.env.helo};
    logger.log(core::LogLevel::Info, "message", milter::messageRecordFields(rec));
    logger.logMessage(session->connection(), session->transaction(), 1.0);
    ASSERT_EQ(lines->lines.size(), 2u);
    for (const auto& line : lines->lines) {
      EXPECT_TRUE(oneSafeLine(line)) << line;
      if (format == core::LogFormat::Json) {
        EXPECT_TRUE(nlohmann::json::accept(line)) << line;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, Injection,
    ::testing::Values(
        // SPF fail with an exp= text full of CR/LF, NUL and ESC: rejected at MAIL FROM by
        // the strict policy; the 550 text quotes the explanation, made safe.
        Case{"spf_explanation", "strict",
             env("<evil\r\nX-Injected: lp@example.com>", "mail\r\nX-Injected: helo"),
             from("<a@example.com>") + kBody, core::Action::Reject},
        Case{"local_part_quoted_crlf", "default", env("<\"a\r\nX-Injected: 1\"@example.org>"),
             from("<a@example.org>") + kBody, core::Action::Accept},
        // The HELO identity cannot align with example.org (p=reject): rejected.
        Case{"helo_null_sender", "default", env("<>", "evil.example\r\nX-Injected: helo\x01"),
             from("<a@example.org>") + kBody, core::Action::Reject},
        Case{"dkim_selector_and_domain", "default", env("<a@example.org>"),
             "DKIM-Signature: v=1; a=rsa-sha256; d=example.org\r\n\tX-Injected: d; "
             "s=sel\x01\x7f\r\n X-Injected: s; c=relaxed/relaxed; h=from; bh=AAAA; b=AAAA\r\n" +
                 from("<a@example.org>") + kBody,
             core::Action::Accept},
        Case{"from_domain_control_bytes", "default", env("<a@example.org>"),
             from("\"x\r\nX-Injected: name\" <a@exa\x01mple.org>") + kBody, core::Action::Accept},
        Case{"from_display_name_crlf", "default", env("<a@example.org>"),
             from("\"Boss\r\n\tX-Injected: 1\" <a@example.org>") + kBody, core::Action::Accept},
        Case{"idn_from_domain_reply", "default", env("<a@b\xc3\xbc" "cher.example>"),
             from("<a@b\xc3\xbc" "cher.example>") + kBody, core::Action::Reject},
        Case{"client_name_and_queue_id", "default",
             env("<a@example.org>", "mail.example.org", "192.0.2.7",
                 "evil\nvouch[1]: message queue_id=FAKE action=accept", "Q\r\nX"),
             from("<a@example.org>") + kBody, core::Action::Accept},
        Case{"dmarc_reject_reply", "default", env("<a@example.com>", "mail.example.com", "203.0.113.5"),
             from("\"Boss\r\n X-Injected: 1\x01\" <a@example.com>") + kBody, core::Action::Reject}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace vouch
