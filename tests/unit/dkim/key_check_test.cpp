// Tests for dkim::checkPublishedKey: what `vouch testkey` says about each kind of
// published record (good, missing, revoked, mismatch, wrong k=, weak, h=/s=, t=y).
#include <gtest/gtest.h>

#include "dkim/key_check.h"

namespace vouch::dkim {
namespace {

dns::Answer txt(std::vector<std::string> texts) {
  dns::Answer a;
  a.status = dns::Status::Ok;
  for (auto& t : texts) {
    dns::Record r;
    r.text = t;
    r.strings = {t};
    a.records.push_back(std::move(r));
  }
  return a;
}

dns::Answer status(dns::Status s) {
  dns::Answer a;
  a.status = s;
  return a;
}

TEST(CheckPublishedKey, ReportsEachProblem) {
  std::string err;
  auto rsa = PrivateKey::generate(KeyAlgorithm::Rsa, 2048, err);
  auto weak = PrivateKey::generate(KeyAlgorithm::Rsa, 1024, err);
  auto ed = PrivateKey::generate(KeyAlgorithm::Ed25519, 0, err);
  auto other = PrivateKey::generate(KeyAlgorithm::Ed25519, 0, err);
  ASSERT_TRUE(rsa && weak && ed && other);
  const std::string edP = ed->publicKeyBase64();
  struct Case {
    std::string name;
    const PrivateKey* key;
    dns::Answer answer;
    std::string problem;  // "" = good; else a substring of the only problem
    std::string note;
  };
  const Case cases[] = {
      {"rsa good", rsa.get(), txt({rsa->dnsRecord()}), "", ""},
      {"ed good", ed.get(), txt({ed->dnsRecord()}), "", ""},
      {"ed good, t=y", ed.get(), txt({"v=DKIM1; k=ed25519; t=y; p=" + edP}), "", "t=y"},
      {"ed good, h=sha256 s=email", ed.get(), txt({"v=DKIM1; k=ed25519; h=sha256; s=email; p=" + edP}), "", ""},
      {"nxdomain", ed.get(), status(dns::Status::NxDomain), "missing: no such name", ""},
      {"nodata", ed.get(), status(dns::Status::NoData), "missing: the name has no TXT", ""},
      {"servfail", ed.get(), status(dns::Status::ServFail), "DNS lookup failed", ""},
      {"timeout", ed.get(), status(dns::Status::Timeout), "DNS lookup failed", ""},
      {"two records", ed.get(), txt({ed->dnsRecord(), ed->dnsRecord()}), "several TXT records (2)", ""},
      {"revoked", ed.get(), txt({"v=DKIM1; k=ed25519; p="}), "revoked", ""},
      {"mismatch", ed.get(), txt({other->dnsRecord()}), "mismatch", ""},
      {"wrong k", ed.get(), txt({"v=DKIM1; k=rsa; p=" + edP}), "wrong k=rsa (the private key is ed25519)", ""},
      {"k defaults to rsa", ed.get(), txt({"v=DKIM1; p=" + edP}), "wrong k=rsa", ""},
      {"weak rsa", weak.get(), txt({weak->dnsRecord()}), "weak: RSA 1024 bits", ""},
      {"malformed", ed.get(), txt({"v=DKIM1; k=ed25519"}), "malformed record: no p=", ""},
      {"sha1 only", ed.get(), txt({"v=DKIM1; k=ed25519; h=sha1; p=" + edP}), "h= does not allow sha256", ""},
      {"wrong service", ed.get(), txt({"v=DKIM1; k=ed25519; s=tlsrpt; p=" + edP}), "s= does not include email", ""},
  };
  for (const auto& c : cases) {
    PublishedKeyReport r = checkPublishedKey(*c.key, c.answer);
    if (c.problem.empty()) {
      EXPECT_TRUE(r.ok()) << c.name << ": " << (r.problems.empty() ? "" : r.problems[0]);
    } else {
      ASSERT_EQ(r.problems.size(), 1u) << c.name;
      EXPECT_NE(r.problems[0].find(c.problem), std::string::npos) << c.name << ": " << r.problems[0];
    }
    if (c.note.empty()) {
      EXPECT_TRUE(r.notes.empty()) << c.name;
    } else {
      ASSERT_EQ(r.notes.size(), 1u) << c.name;
      EXPECT_NE(r.notes[0].find(c.note), std::string::npos) << c.name;
    }
  }
}

}  // namespace
}  // namespace vouch::dkim
