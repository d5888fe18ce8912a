// Loading, generating and describing DKIM private keys with OpenSSL 3 (see key_file.h).
// Files are opened once and checked through the open descriptor (fstat) so the
// permission check and the read see the same file. OpenSSL objects never escape an
// RAII owner; the PEM copy is wiped with OPENSSL_cleanse when the key goes away.
// Errors are strings naming the file; nothing here throws except std::bad_alloc.
#include "dkim/key_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

namespace vouch::dkim {

namespace {

// Key files are a few KB; anything bigger is not a key and is not read whole.
constexpr std::size_t kMaxKeyFileBytes = 64 * 1024;

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

std::string opensslError() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(code, buf, sizeof buf);
  return buf;
}

std::string base64(const unsigned char* data, std::size_t len) {
  std::string out(4 * ((len + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data,
                          static_cast<int>(len));
  out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return out;
}

// Refuses a passphrase prompt: an encrypted key cannot be used unattended.
int noPassphrase(char*, int, int, void*) { return 0; }

std::string modeText(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

}  // namespace

std::string_view toString(KeyAlgorithm a) {
  return a == KeyAlgorithm::Rsa ? "rsa" : "ed25519";
}

std::string_view signAlgorithm(KeyAlgorithm a) {
  return a == KeyAlgorithm::Rsa ? "rsa-sha256" : "ed25519-sha256";
}

PrivateKey::PrivateKey(EvpPkeyPtr key, KeyAlgorithm algorithm, std::string pem)
    : key_(std::move(key)), algorithm_(algorithm), pem_(std::move(pem)) {}

PrivateKey::~PrivateKey() {
  if (!pem_.empty()) OPENSSL_cleanse(pem_.data(), pem_.size());
}

unsigned PrivateKey::bits() const {
  int b = EVP_PKEY_get_bits(key_.get());
  return b > 0 ? static_cast<unsigned>(b) : 0;
}

std::string PrivateKey::publicKeyBase64() const {
  if (algorithm_ == KeyAlgorithm::Ed25519) {
    unsigned char raw[64];
    std::size_t len = sizeof raw;
    if (EVP_PKEY_get_raw_public_key(key_.get(), raw, &len) != 1) return {};
    return base64(raw, len);
  }
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(key_.get(), &der);
  if (len <= 0) return {};
  std::string out = base64(der, static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

std::string PrivateKey::dnsRecord() const {
  return "v=DKIM1; k=" + std::string(toString(algorithm_)) + "; p=" + publicKeyBase64();
}

std::shared_ptr<const PrivateKey> PrivateKey::fromPem(std::string_view pem, std::string& error) {
  BioPtr in(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!in) {
    error = "out of memory";
    return nullptr;
  }
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(in.get(), nullptr, noPassphrase, nullptr));
  if (!key) {
    error = "not a PEM private key, or encrypted (" + opensslError() + ")";
    return nullptr;
  }
  KeyAlgorithm algorithm;
  switch (EVP_PKEY_get_base_id(key.get())) {
    case EVP_PKEY_RSA: algorithm = KeyAlgorithm::Rsa; break;
    case EVP_PKEY_ED25519: algorithm = KeyAlgorithm::Ed25519; break;
    default:
      error = "key type is neither RSA nor Ed25519";
      return nullptr;
  }
  // Re-encode as PKCS#8 so libopendkim always gets the one form it parses for both types.
  BioPtr out(BIO_new(BIO_s_mem()));
  if (!out || PEM_write_bio_PrivateKey(out.get(), key.get(), nullptr, nullptr, 0, nullptr,
                                       nullptr) != 1) {
    error = "cannot re-encode key (" + opensslError() + ")";
    return nullptr;
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(out.get(), &data);
  std::string text(data, static_cast<std::size_t>(len > 0 ? len : 0));
  OPENSSL_cleanse(data, static_cast<std::size_t>(len > 0 ? len : 0));
  return std::make_shared<const PrivateKey>(std::move(key), algorithm, std::move(text));
}

std::shared_ptr<const PrivateKey> PrivateKey::load(const std::string& path,
                                                   const KeyPolicy& policy, std::string& error,
                                                   std::vector<std::string>& warnings) {
  const std::string where = "key file " + path + ": ";
  FdCloser fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY)};
  if (fd.fd < 0) {
    error = where + std::strerror(errno);
    return nullptr;
  }
  struct stat st {};
  if (::fstat(fd.fd, &st) != 0) {
    error = where + std::strerror(errno);
    return nullptr;
  }
  if (!S_ISREG(st.st_mode)) {
    error = where + "not a regular file";
    return nullptr;
  }
  if (st.st_mode & (S_IWGRP | S_IWOTH)) {
    error = where + "mode " + modeText(st.st_mode) +
            " lets group or others write it; chmod 600 it";
    return nullptr;
  }
  if ((st.st_mode & (S_IRGRP | S_IROTH)) && !policy.allowGroupReadable) {
    error = where + "mode " + modeText(st.st_mode) +
            " lets group or others read the private key; chmod 600 it "
            "(or set dkim.allow_group_readable_keys = true)";
    return nullptr;
  }
  if (static_cast<std::size_t>(st.st_size) > kMaxKeyFileBytes) {
    error = where + "larger than 64 KiB, not a key";
    return nullptr;
  }
  std::string text(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t got = 0;
  while (got < text.size()) {
    ssize_t n = ::read(fd.fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      OPENSSL_cleanse(text.data(), text.size());
      error = where + (n < 0 ? std::strerror(errno) : "file shrank while reading");
      return nullptr;
    }
    got += static_cast<std::size_t>(n);
  }
  std::string why;
  auto key = fromPem(text, why);
  OPENSSL_cleanse(text.data(), text.size());
  if (!key) {
    error = where + why;
    return nullptr;
  }
  if (key->algorithm() == KeyAlgorithm::Rsa) {
    unsigned bits = key->bits();
    if (bits < policy.minRsaBits) {
      error = where + "RSA key of " + std::to_string(bits) + " bits is under " +
              std::to_string(policy.minRsaBits) + " bits (RFC 8301); refused";
      return nullptr;
    }
    if (bits < policy.weakRsaBits) {
      warnings.push_back(where + "RSA key of " + std::to_string(bits) + " bits is weak; use " +
                         std::to_string(policy.weakRsaBits) + " bits or more");
    }
  }
  return key;
}

std::shared_ptr<const PrivateKey> PrivateKey::generate(KeyAlgorithm algorithm, unsigned bits,
                                                       std::string& error) {
  EVP_PKEY* raw = algorithm == KeyAlgorithm::Rsa
                      ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits))
                      : EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (!raw) {
    error = "key generation failed (" + opensslError() + ")";
    return nullptr;
  }
  EvpPkeyPtr key(raw);
  BioPtr out(BIO_new(BIO_s_mem()));
  if (!out || PEM_write_bio_PrivateKey(out.get(), key.get(), nullptr, nullptr, 0, nullptr,
                                       nullptr) != 1) {
    error = "cannot encode key (" + opensslError() + ")";
    return nullptr;
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(out.get(), &data);
  std::string text(data, static_cast<std::size_t>(len > 0 ? len : 0));
  OPENSSL_cleanse(data, static_cast<std::size_t>(len > 0 ? len : 0));
  return std::make_shared<const PrivateKey>(std::move(key), algorithm, std::move(text));
}

std::string zoneQuoted(std::string_view text) {
  std::string out;
  constexpr std::size_t kMaxString = 255;  // RFC 1035 character-string
  for (std::size_t pos = 0; pos < text.size() || pos == 0; pos += kMaxString) {
    if (!out.empty()) out += ' ';
    out += '"';
    for (char c : text.substr(pos, kMaxString)) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
    if (text.empty()) break;
  }
  return out;
}

std::string zoneLine(const PrivateKey& key, std::string_view domain, std::string_view selector) {
  std::string owner = std::string(selector) + "._domainkey." + std::string(domain);
  if (owner.back() != '.') owner += '.';
  return owner + " IN TXT " + zoneQuoted(key.dnsRecord());
}

}  // namespace vouch::dkim
