// DKIM signing interop: vouch's RSA-2048 and Ed25519 signatures (both on each message,
// relaxed/relaxed and simple/simple) over a varied message set are verified by an
// independent verifier (python3-dkim, records handed over by its dnsfunc) and by our own
// verifier (dkim::verifyMessage); dkimpy's signatures are verified by ours the other way.
// A tampered message must fail in both, so the verifiers are really checking.
#include <openssl/evp.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "config/config.h"
#include "dkim/sign_message.h"
#include "dkim/verify_message.h"
#include "dns/fake_resolver.h"

namespace vouch::dkim {
namespace {

namespace fs = std::filesystem;

const std::string kTool = std::string(VOUCH_SOURCE_DIR) + "/tests/conformance/dkim_sign/dkimpy_tool.py";

struct TestMessage {
  std::string name;
  std::string text;  // as a client would submit it (LF or CRLF line ends)
};

std::string repeat(const std::string& s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

std::vector<TestMessage> messages() {
  const std::string base = "From: Alice <alice@example.org>\nTo: bob@example.net\n"
                           "Subject: hello\nDate: Fri, 27 Nov 2026 11:00:00 +0000\n"
                           "Message-ID: <1@example.org>\n";
  std::vector<TestMessage> m = {
      {"plain", base + "\nHello Bob.\n"},
      {"folded-headers", "From: Alice\n <alice@example.org>\nTo: bob@example.net,\n\tcarol@example.net,\n"
                         "   dave@example.net\nSubject: a subject\n\tfolded   twice\n  and thrice\n"
                         "Date: Fri, 27 Nov 2026 11:00:00 +0000\n\nbody\n"},
      {"long-lines", "From: alice@example.org\nTo: bob@example.net\nSubject: " + repeat("long ", 180) +
                         "\n\n" + repeat("x", 5000) + "\n" + repeat("word ", 3000) + "\n"},
      {"empty-body", base + "\n"},
      {"no-body-separator", base},
      {"trailing-blank-lines", base + "\ntext\n\n\n\n\n"},
      {"eight-bit", "From: =?utf-8?q?J=C3=B6rg?= <joerg@example.org>\nTo: bob@example.net\n"
                    "Subject: caf\xc3\xa9 \xe2\x82\xac\n\nGr\xc3\xbc\xc3\x9f""e aus K\xf6ln \xff\xfe\n"},
      {"whitespace", "From: alice@example.org\nTo:bob@example.net\nSubject:\t  lots   of \t space  \n\n"
                     "  leading\ntrailing  \t\nin   between\t\tthere\n \n\t\n"},
      {"repeated-and-odd-case", "Received: from a by b\nReceived: from c by d\nFROM: alice@example.org\n"
                                "to: bob@example.net\nCc: c1@example.net\nCc: c2@example.net\n"
                                "subject: mixed case\nReply-To: r@example.org\nX-Mailer: t\n\nbody\n"},
      {"no-final-newline", base + "\nlast line without newline"},
      {"big-body", base + "\n" + repeat(repeat("0123456789", 7) + "\n", 3000)},
      {"already-signed", "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=x; h=from; bh=AAAA; b=AAAA\n" +
                             base + "\nforwarded\n"},
      {"dot-lines", base + "\n.\n..\n.hidden\n"},
  };
  // The same message submitted with CRLF line ends must sign identically well.
  std::string crlf;
  for (char c : base + "\nCRLF body\n\n") {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  m.push_back({"crlf-input", crlf});
  return m;
}

// What Postfix hands a milter: header values after the colon (leading space kept,
// continuation lines joined with bare LF) and a CRLF body.
struct MilterView {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

MilterView milterView(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  MilterView v;
  std::size_t i = 0;
  for (; i < lines.size() && !lines[i].empty(); ++i) {
    if ((lines[i][0] == ' ' || lines[i][0] == '\t') && !v.headers.empty()) {
      v.headers.back().second += "\n" + lines[i];
    } else {
      auto colon = lines[i].find(':');
      v.headers.push_back({lines[i].substr(0, colon), lines[i].substr(colon + 1)});
    }
  }
  for (++i; i < lines.size(); ++i) {
    // The last element is what followed the final newline ("" when text ends with one).
    if (i + 1 == lines.size() && lines[i].empty()) break;
    v.body += lines[i] + "\r\n";
  }
  return v;
}

// The delivered message: our DKIM-Signature headers on top, everything CRLF.
std::string delivered(const std::vector<SignedHeader>& sigs, const MilterView& v) {
  auto crlf = [](const std::string& s) {
    std::string out;
    for (char c : s) {
      if (c == '\n') out += '\r';
      out += c;
    }
    return out;
  };
  std::string out;
  for (const auto& s : sigs) out += "DKIM-Signature:" + crlf(s.value) + "\r\n";
  for (const auto& [n, val] : v.headers) out += n + ":" + crlf(val) + "\r\n";
  return out + "\r\n" + v.body;
}

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int rc = ::pclose(p);
  EXPECT_TRUE(WIFEXITED(rc) && WEXITSTATUS(rc) == 0) << cmd;
  return out;
}

class SignInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/vouch-sign-interop-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    std::string err;
    resolver_ = std::make_shared<dns::FakeResolver>();
    library_ = Library::create(config::Config::defaults(), resolver_, err);
    ASSERT_TRUE(library_) << err;
    rsa_ = KeyEntry{"rsa", "example.org", "rsa2026", "/mem", PrivateKey::generate(KeyAlgorithm::Rsa, 2048, err)};
    ed_ = KeyEntry{"ed", "example.org", "ed2026", "/mem", PrivateKey::generate(KeyAlgorithm::Ed25519, 0, err)};
    ASSERT_TRUE(rsa_.key && ed_.key) << err;
    std::ofstream rec(dir_ + "/records.json");
    rec << "{";
    bool first = true;
    for (const KeyEntry* k : {&rsa_, &ed_}) {
      const std::string name = k->selector + "._domainkey." + k->domain;
      const std::string text = k->key->dnsRecord();
      std::vector<std::string> strings;
      for (std::size_t p = 0; p < text.size(); p += 255) strings.push_back(text.substr(p, 255));
      resolver_->addTxt(name, strings);
      rec << (first ? "" : ",") << "\"" << name << "\": \"" << text << "\"";
      first = false;
    }
    rec << "}";
  }
  void TearDown() override { fs::remove_all(dir_); }

  HeaderPolicy policy_ = HeaderPolicy::fromConfig(config::Config::defaults());

  // Signs with `keys` (default: RSA and Ed25519). Empty result and `error` on failure.
  std::vector<SignedHeader> sign(const MilterView& v, Canonicalization canon,
                                 std::vector<const KeyEntry*> keys = {}, std::string* error = nullptr) {
    if (keys.empty()) keys = {&rsa_, &ed_};
    MessageSigner s(library_, canon, /*selfCheck=*/true, policy_);
    std::string err;
    EXPECT_TRUE(s.start(keys, "interop", err)) << err;
    for (const auto& [n, val] : v.headers) EXPECT_TRUE(s.header(n, val, err)) << err;
    EXPECT_TRUE(s.endOfHeaders(err)) << err;
    for (std::size_t p = 0; p < v.body.size(); p += 65535)
      EXPECT_TRUE(s.body(std::span<const char>(v.body).subspan(p, std::min<std::size_t>(65535, v.body.size() - p)), err));
    std::vector<SignedHeader> out;
    const bool ok = s.finish(out, err);
    if (error != nullptr) *error = err;
    else EXPECT_TRUE(ok) << err;
    return out;
  }

  std::string write(const std::string& name, const std::string& data) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << data;
    return path;
  }

