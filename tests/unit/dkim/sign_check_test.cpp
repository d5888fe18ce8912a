// Tests for dkim::SignCheck / SignCheckFactory: which messages get which signatures,
// header edits through core::Actions, the signing-error action, and start-up errors
// for unusable keys (missing, 0644, unknown in a rule) naming file and line.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "core/actions.h"
#include "dkim/sign_check.h"
#include "dns/fake_resolver.h"

namespace vouch::dkim {
namespace {

namespace fs = std::filesystem;

// The value of `tag` in a DKIM-Signature value ("" when absent); folding whitespace dropped.
std::string tagValue(const std::string& sig, const std::string& tag) {
  std::string flat;
  for (char c : sig)
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') flat += c;
  std::size_t pos = 0;
  while (pos < flat.size()) {
    std::size_t end = flat.find(';', pos);
    if (end == std::string::npos) end = flat.size();
    std::string item = flat.substr(pos, end - pos);
    if (item.rfind(tag + "=", 0) == 0) return item.substr(tag.size() + 1);
    pos = end + 1;
  }
  return {};
}

class SignCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/vouch-signcheck-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    rsaFile_ = writeKey("rsa.private", KeyAlgorithm::Rsa, 0600);
    edFile_ = writeKey("ed.private", KeyAlgorithm::Ed25519, 0600);
    cfg_ = config::Config::defaults();
    cfg_.mainFile = dir_ + "/vouch.conf";
    cfg_.dkimKeys = {{"ex-rsa", "example.org", "2026a", rsaFile_, cfg_.mainFile + ":3"},
                     {"ex-ed", "example.org", "2026e", edFile_, cfg_.mainFile + ":8"}};
    cfg_.dkimSigning = {{{"*@example.org", ".example.org"}, {"ex-rsa", "ex-ed"}, cfg_.mainFile + ":13"},
                        {{"solo@example.net"}, {"ex-ed"}, cfg_.mainFile + ":16"}};
    std::string err;
    library_ = Library::create(cfg_, std::make_shared<dns::FakeResolver>(), err);
    ASSERT_TRUE(library_) << err;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string writeKey(const std::string& name, KeyAlgorithm alg, mode_t mode) {
    std::string err;
    auto k = PrivateKey::generate(alg, 2048, err);
    std::string path = dir_ + "/" + name;
    std::ofstream(path) << k->pem();
    ::chmod(path.c_str(), mode);
    return path;
  }

  std::shared_ptr<const SignCheckFactory> factory(std::vector<config::Error>& errors) {
    std::vector<std::string> warnings;
    return SignCheckFactory::build(cfg_, library_, errors, warnings);
  }

  struct Run {
    core::Flow eoh = core::Flow::Continue, body = core::Flow::Continue, eom = core::Flow::Continue;
    core::RecordingActions actions;
    core::Transaction txn;
  };

  void drive(core::Check& check, Run& r, const std::string& from, bool truncated = false) {
    core::Connection conn;
    r.txn.outbound = true;
    r.txn.headersTruncated = truncated;
    if (!from.empty()) r.txn.headers.push_back({"From", " " + from});
    r.txn.headers.push_back({"To", " x@example.com"});
    r.txn.headers.push_back({"Subject", " hello\n\tthere"});
    check.onMailFrom(conn, r.txn);
    r.eoh = check.onEndOfHeaders(conn, r.txn);
    if (r.eoh == core::Flow::Stop) return;
    std::string body = "hi\r\n";
    r.body = check.onBody(conn, r.txn, body);
    r.eom = check.onEndOfMessage(conn, r.txn, r.actions);
  }

