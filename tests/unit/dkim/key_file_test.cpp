// Tests for dkim::PrivateKey: loading with permission and size checks, algorithm read
// from the key itself, DNS record forms (RSA SPKI vs raw Ed25519), zone-line splitting.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "dkim/key_file.h"
#include "dkim/key_record.h"

namespace vouch::dkim {
namespace {

namespace fs = std::filesystem;

class KeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/vouch-keyfile-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text, mode_t mode) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    ::chmod(path.c_str(), mode);
    return path;
  }
  std::string dir_;
};

std::shared_ptr<const PrivateKey> gen(KeyAlgorithm a, unsigned bits) {
  std::string err;
  auto k = PrivateKey::generate(a, bits, err);
  EXPECT_TRUE(k) << err;
  return k;
}

TEST_F(KeyFileTest, LoadsRsaAndEd25519AndReadsAlgorithmFromTheKey) {
  struct Case { KeyAlgorithm alg; unsigned bits; unsigned wantBits; std::string kTag; };
  for (const Case& c : {Case{KeyAlgorithm::Rsa, 2048, 2048, "rsa"},
                        Case{KeyAlgorithm::Ed25519, 0, 256, "ed25519"}}) {
    auto k = gen(c.alg, c.bits);
    std::string path = write("k.private", k->pem(), 0600);
    std::string err;
    std::vector<std::string> warnings;
    auto loaded = PrivateKey::load(path, KeyPolicy{}, err, warnings);
    ASSERT_TRUE(loaded) << err;
    EXPECT_EQ(loaded->algorithm(), c.alg);
    EXPECT_EQ(loaded->bits(), c.wantBits);
    EXPECT_TRUE(warnings.empty());
    EXPECT_EQ(loaded->publicKeyBase64(), k->publicKeyBase64());
    KeyRecord rec = parseKeyRecord(loaded->dnsRecord());
    EXPECT_EQ(rec.error, "");
    EXPECT_EQ(rec.keyType, c.kTag);
    EXPECT_EQ(rec.publicKey, k->publicKeyBase64());
  }
}

TEST_F(KeyFileTest, Ed25519RecordIsTheRaw32ByteKeyAndRsaIsSpki) {
  auto ed = gen(KeyAlgorithm::Ed25519, 0);
  EXPECT_EQ(ed->publicKeyBase64().size(), 44u);  // base64 of 32 bytes
  auto rsa = gen(KeyAlgorithm::Rsa, 2048);
  EXPECT_EQ(rsa->publicKeyBase64().rfind("MIIBIjAN", 0), 0u);  // SPKI DER of RSA-2048
}

TEST_F(KeyFileTest, PermissionsSizeAndContentAreChecked) {
  auto k = gen(KeyAlgorithm::Ed25519, 0);
  auto weak = gen(KeyAlgorithm::Rsa, 1024);
  auto tiny = gen(KeyAlgorithm::Rsa, 768);
  struct Case {
    std::string name; std::string text; mode_t mode; bool allowGroup;
    bool ok; std::string errorPart; std::size_t warnings;
  };
  const Case cases[] = {
      {"mode 0600", k->pem(), 0600, false, true, "", 0},
      {"mode 0400", k->pem(), 0400, false, true, "", 0},
      {"mode 0644", k->pem(), 0644, false, false, "mode 0644 lets group or others read", 0},
      {"mode 0640", k->pem(), 0640, false, false, "mode 0640", 0},
      {"mode 0640 allowed", k->pem(), 0640, true, true, "", 0},
      {"mode 0604 allowed", k->pem(), 0604, true, true, "", 0},
      {"group writable", k->pem(), 0620, true, false, "lets group or others write", 0},
      {"garbage", "hello\n", 0600, false, false, "not a PEM private key", 0},
      {"rsa 1024 warns", weak->pem(), 0600, false, true, "", 1},
      {"rsa 768 refused", tiny->pem(), 0600, false, false, "768 bits is under 1024", 0},
  };
  for (const auto& c : cases) {
    std::string path = write("case.private", c.text, c.mode);
    std::string err;
    std::vector<std::string> warnings;
    KeyPolicy policy;
    policy.allowGroupReadable = c.allowGroup;
    auto loaded = PrivateKey::load(path, policy, err, warnings);
    EXPECT_EQ(static_cast<bool>(loaded), c.ok) << c.name << ": " << err;
    if (!c.ok) {
      EXPECT_NE(err.find(c.errorPart), std::string::npos) << c.name << ": " << err;
      EXPECT_NE(err.find(path), std::string::npos) << c.name << ": error must name the file";
    }
    EXPECT_EQ(warnings.size(), c.warnings) << c.name;
    fs::remove(path);
  }
}

TEST_F(KeyFileTest, MissingFileAndDirectoryAreErrorsNamingThePath) {
  std::string err;
  std::vector<std::string> warnings;
  EXPECT_FALSE(PrivateKey::load(dir_ + "/nope.private", KeyPolicy{}, err, warnings));
  EXPECT_NE(err.find(dir_ + "/nope.private: No such file"), std::string::npos) << err;
  ::chmod(dir_.c_str(), 0700);
  EXPECT_FALSE(PrivateKey::load(dir_, KeyPolicy{}, err, warnings));
  EXPECT_NE(err.find("not a regular file"), std::string::npos) << err;
}

TEST_F(KeyFileTest, AcceptsPkcs1RsaPem) {
  auto k = gen(KeyAlgorithm::Rsa, 2048);
  // Re-encode as traditional "BEGIN RSA PRIVATE KEY" (what opendkim-genkey writes).
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  ASSERT_EQ(PEM_write_bio_PrivateKey_traditional(bio.get(), k->get(), nullptr, nullptr, 0,
                                                 nullptr, nullptr), 1);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  std::string pkcs1(data, static_cast<std::size_t>(n));
  ASSERT_NE(pkcs1.find("BEGIN RSA PRIVATE KEY"), std::string::npos);
  std::string err;
  auto again = PrivateKey::fromPem(pkcs1, err);
  ASSERT_TRUE(again) << err;
  EXPECT_EQ(again->publicKeyBase64(), k->publicKeyBase64());
  EXPECT_NE(again->pem().find("BEGIN PRIVATE KEY"), std::string::npos);
}

TEST(ZoneLine, SplitsLongRecordsInto255ByteStrings) {
  struct Case { std::string text; std::string want; };
  const std::string a255(255, 'a');
  const Case cases[] = {
      {"v=DKIM1; p=x", "\"v=DKIM1; p=x\""},
      {"", "\"\""},
      {a255, "\"" + a255 + "\""},
      {a255 + "bc", "\"" + a255 + "\" \"bc\""},
  };
  for (const auto& c : cases) EXPECT_EQ(zoneQuoted(c.text), c.want);

  std::string err;
  auto rsa = PrivateKey::generate(KeyAlgorithm::Rsa, 2048, err);
  ASSERT_TRUE(rsa);
  std::string line = zoneLine(*rsa, "example.org", "2026a");
  EXPECT_EQ(line.rfind("2026a._domainkey.example.org. IN TXT \"v=DKIM1; k=rsa; p=MIIB", 0), 0u)
      << line;
  EXPECT_NE(line.find("\" \""), std::string::npos) << "RSA-2048 record needs two strings";
}

}  // namespace
}  // namespace vouch::dkim
