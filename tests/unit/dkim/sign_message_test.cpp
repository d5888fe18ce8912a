// Tests for dkim::MessageSigner and the self-check: RSA and Ed25519 signatures made in
// one pass, verified by libopendkim through the Library's DNS hooks (FakeResolver
// serving the derived records); header-line conversion; a wrong key fails the check.
#include <gtest/gtest.h>

#include "dkim/dkim_library.h"  // first: it includes <opendkim/dkim.h> portably

#include "config/config.h"
#include "dkim/sign_message.h"
#include "dkim/sign_body_hash.h"
#include "dkim/sign_self_check.h"
#include "dns/fake_resolver.h"

namespace vouch::dkim {
namespace {

struct Msg {
  std::vector<std::pair<std::string, std::string>> headers;  // value with LEADSPC, LF folding
  std::string body;                                          // CRLF
};

const Msg kMessage{{{"From", " Alice <alice@example.org>"},
                    {"To", " bob@example.net"},
                    {"Subject", " a folded\n\tsubject line"},
                    {"Date", " Fri, 27 Nov 2026 11:00:00 +0000"},
                    {"X-Unsigned", " not in the list"}},
                   "Hello\r\n\r\nsecond paragraph  with  spaces \r\n\r\n\r\n"};

// A record as DNS carries it: character-strings of at most 255 octets.
std::vector<std::string> txtStrings(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t pos = 0; pos < text.size(); pos += 255) out.push_back(text.substr(pos, 255));
  return out;
}

KeyEntry makeKey(std::string name, KeyAlgorithm alg, std::string selector) {
  std::string err;
  auto k = PrivateKey::generate(alg, 2048, err);
  EXPECT_TRUE(k) << err;
  return KeyEntry{std::move(name), "example.org", std::move(selector), "/mem", k};
}

class SignTest : public ::testing::Test {
 protected:
  void SetUp() override {
    resolver_ = std::make_shared<dns::FakeResolver>();
    std::string err;
    library_ = Library::create(config::Config::defaults(), resolver_, err);
    ASSERT_TRUE(library_) << err;
    rsa_ = makeKey("rsa", KeyAlgorithm::Rsa, "r1");
    ed_ = makeKey("ed", KeyAlgorithm::Ed25519, "e1");
    resolver_->addTxt("r1._domainkey.example.org", txtStrings(rsa_.key->dnsRecord()));
    resolver_->addTxt("e1._domainkey.example.org", txtStrings(ed_.key->dnsRecord()));
  }

  std::vector<SignedHeader> sign(const Msg& m, std::vector<const KeyEntry*> keys,
                                 bool selfCheck = true) {
    MessageSigner s(library_, Canonicalization{}, selfCheck);
    std::string err;
    EXPECT_TRUE(s.start(keys, "T1", err)) << err;
    for (const auto& [n, v] : m.headers) EXPECT_TRUE(s.header(n, v, err)) << err;
    EXPECT_TRUE(s.endOfHeaders(err)) << err;
    // Feed the body in awkward pieces, as the milter splits it anywhere.
    for (std::size_t i = 0; i < m.body.size(); i += 7)
      EXPECT_TRUE(s.body(std::span<const char>(m.body).subspan(i, std::min<std::size_t>(7, m.body.size() - i)), err)) << err;
    std::vector<SignedHeader> out;
    EXPECT_TRUE(s.finish(out, err)) << err;
    return out;
  }

  // Verifies with libopendkim over the DNS hooks: returns one "domain/selector=pass|fail".
  std::vector<std::string> verify(const Msg& m, const std::vector<SignedHeader>& sigs) {
    DKIM_STAT st;
    DKIM* v = dkim_verify(library_->handle(), reinterpret_cast<const unsigned char*>("v"),
                          nullptr, &st);
    EXPECT_NE(v, nullptr);
    std::vector<std::string> lines;
    for (const auto& s : sigs) lines.push_back(libHeaderLine("DKIM-Signature", s.value));
    for (const auto& [n, val] : m.headers) lines.push_back(libHeaderLine(n, val));
    for (auto& l : lines) dkim_header(v, reinterpret_cast<unsigned char*>(l.data()), l.size());
    KeyLookupContext ctx;
    ctx.deadline = dns::Clock::now() + std::chrono::seconds(5);
    std::vector<std::string> out;
    {
      KeyLookupService::Binding bind(library_->keyLookup(), ctx);
      dkim_eoh(v);
      std::string body = m.body;
      dkim_body(v, reinterpret_cast<unsigned char*>(body.data()), body.size());
      dkim_eom(v, nullptr);
    }
    DKIM_SIGINFO** list = nullptr;
    int n = 0;
    dkim_getsiglist(v, &list, &n);
    for (int i = 0; i < n; ++i) {
      out.push_back(std::string(reinterpret_cast<const char*>(dkim_sig_getselector(list[i]))) +
                    "=" + (DKIM_SIG_CHECK(list[i]) ? "pass" : "fail"));
    }
    dkim_free(v);
    return out;
  }

