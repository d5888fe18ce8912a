// milter.socket parsing and socket mode parsing (src/milter/socket_spec.h).
#include "milter/socket_spec.h"

#include <gtest/gtest.h>

namespace vouch::milter {
namespace {

struct SpecCase {
  const char* text;
  bool ok;
  SocketSpec::Kind kind;
  int port;
  std::string host;
  std::string path;
};

TEST(ParseSocketSpec, Table) {
  using K = SocketSpec::Kind;
  const SpecCase cases[] = {
      {"inet:8893@127.0.0.1", true, K::Inet, 8893, "127.0.0.1", ""},
      {"inet6:8893@::1", true, K::Inet6, 8893, "::1", ""},
      {"inet:1@localhost", true, K::Inet, 1, "localhost", ""},
      {"unix:/run/vouch/vouch.sock", true, K::Unix, 0, "", "/run/vouch/vouch.sock"},
      {"local:/var/spool/postfix/vouch/sock", true, K::Unix, 0, "", "/var/spool/postfix/vouch/sock"},
      {"inet:8893", false, K::Inet, 0, "", ""},            // would bind every interface
      {"inet:8893@", false, K::Inet, 0, "", ""},
      {"inet:0@127.0.0.1", false, K::Inet, 0, "", ""},
      {"inet:70000@127.0.0.1", false, K::Inet, 0, "", ""},
      {"inet:88x@127.0.0.1", false, K::Inet, 0, "", ""},
      {"unix:relative.sock", false, K::Unix, 0, "", ""},
      {"tcp:8893@127.0.0.1", false, K::Inet, 0, "", ""},
      {"8893", false, K::Inet, 0, "", ""},
  };
  for (const auto& c : cases) {
    SocketSpec s;
    std::string error;
    EXPECT_EQ(parseSocketSpec(c.text, s, error), c.ok) << c.text;
    if (!c.ok) {
      EXPECT_FALSE(error.empty()) << c.text;
      continue;
    }
    EXPECT_EQ(s.kind, c.kind) << c.text;
    EXPECT_EQ(s.port, c.port) << c.text;
    EXPECT_EQ(s.host, c.host) << c.text;
    EXPECT_EQ(s.path, c.path) << c.text;
    EXPECT_FALSE(s.libmilter.empty()) << c.text;
  }
}

TEST(ParseSocketSpec, InetWithoutHostExplainsWhy) {
  SocketSpec s;
  std::string error;
  ASSERT_FALSE(parseSocketSpec("inet:8893", s, error));
  EXPECT_NE(error.find("every interface"), std::string::npos) << error;
}

TEST(ParseSocketMode, Table) {
  const struct {
    const char* text;
    bool ok;
    mode_t want;
  } cases[] = {
      {"0660", true, 0660}, {"660", true, 0660}, {"0o600", true, 0600}, {"0777", true, 0777},
      {"4755", false, 0},   {"0680", false, 0},  {"", false, 0},        {"rw-rw----", false, 0},
  };
  for (const auto& c : cases) {
    mode_t m = 0;
    EXPECT_EQ(parseSocketMode(c.text, m), c.ok) << c.text;
    if (c.ok) {
      EXPECT_EQ(m, c.want) << c.text;
    }
  }
}

}  // namespace
}  // namespace vouch::milter
