// Security: forged Authentication-Results claiming our authserv-id are always removed,
// through the whole pipeline (every check, the monitor policy). Adds the forms that
// tests/unit/core/session_edits_test.cpp does not cover: a version after the id, comments
// holding ';' or nested parentheses before it, odd header-name case, tab and CR-only
// folding, the id glued to the ';'. Look-alikes (suffix, prefix, other hosts) are kept.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "dns/fake_resolver.h"
#include "pipeline/replay.h"
#include "pipeline/snapshot.h"

namespace vouch {
namespace {

struct ArCase {
  std::string name;
  std::string headerName;
  std::string value;  // as the milter sees it (leading space kept)
  bool ours;          // must be deleted
};

class ForgedAr : public ::testing::TestWithParam<ArCase> {};

TEST_P(ForgedAr, OursRemovedOthersKept) {
  const ArCase& c = GetParam();
  config::Config cfg = config::Config::defaults();
  cfg.authserv_id = "mx.example.net";
  cfg.policy_dir = std::string(VOUCH_SOURCE_DIR) + "/policies";
  cfg.policy_name = "monitor";
  std::vector<config::Error> errors;
  auto snap = pipeline::Snapshot::build(std::make_shared<const config::Config>(cfg),
                                        std::make_shared<dns::FakeResolver>(), errors);
  ASSERT_NE(snap, nullptr);
  auto session = snap->newSession();
  pipeline::StoredMessage msg;
  msg.headers = {{"Received", " from a by b"},
                 {c.headerName, c.value},
                 {"From", " <a@example.org>"},
                 {"Authentication-Results", " other.example; spf=pass"}};
  msg.body = "x\r\n";
  pipeline::Envelope env;
  env.clientIp = "192.0.2.9";
  env.helo = "client.example.org";
  env.mailFrom = "<a@example.org>";
  env.rcpts = {"<b@example.net>"};
  const auto out = pipeline::replay(*session, env, msg);
  ASSERT_EQ(out.verdict.action, core::Action::Accept);
  std::vector<std::size_t> deleted;
  std::size_t inserted = 0;
  for (const auto& e : out.actions.edits()) {
    if (e.kind == core::HeaderEdit::Kind::Delete) {
      EXPECT_EQ(e.name, "Authentication-Results");
      deleted.push_back(e.index);
    } else if (e.name == "Authentication-Results") {
      ++inserted;
      EXPECT_EQ(e.value.rfind(" mx.example.net;", 0), 0u) << e.value;
    }
  }
  EXPECT_EQ(inserted, 1u);
  // The forged one is the 1st Authentication-Results; other.example's (2nd) stays.
  EXPECT_EQ(deleted, c.ours ? std::vector<std::size_t>{1} : std::vector<std::size_t>{}) << c.value;
}

INSTANTIATE_TEST_SUITE_P(
    Table, ForgedAr,
    ::testing::Values(
        ArCase{"version_after_id", "Authentication-Results", " mx.example.net 1; dkim=pass", true},
        ArCase{"comment_with_semicolon", "Authentication-Results", " (x; y) mx.example.net; spf=pass", true},
        ArCase{"nested_comment", "Authentication-Results", " (a (b) c)mx.example.net; dmarc=pass", true},
        ArCase{"upper_case_name", "AUTHENTICATION-RESULTS", " MX.EXAMPLE.NET; dkim=pass", true},
        ArCase{"odd_case_name", "aUtHeNtIcAtIoN-rEsUlTs", " Mx.Example.Net;dkim=pass", true},
        ArCase{"tab_folded", "Authentication-Results", "\n\t\tmx.example.net\n\t;\n\tspf=pass", true},
        ArCase{"crlf_folded_comment", "Authentication-Results", "\r\n (forged)\r\n mx.example.net;\r\n dmarc=pass",
               true},
        ArCase{"no_leading_space", "Authentication-Results", "mx.example.net;spf=pass", true},
        ArCase{"quoted_with_escape", "Authentication-Results", " \"mx.exam\\ple.net\"; spf=pass", true},
        ArCase{"id_only_none", "Authentication-Results", " mx.example.net; none", true},
        ArCase{"suffix_lookalike", "Authentication-Results", " evil-mx.example.net; spf=pass", false},
        ArCase{"prefix_lookalike", "Authentication-Results", " mx.example.net.evil; spf=pass", false},
        ArCase{"other_header_name", "X-Authentication-Results", " mx.example.net; spf=pass", false}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace vouch