  std::shared_ptr<dns::FakeResolver> resolver_;
  std::shared_ptr<Library> library_;
  KeyEntry rsa_, ed_;
};

TEST_F(SignTest, DualSignatureBothVerify) {
  auto sigs = sign(kMessage, {&rsa_, &ed_});
  ASSERT_EQ(sigs.size(), 2u);
  EXPECT_EQ(sigs[0].algorithm, "rsa-sha256");
  EXPECT_EQ(sigs[1].algorithm, "ed25519-sha256");
  for (const auto& s : sigs) {
    EXPECT_EQ(s.value.substr(0, 1), " ");
    EXPECT_EQ(s.value.find('\r'), std::string::npos);
    EXPECT_NE(s.value.find("d=example.org"), std::string::npos);
    EXPECT_NE(s.value.find("c=relaxed/relaxed"), std::string::npos);
    EXPECT_EQ(s.value.find("x-unsigned"), std::string::npos) << "only listed headers are signed";
    // From is oversigned: it appears twice in h= while present once.
    auto h = s.wireValue.find("h=");
    while (h != std::string::npos && h > 0 && s.wireValue[h - 1] == 'b') h = s.wireValue.find("h=", h + 1);
    ASSERT_NE(h, std::string::npos);
    std::string hlist = s.wireValue.substr(h, s.wireValue.find(';', h) - h);
    for (char& ch : hlist) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    std::size_t froms = 0;
    for (auto p = hlist.find("from"); p != std::string::npos; p = hlist.find("from", p + 1)) ++froms;
    EXPECT_EQ(froms, 2u) << hlist;
  }
  EXPECT_EQ(verify(kMessage, sigs), (std::vector<std::string>{"r1=pass", "e1=pass"}));
  // A changed body breaks both: the verifier is really checking.
  Msg changed = kMessage;
  changed.body += "tampered\r\n";
  EXPECT_EQ(verify(changed, sigs), (std::vector<std::string>{"r1=fail", "e1=fail"}));
  // An added From breaks both too (oversigning).
  Msg extraFrom = kMessage;
  extraFrom.headers.push_back({"From", " mallory@example.com"});
  EXPECT_EQ(verify(extraFrom, sigs), (std::vector<std::string>{"r1=fail", "e1=fail"}));
}

TEST_F(SignTest, EmptyBodyAndNoSelfCheck) {
  Msg empty{kMessage.headers, ""};
  auto sigs = sign(empty, {&ed_}, false);
  ASSERT_EQ(sigs.size(), 1u);
  EXPECT_EQ(verify(empty, sigs), std::vector<std::string>{"e1=pass"});
}

TEST_F(SignTest, SelfCheckRejectsWrongKeyChangedHeaderAndWrongBodyHash) {
  for (const KeyEntry* key : {&rsa_, &ed_}) {
    auto sigs = sign(kMessage, {key});
    ASSERT_EQ(sigs.size(), 1u);
    std::vector<std::string> lines;
    for (const auto& [n, v] : kMessage.headers) lines.push_back(libHeaderLine(n, v));
    BodyHasher bh(true);
    bh.update(kMessage.body);
    const std::string hash = bh.finish();
    std::string why;
    EXPECT_TRUE(selfCheckSignature(*key->key, sigs[0].wireValue, lines, hash, why)) << why;
    KeyEntry other = makeKey("x", key->key->algorithm(), key->selector);
    EXPECT_FALSE(selfCheckSignature(*other.key, sigs[0].wireValue, lines, hash, why));
    EXPECT_NE(why.find("does not verify"), std::string::npos) << why;
    std::vector<std::string> changed = lines;
    changed[2] = "Subject: another subject";
    EXPECT_FALSE(selfCheckSignature(*key->key, sigs[0].wireValue, changed, hash, why));
    // An unsigned header may change; a signed one may not be added (From is oversigned).
    changed = lines;
    changed[4] = "X-Unsigned: changed";
    EXPECT_TRUE(selfCheckSignature(*key->key, sigs[0].wireValue, changed, hash, why)) << why;
    changed.push_back("From: mallory@example.com");
    EXPECT_FALSE(selfCheckSignature(*key->key, sigs[0].wireValue, changed, hash, why));
    EXPECT_FALSE(selfCheckSignature(*key->key, sigs[0].wireValue, lines, "AAAA", why));
    EXPECT_NE(why.find("bh="), std::string::npos) << why;
  }
  EXPECT_EQ(resolver_->queryCount(), 0u) << "the self-check never asks DNS";
}

TEST(LibHeaderLine, MakesCrlfFoldingAndKeepsLeadingSpace) {
  struct Case { std::string name, value, want; };
  const Case cases[] = {
      {"Subject", " hi", "Subject: hi"},
      {"Subject", "hi", "Subject:hi"},
      {"Subject", " a\n\tb", "Subject: a\r\n\tb"},
      {"Subject", " a\r\n\tb", "Subject: a\r\n\tb"},
      {"Subject", " a\n b\n", "Subject: a\r\n b"},
      {"X", "", "X:"},
  };
  for (const auto& c : cases) EXPECT_EQ(libHeaderLine(c.name, c.value), c.want) << c.value;
}

TEST(Canonicalization, Parses) {
  struct Case { std::string text; bool ok, h, b; };
  const Case cases[] = {{"relaxed/relaxed", true, true, true}, {"relaxed/simple", true, true, false},
                        {"simple/relaxed", true, false, true}, {"simple", true, false, false},
                        {"relaxed", true, true, false},       {"loose/relaxed", false, true, true},
                        {"relaxed/", false, true, true}};
  for (const auto& c : cases) {
    Canonicalization out;
    EXPECT_EQ(Canonicalization::parse(c.text, out), c.ok) << c.text;
    if (c.ok) {
      EXPECT_EQ(out.relaxedHeader, c.h) << c.text;
      EXPECT_EQ(out.relaxedBody, c.b) << c.text;
    }
  }
}

}  // namespace
}  // namespace vouch::dkim
