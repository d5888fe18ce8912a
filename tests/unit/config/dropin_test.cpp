// conf.d drop-ins: lexical order, scalar override, dkim arrays append, errors naming the
// right drop-in, the repository layout (main file inside conf.d/), *.example ignored,
// relative key_file paths, and the shipped files themselves.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "config/config.h"
#include "config/describe.h"
#include "temp_dir.h"

namespace vouch::config {
namespace {

using testing::TempDir;

constexpr const char* kKey = "[[dkim.keys]]\nname = \"%s\"\ndomain = \"example.org\"\nselector = \"%s\"\nkey_file = \"%s\"\n";

std::string key(const std::string& name, const std::string& file) {
  char buf[256];
  std::snprintf(buf, sizeof buf, kKey, name.c_str(), name.c_str(), file.c_str());
  return buf;
}

TEST(DropIns, LexicalOrderLaterOverridesScalars) {
  TempDir d;
  const auto main = d.write("vouch.conf", "[dkim]\nmax_signatures = 3\n[dns]\ntimeout_ms = 1000\n");
  d.write("conf.d/20-b.conf", "[dkim]\nmax_signatures = 9\n");
  d.write("conf.d/10-a.conf", "[dkim]\nmax_signatures = 7\n[dns]\ntimeout_ms = 2000\n");
  d.write("conf.d/30-c.conf.example", "[dkim]\nmax_signatures = 40\n");
  d.write("conf.d/notes.txt", "not toml at all [");
  d.write("conf.d/.10-a.conf.swp.conf", "not toml at all [");  // hidden: an editor's
  const auto r = load(main);
  ASSERT_TRUE(r.config) << (r.errors.empty() ? "" : r.errors[0].toString());
  EXPECT_EQ(r.config->dkim_max_signatures, 9);
  EXPECT_EQ(r.config->dns_timeout_ms, 2000);
  ASSERT_EQ(r.config->files.size(), 3u);
  EXPECT_EQ(r.config->files[1], d.path() + "/conf.d/10-a.conf");
  EXPECT_EQ(r.config->files[2], d.path() + "/conf.d/20-b.conf");
  EXPECT_EQ(r.config->origins.at("dkim.max_signatures"), d.path() + "/conf.d/20-b.conf:2");
  EXPECT_EQ(r.config->origins.at("dns.timeout_ms"), d.path() + "/conf.d/10-a.conf:4");
  EXPECT_EQ(r.config->origins.count("spf.enabled"), 0u);
}

TEST(DropIns, DkimTablesAppendAndResolveRelativeToDeclaringFile) {
  TempDir d;
  const auto main = d.write("vouch.conf", key("a", "keys/a.pem") + key("abs", "/srv/k.pem"));
  d.write("conf.d/10-more.conf", key("b", "../keys/b.pem") +
                                     "[[dkim.signing]]\nfrom = [\"*@Example.ORG\", \"Example.NET\", \"Bob@Example.COM\"]\n"
                                     "keys = [\"a\", \"b\"]\n");
  const auto r = load(main);
  ASSERT_TRUE(r.config) << (r.errors.empty() ? "" : r.errors[0].toString());
  ASSERT_EQ(r.config->dkimKeys.size(), 3u);
  EXPECT_EQ(r.config->dkimKeys[0].keyFile, d.path() + "/keys/a.pem");
  EXPECT_EQ(r.config->dkimKeys[1].keyFile, "/srv/k.pem");
  EXPECT_EQ(r.config->dkimKeys[2].keyFile, d.path() + "/keys/b.pem");
  EXPECT_EQ(r.config->dkimKeys[2].origin, d.path() + "/conf.d/10-more.conf:1");
  ASSERT_EQ(r.config->dkimSigning.size(), 1u);
  // Domains are lowercased, local parts kept as written.
  EXPECT_EQ(r.config->dkimSigning[0].from,
            (std::vector<std::string>{"*@example.org", "example.net", "Bob@example.com"}));
  EXPECT_EQ(r.config->dkimSigning[0].keys, (std::vector<std::string>{"a", "b"}));
}

TEST(DropIns, SigningRuleMayNameKeyFromLaterDropIn) {
  TempDir d;
  const auto main = d.write("vouch.conf", "[[dkim.signing]]\nfrom = \".example.org\"\nkeys = \"late\"\n");
  d.write("conf.d/99-keys.conf", key("late", "late.pem"));
  const auto r = load(main);
  EXPECT_TRUE(r.config);
  EXPECT_TRUE(r.errors.empty());
}

TEST(DropIns, ErrorsNameTheDropInAndComeInReadingOrder) {
  TempDir d;
  const auto main = d.write("vouch.conf", "[dkim]\nmax_signatures = 100\n");
  d.write("conf.d/10-a.conf", "\n\n[dns]\ntimeout_ms = 1\n");
  d.write("conf.d/20-b.conf", key("x", "x.pem") + key("x", "y.pem"));
  const auto r = load(main);
  EXPECT_EQ(r.config, nullptr);
  ASSERT_EQ(r.errors.size(), 3u);
  EXPECT_EQ(r.errors[0].toString().substr(0, main.size() + 3), main + ":2:");
  EXPECT_EQ(r.errors[1].file, d.path() + "/conf.d/10-a.conf");
  EXPECT_EQ(r.errors[1].line, 4);
  EXPECT_EQ(r.errors[2].file, d.path() + "/conf.d/20-b.conf");
  EXPECT_EQ(r.errors[2].line, 6);
}

TEST(DropIns, MainFileInsideConfDReadsSiblingsOnceAndNotItself) {
  TempDir d;
  const auto main = d.write("conf.d/vouch.conf", "[dkim]\nmax_signatures = 4\n" + key("k", "k.pem"));
  d.write("conf.d/50-x.conf", "[dns]\ntimeout_ms = 777\n");
  d.write("conf.d/60-y.conf.example", "garbage = [");
  const auto r = load(main);
  ASSERT_TRUE(r.config) << (r.errors.empty() ? "" : r.errors[0].toString());
  EXPECT_EQ(r.config->files.size(), 2u);
  EXPECT_EQ(r.config->dkimKeys.size(), 1u);  // a second read of itself would duplicate "k"
  EXPECT_EQ(r.config->dns_timeout_ms, 777);
}

TEST(DropIns, ShippedMainFileLoads) {
  const auto r = load(VOUCH_SOURCE_DIR "/conf.d/vouch.conf");
  ASSERT_TRUE(r.config) << (r.errors.empty() ? "" : r.errors[0].toString());
  EXPECT_EQ(r.config->policy_name, "monitor");
  EXPECT_EQ(r.config->milter_socket, "inet:8893@127.0.0.1");
  EXPECT_EQ(r.config->files.size(), 1u);  // the repo ships only *.conf.example drop-ins
}

TEST(DropIns, ShippedExamplesAreValidWhenEnabled) {
  for (const char* ex : {"10-signing", "20-dns", "30-policy"}) {
    TempDir d;
    std::ifstream in(std::string(VOUCH_SOURCE_DIR "/conf.d/") + ex + ".conf.example");
    ASSERT_TRUE(in) << ex;
    std::stringstream ss;
    ss << in.rdbuf();
    const auto main = d.write("vouch.conf", "");
    d.write(std::string("conf.d/") + ex + ".conf", ss.str());
    const auto r = load(main);
    EXPECT_TRUE(r.config) << ex << ": " << (r.errors.empty() ? "" : r.errors[0].toString());
  }
}

}  // namespace
}  // namespace vouch::config

