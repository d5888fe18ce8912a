// Composition-root tests: session options from the config (authserv-id default,
// limits, outbound networks, bad CIDR), and a Snapshot that builds Sessions which run
// a whole message over a fake resolver.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <memory>

#include "dns/fake_resolver.h"
#include "pipeline/session_options.h"
#include "pipeline/snapshot.h"

namespace vouch::pipeline {
namespace {

TEST(SessionOptions, FromDefaults) {
  config::Config cfg = config::Config::defaults();
  std::vector<config::Error> errors;
  core::SessionOptions o = sessionOptionsFrom(cfg, errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(o.authservId, localHostname());
  EXPECT_FALSE(o.authservId.empty());
  EXPECT_EQ(o.maxHeaders, 1000u);
  EXPECT_EQ(o.maxHeaderBytes, 1048576u);
  EXPECT_TRUE(o.signAuthenticated);
  ASSERT_EQ(o.internalNetworks.size(), 2u);  // 127.0.0.0/8 and ::1/128
  EXPECT_TRUE(o.internalNetworks[0].contains(*core::IpAddress::parse("127.0.0.2")));
  EXPECT_TRUE(o.internalNetworks[1].contains(*core::IpAddress::parse("::1")));
}

TEST(SessionOptions, TakesConfiguredValues) {
  config::Config cfg = config::Config::defaults();
  cfg.authserv_id = "mx.example.net";
  cfg.max_headers = 50;
  cfg.max_header_bytes = 8192;
  cfg.sign_authenticated = false;
  cfg.outbound_daemons = {"submission"};
  cfg.internal_networks = {"192.0.2.0/24"};
  std::vector<config::Error> errors;
  core::SessionOptions o = sessionOptionsFrom(cfg, errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(o.authservId, "mx.example.net");
  EXPECT_EQ(o.maxHeaders, 50u);
  EXPECT_EQ(o.maxHeaderBytes, 8192u);
  EXPECT_FALSE(o.signAuthenticated);
  EXPECT_EQ(o.outboundDaemons, std::vector<std::string>{"submission"});
  ASSERT_EQ(o.internalNetworks.size(), 1u);
  EXPECT_EQ(o.internalNetworks[0].prefix, 24u);
}

TEST(SessionOptions, BadCidrIsAnError) {
  config::Config cfg = config::Config::defaults();
  cfg.mainFile = "/etc/vouch/vouch.conf";
  cfg.internal_networks = {"10.0.0.0/8", "10.0.0.0/33", "example.org"};
  std::vector<config::Error> errors;
  core::SessionOptions o = sessionOptionsFrom(cfg, errors);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].file, "/etc/vouch/vouch.conf");
  EXPECT_NE(errors[0].message.find("10.0.0.0/33"), std::string::npos);
  EXPECT_NE(errors[1].message.find("example.org"), std::string::npos);
  EXPECT_EQ(o.internalNetworks.size(), 1u);
}

TEST(Snapshot, RefusesMissingPieces) {
  std::vector<config::Error> errors;
  auto cfg = std::make_shared<const config::Config>(config::Config::defaults());
  EXPECT_EQ(Snapshot::build(nullptr, std::make_shared<dns::FakeResolver>(), errors), nullptr);
  EXPECT_EQ(Snapshot::build(cfg, nullptr, errors), nullptr);
  EXPECT_EQ(errors.size(), 2u);
}

TEST(Snapshot, BadConfigBuildsNothing) {
  config::Config c = config::Config::defaults();
  c.internal_networks = {"not-a-network"};
  std::vector<config::Error> errors;
  auto snap = Snapshot::build(std::make_shared<const config::Config>(c),
                              std::make_shared<dns::FakeResolver>(), errors);
  EXPECT_EQ(snap, nullptr);
  EXPECT_EQ(errors.size(), 1u);
}

TEST(Snapshot, SessionsRunAWholeMessage) {
  config::Config c = config::Config::defaults();
  c.authserv_id = "mx.example.net";
  c.policy_dir = VOUCH_SOURCE_DIR "/policies";
  auto resolver = std::make_shared<dns::FakeResolver>();
  std::vector<config::Error> errors;
  auto snap = Snapshot::build(std::make_shared<const config::Config>(c), resolver, errors);
  for (const auto& e : errors) ADD_FAILURE() << e.toString();
  ASSERT_NE(snap, nullptr);
  EXPECT_EQ(&snap->resolver(), resolver.get());
  EXPECT_EQ(snap->config().authserv_id, "mx.example.net");

  auto session = snap->newSession();
  ASSERT_NE(session, nullptr);
  session->connect("192.0.2.10", "client.example");
  session->helo("client.example");
  session->mailFrom("<>");
  session->rcpt("<postmaster@example.net>");
  session->header("Authentication-Results", " mx.example.net; dkim=pass");
  session->header("From", " someone@example.org");
  session->endOfHeaders();
  const char body[] = "hello\r\n";
  session->body(std::span<const char>(body, sizeof body - 1));
  core::RecordingActions actions;
  core::Verdict v = session->endOfMessage(actions);
  EXPECT_NE(v.action, core::Action::Continue);
  // Whatever the checks found, our header is added and the forged one removed.
  ASSERT_GE(actions.edits().size(), 2u);
  EXPECT_EQ(actions.edits().front().kind, core::HeaderEdit::Kind::Delete);
  EXPECT_EQ(actions.edits().front().index, 1u);
  EXPECT_EQ(actions.edits().back().name, "Authentication-Results");
  EXPECT_EQ(actions.edits().back().value.rfind(" mx.example.net;", 0), 0u);

  auto second = snap->newSession();
  EXPECT_NE(second.get(), session.get());
}

TEST(MakeResolver, ZoneFileAnswersFromTheFile) {
  const std::string path = ::testing::TempDir() + "/vouch_make_resolver.zone";
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("$ORIGIN example.org.\n$TTL 300\n@ IN TXT \"v=spf1 -all\"\n", f);
    std::fclose(f);
  }
  std::string error;
  auto r = makeResolver(config::Config::defaults(), path, error);
  ASSERT_NE(r, nullptr) << error;
  dns::Answer a = r->query("example.org", dns::RrType::TXT, dns::Clock::now() + std::chrono::seconds(5));
  ASSERT_EQ(a.status, dns::Status::Ok);
  EXPECT_EQ(a.records.at(0).text, "v=spf1 -all");
  EXPECT_EQ(r->query("nope.example.org", dns::RrType::TXT, dns::Clock::now()).status,
            dns::Status::NxDomain);
  std::remove(path.c_str());
}

TEST(MakeResolver, MissingZoneFileIsAnError) {
  std::string error;
  auto r = makeResolver(config::Config::defaults(), "/nonexistent/vouch.zone", error);
  EXPECT_EQ(r, nullptr);
  EXPECT_FALSE(error.empty());
}

}  // namespace
}  // namespace vouch::pipeline