  // Results by path, e.g. {"pass", "pass"}.
  std::map<std::string, std::vector<std::string>> pythonVerify(const std::vector<std::string>& paths) {
    std::string cmd = "/usr/bin/python3 " + kTool + " verify " + dir_ + "/records.json";
    for (const auto& p : paths) cmd += " " + p;
    std::map<std::string, std::vector<std::string>> out;
    std::istringstream lines(run(cmd));
    for (std::string line; std::getline(lines, line);) {
      std::istringstream words(line);
      std::string path, r;
      words >> path;
      while (words >> r) out[path].push_back(r);
    }
    return out;
  }

  std::vector<std::string> ourVerify(const std::string& message) {
    std::vector<std::string> out;
    for (const auto& f : verifyMessage(library_, VerifyOptions{}, message))
      out.push_back(f.selector + "=" + std::string(core::toString(f.result)));
    return out;
  }

  std::string dir_;
  std::shared_ptr<dns::FakeResolver> resolver_;
  std::shared_ptr<Library> library_;
  KeyEntry rsa_, ed_;
};

TEST_F(SignInterop, OurSignaturesPassPythonDkimAndOurVerifier) {
  // Ed25519 through vouch's own signer; RSA through it too (dkim.rsa_signer = "native",
  // the default) and through libopendkim ("libopendkim"): all four c=.
  struct Run { const char* canon; bool withEd; bool nativeRsa; };
  for (const Run run : {Run{"relaxed/relaxed", true, true}, Run{"relaxed/simple", true, true},
                        Run{"simple/simple", true, true}, Run{"simple/relaxed", true, true},
                        Run{"relaxed/relaxed", true, false}, Run{"simple/simple", true, false}}) {
    policy_.nativeRsa = run.nativeRsa;
    Canonicalization canon;
    ASSERT_TRUE(Canonicalization::parse(run.canon, canon));
    std::vector<const KeyEntry*> keys = {&rsa_};
    std::vector<std::string> want = {"rsa2026=pass"};
    if (run.withEd) {
      keys.push_back(&ed_);
      want.push_back("ed2026=pass");
    }
    std::vector<std::string> paths;
    std::map<std::string, std::string> names;
    for (const auto& m : messages()) {
      MilterView v = milterView(m.text);
      auto sigs = sign(v, canon, keys);
      ASSERT_EQ(sigs.size(), keys.size()) << run.canon << " " << m.name;
      const std::string msg = delivered(sigs, v);
      paths.push_back(write(m.name + "." + std::to_string(paths.size()) + ".eml", msg));
      names[paths.back()] = m.name;
      auto ours = ourVerify(msg);
      ours.resize(keys.size());  // "already-signed" carries a foreign signature below ours
      EXPECT_EQ(ours, want) << run.canon << " " << m.name;
    }
    auto py = pythonVerify(paths);
    for (const auto& p : paths) {
      ASSERT_TRUE(py.count(p)) << names[p];
      std::vector<std::string> got = py[p];
      got.resize(keys.size());
      EXPECT_EQ(got, std::vector<std::string>(keys.size(), "pass")) << run.canon << " " << names[p];
    }
  }
}

TEST_F(SignInterop, TamperedMessagesFailEverywhere) {
  MilterView v = milterView(messages()[0].text);
  auto sigs = sign(v, Canonicalization{});
  MilterView body = v, header = v;
  body.body += "P.S. added later\r\n";
  header.headers[2].second = " hello (edited)";
  for (const MilterView* t : {&body, &header}) {
    const std::string msg = delivered(sigs, *t);
    const std::string path = write("tampered.eml", msg);
    EXPECT_EQ(pythonVerify({path})[path], (std::vector<std::string>{"fail", "fail"}));
    EXPECT_EQ(ourVerify(msg), (std::vector<std::string>{"rsa2026=fail", "ed2026=fail"}));
  }
}

TEST_F(SignInterop, PythonDkimSignaturesPassOurVerifier) {
  // dkimpy takes an Ed25519 private key as base64 of its 32-byte seed.
  unsigned char seed[32];
  std::size_t len = sizeof seed;
  ASSERT_EQ(EVP_PKEY_get_raw_private_key(ed_.key->get(), seed, &len), 1);
  std::string b64(45, '\0');
  b64.resize(static_cast<std::size_t>(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), seed, 32)));
  const std::string rsaKey = write("rsa.pem", rsa_.key->pem());
  const std::string edKey = write("ed.key", b64);
  for (const auto& m : messages()) {
    if (m.name == "already-signed") continue;  // dkimpy would put its signature above the foreign one anyway
    MilterView v = milterView(m.text);
    const std::string plain = write("plain.eml", delivered({}, v));
    for (const auto& [key, sel, alg] : {std::tuple{rsaKey, rsa_.selector, "rsa"}, std::tuple{edKey, ed_.selector, "ed25519"}}) {
      const std::string signedMsg =
          run("/usr/bin/python3 " + kTool + " sign " + key + " example.org " + sel + " " + alg + " " + plain);
      auto ours = ourVerify(signedMsg);
      ASSERT_EQ(ours.size(), 1u) << m.name << " " << alg;
      EXPECT_EQ(ours[0], sel + "=pass") << m.name << " " << alg;
    }
  }
}

}  // namespace
}  // namespace vouch::dkim