namespace vouch::config {
namespace {

// `vouch config show`: the effective configuration is itself a config file giving the
// same values, and names where each non-default value came from.
TEST(Show, EffectiveConfigLoadsBackAndNamesOrigins) {
  testing::TempDir d;
  const auto main = d.write("vouch.conf", "[dkim]\nmax_signatures = 3\n" + key("k", "keys/k.pem") +
                                              "[[dkim.signing]]\nfrom = [\"*@example.org\", \".example.org\"]\nkeys = \"k\"\n");
  d.write("conf.d/10-a.conf", "[dns]\nnameservers = [\"192.0.2.53@5353\"]\n");
  const auto r = load(main);
  ASSERT_TRUE(r.config);
  Config cfg = *r.config;
  std::vector<Error> errors;
  applyOverrides(cfg, {"general.log_target=stderr"}, errors);
  ASSERT_TRUE(errors.empty());

  const std::string shown = describeConfig(cfg, true);
  EXPECT_NE(shown.find("max_signatures = 3  # " + main + ":2"), std::string::npos) << shown;
  EXPECT_NE(shown.find("nameservers = [\"192.0.2.53@5353\"]  # " + d.path() + "/conf.d/10-a.conf:2"), std::string::npos);
  EXPECT_NE(shown.find("log_target = \"stderr\"  # --set"), std::string::npos);
  EXPECT_NE(shown.find("timeout_ms = 5000\n"), std::string::npos);  // defaults carry no origin
  EXPECT_NE(shown.find("key_file = \"" + d.path() + "/keys/k.pem\""), std::string::npos);

  const auto again = loadString(shown, d.path() + "/shown.conf");
  ASSERT_TRUE(again.config) << again.errors[0].toString();
  auto body = [](const std::string& s) { return s.substr(s.find("\n\n[")); };  // past "# read:" lines
  EXPECT_EQ(body(describeConfig(*again.config, false)), body(describeConfig(cfg, false)));
  EXPECT_EQ(again.config->dkimSigning[0].from, cfg.dkimSigning[0].from);
}

}  // namespace
}  // namespace vouch::config

namespace vouch::config {
namespace {

TEST(DropIns, UnreadableDropInFolderIsAnError) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads any folder";
  testing::TempDir d;
  const auto main = d.write("vouch.conf", "");
  d.write("conf.d/10-a.conf", "");
  std::filesystem::permissions(d.path() + "/conf.d", std::filesystem::perms::none);
  const auto r = load(main);
  std::filesystem::permissions(d.path() + "/conf.d", std::filesystem::perms::owner_all);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].file, d.path() + "/conf.d");
  EXPECT_NE(r.errors[0].message.find("drop-in folder cannot be read"), std::string::npos);
}

}  // namespace
}  // namespace vouch::config