  std::string dir_, rsaFile_, edFile_;
  config::Config cfg_;
  std::shared_ptr<Library> library_;
};

TEST_F(SignCheckTest, SignsOutboundMailPerRules) {
  struct Case {
    std::string from;
    bool outbound;
    std::vector<std::string> wantSelectors;  // top-down order of the inserted headers
  };
  const Case cases[] = {
      {"Alice <alice@example.org>", true, {"2026a", "2026e"}},
      {"bob@mail.example.org", true, {"2026a", "2026e"}},
      {"solo@example.net", true, {"2026e"}},
      {"other@example.net", true, {}},
      {"alice@example.org", false, {}},  // inbound mail is never signed
      {"", true, {}},                    // no From: nothing to choose a key by
      {"a@example.org, b@example.com", true, {}},  // two author domains
  };
  std::vector<config::Error> errors;
  auto f = factory(errors);
  ASSERT_TRUE(f) << errors[0].toString();
  for (const auto& c : cases) {
    auto check = f->makeCheck();
    Run r;
    r.txn.outbound = c.outbound;
    core::Connection conn;
    if (!c.from.empty()) r.txn.headers.push_back({"From", " " + c.from});
    r.txn.headers.push_back({"Subject", " s"});
    check->onMailFrom(conn, r.txn);
    r.txn.outbound = c.outbound;
    EXPECT_EQ(check->onEndOfHeaders(conn, r.txn), core::Flow::Continue) << c.from;
    std::string body = "body\r\n";
    EXPECT_EQ(check->onBody(conn, r.txn, body), core::Flow::Continue);
    EXPECT_EQ(check->onEndOfMessage(conn, r.txn, r.actions), core::Flow::Continue);
    std::vector<std::string> got;
    // Edits were recorded as inserts at the top: the last one ends up first.
    for (auto it = r.actions.edits().rbegin(); it != r.actions.edits().rend(); ++it) {
      EXPECT_EQ(it->name, "DKIM-Signature");
      EXPECT_EQ(it->value.substr(0, 1), " ");
      EXPECT_EQ(it->value.find('\r'), std::string::npos);
      got.push_back(tagValue(it->value, "s"));
      EXPECT_EQ(tagValue(it->value, "x"), "") << "no lifetime by default";
      EXPECT_EQ(tagValue(it->value, "d"), "example.org");  // both keys are example.org's
    }
    EXPECT_EQ(got, c.wantSelectors) << c.from;
    EXPECT_FALSE(r.txn.verdict.decided()) << c.from << ": " << r.txn.verdict.reason;
  }
}

TEST_F(SignCheckTest, SigningErrorFollowsTheConfiguredAction) {
  struct Case { std::string action; core::Flow flow; core::Action verdict; };
  const Case cases[] = {{"tempfail", core::Flow::Stop, core::Action::TempFail},
                        {"accept", core::Flow::Continue, core::Action::Continue}};
  for (const auto& c : cases) {
    cfg_.dkim_sign_error_action = c.action;
    std::vector<config::Error> errors;
    auto f = factory(errors);
    ASSERT_TRUE(f);
    auto check = f->makeCheck();
    Run r;
    drive(*check, r, "alice@example.org", /*truncated=*/true);
    EXPECT_EQ(r.eoh, c.flow) << c.action;
    EXPECT_EQ(r.txn.verdict.action, c.verdict) << c.action;
    EXPECT_TRUE(r.actions.edits().empty()) << c.action;
    ASSERT_FALSE(r.txn.findings.notes.empty());
    EXPECT_NE(r.txn.findings.notes[0].find("headers over the limit"), std::string::npos);
    if (c.verdict == core::Action::TempFail) {
      EXPECT_EQ(r.txn.verdict.reply.code, "451");
      EXPECT_EQ(r.txn.verdict.reply.enhanced, "4.3.0");
    }
  }
}

TEST_F(SignCheckTest, SignatureLifetimeAddsXTag) {
  cfg_.dkim_signature_lifetime_s = 3600;
  std::vector<config::Error> errors;
  auto f = factory(errors);
  ASSERT_TRUE(f);
  auto check = f->makeCheck();
  Run r;
  drive(*check, r, "solo@example.net");
  ASSERT_EQ(r.actions.edits().size(), 1u);
  const std::string& v = r.actions.edits()[0].value;
  ASSERT_NE(tagValue(v, "t"), "") << v;
  ASSERT_NE(tagValue(v, "x"), "") << v;
  EXPECT_EQ(std::stol(tagValue(v, "x")) - std::stol(tagValue(v, "t")), 3600);
}

TEST_F(SignCheckTest, WeakRsaKeyIsUsedWithAWarningNamingTheFile) {
  std::string err;
  auto weak = PrivateKey::generate(KeyAlgorithm::Rsa, 1024, err);
  const std::string path = dir_ + "/weak.private";
  std::ofstream(path) << weak->pem();
  ::chmod(path.c_str(), 0600);
  cfg_.dkimKeys[0].keyFile = path;
  std::vector<config::Error> errors;
  std::vector<std::string> warnings;
  auto f = SignCheckFactory::build(cfg_, library_, errors, warnings);
  ASSERT_TRUE(f);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find(path + ": RSA key of 1024 bits is weak"), std::string::npos) << warnings[0];
  EXPECT_EQ(f->keys().find("ex-rsa")->key->bits(), 1024u);
}

TEST_F(SignCheckTest, UnusableKeysAreStartupErrorsNamingFileAndLine) {
  struct Case { std::string name; std::function<void(config::Config&)> breakIt; std::string file; int line; std::string part; };
  const std::string missing = dir_ + "/missing.private";
  const std::string loose = dir_ + "/loose.private";
  writeKey("loose.private", KeyAlgorithm::Ed25519, 0644);
  const Case cases[] = {
      {"missing", [&](config::Config& c) { c.dkimKeys[0].keyFile = missing; }, cfg_.mainFile, 3,
       missing + ": No such file or directory"},
      {"0644", [&](config::Config& c) { c.dkimKeys[1].keyFile = loose; }, cfg_.mainFile, 8,
       loose + ": mode 0644 lets group or others read"},
      {"unknown key", [](config::Config& c) { c.dkimSigning[1].keys = {"nope"}; }, cfg_.mainFile, 16,
       "unknown key \"nope\""},
      {"bad canon", [](config::Config& c) { c.dkim_canonicalization = "loose"; }, cfg_.mainFile, 0,
       "dkim.canonicalization"},
  };
  for (const auto& c : cases) {
    config::Config saved = cfg_;
    c.breakIt(cfg_);
    std::vector<config::Error> errors;
    EXPECT_FALSE(SignCheckFactory::create(cfg_, library_, errors)) << c.name;
    ASSERT_EQ(errors.size(), 1u) << c.name;
    EXPECT_EQ(errors[0].file, c.file) << c.name;
    EXPECT_EQ(errors[0].line, c.line) << c.name;
    EXPECT_NE(errors[0].message.find(c.part), std::string::npos) << c.name << ": " << errors[0].message;
    cfg_ = saved;
  }
  // Signing off: no factory, no error, and the broken key is not even read.
  {
    config::Config saved = cfg_;
    cfg_.dkim_sign = false;
    cfg_.dkimKeys[0].keyFile = missing;
    std::vector<config::Error> errors;
    EXPECT_FALSE(SignCheckFactory::create(cfg_, library_, errors));
    EXPECT_TRUE(errors.empty());
    cfg_ = saved;
  }
  // 0644 is accepted when the admin relaxes it.
  cfg_.dkimKeys[1].keyFile = loose;
  cfg_.dkim_allow_group_readable = true;
  std::vector<config::Error> errors;
  EXPECT_TRUE(SignCheckFactory::create(cfg_, library_, errors));
}

}  // namespace
}  // namespace vouch::dkim
