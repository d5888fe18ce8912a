// DKIM interop: vouch's verifier against an independent signer (python3-dkim, run as a
// subprocess through tests/conformance/dkim/dkimpy_sign.py with fresh keys in a temp
// dir) for rsa-sha256 and ed25519-sha256 in several canonicalizations, the same messages
// with one body byte or one signed header changed, and the published examples of
// RFC 6376 (A.2) and RFC 8463 (A.3) with their key records served from zone files.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "config/config.h"
#include "dkim/dkim_library.h"
#include "dkim/verify_message.h"
#include "dns/fake_resolver.h"
#include "dns/zone_resolver.h"

namespace vouch::dkim {
namespace {

namespace fs = std::filesystem;
using core::Result;

const std::string kScript = std::string(VOUCH_SOURCE_DIR) + "/tests/conformance/dkim/dkimpy_sign.py";
const std::string kVectors = std::string(VOUCH_SHARED_DIR) + "/vectors";

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void writeFile(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

std::string quote(const std::string& s) { return "'" + s + "'"; }

// Runs /usr/bin/python3 with the signer script; true when it exited 0.
bool runSigner(const std::vector<std::string>& args) {
  std::string cmd = "/usr/bin/python3 " + quote(kScript);
  for (const auto& a : args) cmd += " " + quote(a);
  const int rc = std::system(cmd.c_str());
  return rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0;
}

std::string replaceOnce(std::string s, const std::string& from, const std::string& to) {
  const auto pos = s.find(from);
  if (pos != std::string::npos) s.replace(pos, from.size(), to);
  return s;
}

const std::string kMessage =
    "From: Carol <carol@example.org>\r\n"
    "To: Dave <dave@example.net>\r\n"
    "Subject: interop check\r\n"
    "Date: Fri, 27 Nov 2026 09:00:00 +0000\r\n"
    "Message-ID: <interop-1@example.org>\r\n"
    "\r\n"
    "First line of the body.\r\n"
    "Second  line\twith  spaces.  \r\n"
    "\r\n";

class DkimpyInterop : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("vouch-dkim-interop-" + std::to_string(::getpid())));
    fs::create_directories(*dir_);
    keysOk_ = runSigner({"keygen", dir_->string()});
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(*dir_, ec);
    delete dir_;
    dir_ = nullptr;
  }

  // Signs kMessage with dkimpy; empty on failure.
  static std::string dkimpySign(const std::string& algorithm, const std::string& canon,
                                const std::string& selector) {
    const fs::path in = *dir_ / "in.eml";
    const fs::path out = *dir_ / ("out-" + selector + "-" + canon.substr(0, 1) + canon.substr(canon.find('/') + 1, 1) + ".eml");
    writeFile(in, kMessage);
    const std::string key = (*dir_ / (algorithm == "ed25519-sha256" ? "ed.seed" : "rsa.pem")).string();
    if (!runSigner({"sign", key, algorithm, canon, selector, "example.org", in.string(), out.string()})) return {};
    return readFile(out);
  }

  std::vector<core::DkimFinding> verify(const std::string& message) {
    auto resolver = std::make_shared<dns::FakeResolver>();
    resolver->addTxt("rsa._domainkey.example.org", "v=DKIM1; k=rsa; p=" + readFile(*dir_ / "rsa.p"));
    resolver->addTxt("ed._domainkey.example.org", "v=DKIM1; k=ed25519; p=" + readFile(*dir_ / "ed.p"));
    std::string error;
    auto lib = Library::create(config::Config::defaults(), resolver, error);
    EXPECT_TRUE(lib) << error;
    return lib ? verifyMessage(lib, VerifyOptions{}, message) : std::vector<core::DkimFinding>{};
  }

  static fs::path* dir_;
  static bool keysOk_;
};

fs::path* DkimpyInterop::dir_ = nullptr;
bool DkimpyInterop::keysOk_ = false;

struct Variant {
  std::string algorithm;
  std::string canon;
  std::string selector;
};

const std::vector<Variant> kVariants = {
    {"rsa-sha256", "relaxed/relaxed", "rsa"},
    {"rsa-sha256", "simple/simple", "rsa"},
    {"rsa-sha256", "relaxed/simple", "rsa"},
    {"ed25519-sha256", "relaxed/relaxed", "ed"},
    {"ed25519-sha256", "simple/simple", "ed"},
};

TEST_F(DkimpyInterop, SignaturesVerifyAndTamperingFails) {
  ASSERT_TRUE(keysOk_) << "dkimpy key generation failed";
  for (const auto& v : kVariants) {
    SCOPED_TRACE(v.algorithm + " " + v.canon);
    const std::string signedMsg = dkimpySign(v.algorithm, v.canon, v.selector);
    ASSERT_FALSE(signedMsg.empty()) << "dkimpy signing failed";

    auto ok = verify(signedMsg);
    ASSERT_EQ(ok.size(), 1u);
    EXPECT_EQ(ok[0].result, Result::Pass) << ok[0].reason;
    EXPECT_EQ(ok[0].algorithm, v.algorithm);
    EXPECT_EQ(ok[0].domain, "example.org");
    EXPECT_EQ(ok[0].selector, v.selector);

    auto body = verify(replaceOnce(signedMsg, "First line", "First linE"));
    ASSERT_EQ(body.size(), 1u);
    EXPECT_EQ(body[0].result, Result::Fail) << body[0].reason;

    auto header = verify(replaceOnce(signedMsg, "Subject: interop check", "Subject: interop check!"));
    ASSERT_EQ(header.size(), 1u);
    EXPECT_EQ(header[0].result, Result::Fail) << header[0].reason;
  }
}

struct Vector {
  std::string folder;
  std::vector<std::string> selectors;  // expected, in header order
};

class PublishedExamples : public ::testing::TestWithParam<Vector> {};

TEST_P(PublishedExamples, EverySignaturePasses) {
  const Vector& v = GetParam();
  std::string error;
  auto resolver = dns::ZoneResolver::fromFile(kVectors + "/" + v.folder + "/keys.zone", error);
  ASSERT_TRUE(resolver) << error;
  auto lib = Library::create(config::Config::defaults(), resolver, error);
  ASSERT_TRUE(lib) << error;
  const auto got = verifyMessage(lib, VerifyOptions{}, readFile(kVectors + "/" + v.folder + "/message.eml"));
  ASSERT_EQ(got.size(), v.selectors.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    SCOPED_TRACE(got[i].selector);
    EXPECT_EQ(got[i].selector, v.selectors[i]);
    EXPECT_EQ(got[i].result, Result::Pass) << got[i].reason;
  }
}

INSTANTIATE_TEST_SUITE_P(Rfc, PublishedExamples,
                         ::testing::Values(Vector{"rfc6376", {"brisbane"}},
                                           Vector{"rfc8463", {"brisbane", "test"}}),
                         [](const auto& info) { return info.param.folder; });

}  // namespace
}  // namespace vouch::dkim
