// Session tests for what comes out of a message: forged Authentication-Results removal
// (indices, highest first, mixed case, folded, past the header limit), header limits,
// client classification, envelope parsing, abort then a new message.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/session.h"

namespace vouch::core {
namespace {

// Inserts a DKIM-Signature at end of message, like the signer does; counts aborts.
class SignerLike final : public Check {
 public:
  int aborts = 0;
  int headersSeen = 0;
  std::string_view name() const override { return "signer"; }
  Flow onHeader(Connection&, Transaction&, const Header&) override {
    ++headersSeen;
    return Flow::Continue;
  }
  Flow onEndOfMessage(Connection&, Transaction&, Actions& a) override {
    a.insertHeaderTop("DKIM-Signature", " v=1; d=example.org");
    return Flow::Continue;
  }
  void onAbort(Connection&, Transaction&) override { ++aborts; }
};

struct Fixture {
  SignerLike* signer = nullptr;
  std::unique_ptr<Session> session;
  explicit Fixture(SessionOptions o) {
    std::vector<std::unique_ptr<Check>> checks;
    auto s = std::make_unique<SignerLike>();
    signer = s.get();
    checks.push_back(std::move(s));
    session = std::make_unique<Session>(std::move(o), std::move(checks), nullptr);
  }
  static SessionOptions options(std::string id = "MX.Example.NET") {
    SessionOptions o;
    o.authservId = std::move(id);
    return o;
  }
};

std::vector<std::size_t> deletedIndices(const RecordingActions& a) {
  std::vector<std::size_t> out;
  for (const auto& e : a.edits()) {
    if (e.kind == HeaderEdit::Kind::Delete) {
      EXPECT_EQ(e.name, "Authentication-Results");
      out.push_back(e.index);
    }
  }
  return out;
}

struct ForgedCase {
  std::string name;
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<std::size_t> wantDeleted;
};

class ForgedTest : public ::testing::TestWithParam<ForgedCase> {};

TEST_P(ForgedTest, DeletesOursHighestFirst) {
  auto opts = Fixture::options();
  opts.maxHeaders = 10;
  Fixture f(opts);
  f.session->connect("192.0.2.1", "c");
  f.session->mailFrom("<a@example.org>");
  for (const auto& [n, v] : GetParam().headers) f.session->header(n, v);
  RecordingActions actions;
  ASSERT_EQ(f.session->endOfMessage(actions).action, Action::Accept);
  EXPECT_EQ(deletedIndices(actions), GetParam().wantDeleted);
  // Deletions come first, then the signer's insert, then our A-R on top of it.
  ASSERT_GE(actions.edits().size(), 2u);
  const auto& last = actions.edits().back();
  const auto& before = actions.edits()[actions.edits().size() - 2];
  EXPECT_EQ(before.name, "DKIM-Signature");
  EXPECT_EQ(last.name, "Authentication-Results");
  EXPECT_EQ(last.value, " MX.Example.NET; none");
}

const std::string kAr = "Authentication-Results";
INSTANTIATE_TEST_SUITE_P(
    Table, ForgedTest,
    ::testing::Values(
        ForgedCase{"none_present", {{"Subject", " hi"}}, {}},
        ForgedCase{"other_host_kept", {{kAr, " other.example; spf=pass"}}, {}},
        ForgedCase{"several_copies",
                   {{kAr, " mx.example.net; spf=pass"},
                    {kAr, " other.example; dkim=pass"},
                    {kAr, " MX.EXAMPLE.NET ; dkim=pass"},
                    {"Received", " from x"},
                    {kAr, "\n\tmx.example.net;\n\tdmarc=pass"},
                    {"authentication-results", " (c) mx.example.net; x=y"},
                    {"X-Authentication-Results", " mx.example.net; spf=pass"},
                    {kAr, " mx.example.net.evil; spf=pass"}},
                   {5, 4, 3, 1}},
        ForgedCase{"quoted_and_crlf_folded",
                   {{kAr, " \"mx.example.net\"; spf=pass"},
                    {kAr, "\r\n mx.example.net\r\n ; spf=pass"}},
                   {2, 1}},
        ForgedCase{"past_the_header_limit",
                   {{"A", " 1"}, {"B", " 2"}, {"C", " 3"}, {"D", " 4"}, {"E", " 5"},
                    {"F", " 6"}, {"G", " 7"}, {"H", " 8"}, {"I", " 9"}, {"J", " 10"},
                    {kAr, " mx.example.net; dkim=pass"}},
                   {1}}),
    [](const auto& info) { return info.param.name; });

TEST(SessionLimits, KeepsCountingPastMaxHeaders) {
  auto opts = Fixture::options();
  opts.maxHeaders = 3;
  Fixture f(opts);
  f.session->mailFrom("<>");
  for (int i = 0; i < 5; ++i) f.session->header("X-N", " v");
  const Transaction& t = f.session->transaction();
  EXPECT_EQ(t.headers.size(), 3u);
  EXPECT_EQ(t.headerCount, 5u);
  EXPECT_EQ(t.headerBytes, 5u * 5u);
  EXPECT_TRUE(t.headersTruncated);
  EXPECT_EQ(f.signer->headersSeen, 5);
}

TEST(SessionLimits, StopsKeepingPastMaxHeaderBytes) {
  auto opts = Fixture::options();
  opts.maxHeaderBytes = 20;
  Fixture f(opts);
  f.session->mailFrom("<>");
  f.session->header("Subject", " 0123456789");  // 18 bytes
  f.session->header("To", " x");                // 21: over
  f.session->header("Cc", "");                  // small, but already truncated
  const Transaction& t = f.session->transaction();
  ASSERT_EQ(t.headers.size(), 1u);
  EXPECT_EQ(t.headers[0].name, "Subject");
  EXPECT_TRUE(t.headersTruncated);
  EXPECT_EQ(t.headerCount, 3u);
}

struct ClassCase {
  std::string name;
  std::string ip;
  std::string authUser;
  std::string daemon;
  bool signAuthenticated;
  ClientClass want;
};

class ClassifyTest : public ::testing::TestWithParam<ClassCase> {};

TEST_P(ClassifyTest, Classifies) {
  const auto& c = GetParam();
  auto opts = Fixture::options();
  opts.internalNetworks = {*Cidr::parse("10.0.0.0/8"), *Cidr::parse("2001:db8::/32")};
  opts.outboundDaemons = {"submission"};
  opts.signAuthenticated = c.signAuthenticated;
  Fixture f(opts);
  f.session->connect(c.ip, "client");
  f.session->connection().authUser = c.authUser;
  f.session->connection().daemonName = c.daemon;
  f.session->mailFrom("<a@example.org>");
  EXPECT_EQ(f.session->connection().clientClass, c.want);
  EXPECT_EQ(f.session->transaction().outbound, c.want != ClientClass::External);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ClassifyTest,
    ::testing::Values(
        ClassCase{"external", "192.0.2.1", "", "smtpd", true, ClientClass::External},
        ClassCase{"authenticated", "192.0.2.1", "alice", "smtpd", true, ClientClass::Authenticated},
        ClassCase{"auth_not_signed", "192.0.2.1", "alice", "smtpd", false, ClientClass::External},
        ClassCase{"auth_not_signed_internal", "10.1.1.1", "alice", "", false, ClientClass::Internal},
        ClassCase{"internal_v4", "10.9.8.7", "", "", true, ClientClass::Internal},
        ClassCase{"internal_mapped", "::ffff:10.9.8.7", "", "", true, ClientClass::Internal},
        ClassCase{"internal_v6", "2001:db8::5", "", "", true, ClientClass::Internal},
        ClassCase{"outbound_daemon", "192.0.2.1", "", "submission", true, ClientClass::Internal},
        ClassCase{"daemon_case_matters", "192.0.2.1", "", "Submission", true, ClientClass::External},
        ClassCase{"unknown_ip", "unknown", "", "", true, ClientClass::External}),
    [](const auto& info) { return info.param.name; });

struct EnvelopeCase {
  std::string raw;
  std::string want;
};

class EnvelopeTest : public ::testing::TestWithParam<EnvelopeCase> {};

TEST_P(EnvelopeTest, StripsBrackets) {
  Fixture f(Fixture::options());
  f.session->mailFrom(GetParam().raw);
  EXPECT_EQ(f.session->transaction().mailFrom, GetParam().want);
  EXPECT_EQ(f.session->transaction().mailFromRaw, GetParam().raw);
  f.session->rcpt(GetParam().raw);
  EXPECT_EQ(f.session->transaction().rcpts.back(), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(Table, EnvelopeTest,
                         ::testing::Values(EnvelopeCase{"<a@example.org>", "a@example.org"},
                                           EnvelopeCase{"a@example.org", "a@example.org"},
                                           EnvelopeCase{"<>", ""}, EnvelopeCase{"", ""},
                                           EnvelopeCase{" <x@y.example> ", "x@y.example"},
                                           EnvelopeCase{"<@r1,@r2:u@d.example>", "u@d.example"}));

TEST(SessionConnect, UnmapsAndDropsBadAddresses) {
  Fixture f(Fixture::options());
  f.session->connect("::ffff:192.0.2.9", "c");
  EXPECT_EQ(f.session->connection().clientIp, "192.0.2.9");
  f.session->connect("unknown", "c");
  EXPECT_EQ(f.session->connection().clientIp, "");
}

TEST(SessionAbort, NewMessageOnSameConnectionStartsClean) {
  Fixture f(Fixture::options());
  f.session->connect("192.0.2.1", "c");
  f.session->mailFrom("<a@example.org>");
  f.session->rcpt("<b@example.net>");
  f.session->header(kAr, " mx.example.net; spf=pass");
  f.session->abort();
  EXPECT_EQ(f.signer->aborts, 1);
  EXPECT_TRUE(f.session->transaction().rcpts.empty());
  EXPECT_TRUE(f.session->transaction().headers.empty());

  f.session->mailFrom("<c@example.org>");
  EXPECT_EQ(f.session->connection().messages, 2u);
  f.session->header("Subject", " second");
  RecordingActions actions;
  EXPECT_EQ(f.session->endOfMessage(actions).action, Action::Accept);
  EXPECT_TRUE(deletedIndices(actions).empty());  // the first message's A-R is gone
  EXPECT_EQ(f.session->transaction().mailFrom, "c@example.org");
  EXPECT_EQ(f.session->transaction().headers.size(), 1u);
}

}  // namespace
}  // namespace vouch::core
