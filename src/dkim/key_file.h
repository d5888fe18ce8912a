// PrivateKey: one DKIM signing key (RSA or Ed25519) loaded with OpenSSL 3, with the
// checks vouch applies before it will sign with it: file permissions, key size, type.
// Owns its EVP_PKEY (RAII) and a PEM copy for libopendkim, wiped on destruction.
// Immutable once built; share it as std::shared_ptr<const PrivateKey> across threads.
// Key files are trusted admin input but checked anyway; every failure is an error
// string naming the file, never an exception and never a silent skip.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/evp.h>

namespace vouch::dkim {

enum class KeyAlgorithm { Rsa, Ed25519 };

// "rsa" / "ed25519": the k= value of the DNS record.
std::string_view toString(KeyAlgorithm a);
// "rsa-sha256" / "ed25519-sha256": the a= value of our signatures.
std::string_view signAlgorithm(KeyAlgorithm a);

struct EvpPkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;

// What a key must satisfy. RFC 8301: RSA keys under 1024 bits must not be used; under
// 2048 they are weak (warned, still used).
struct KeyPolicy {
  bool allowGroupReadable = false;
  unsigned minRsaBits = 1024;
  unsigned weakRsaBits = 2048;
};

class PrivateKey {
 public:
  // Reads and checks `path`. On failure returns null with `error` set ("key file P: ...");
  // advisories (weak RSA) are appended to `warnings`.
  static std::shared_ptr<const PrivateKey> load(const std::string& path, const KeyPolicy& policy,
                                                std::string& error,
                                                std::vector<std::string>& warnings);
  // Parses PEM text (PKCS#8 or PKCS#1). No permission or size policy applied.
  static std::shared_ptr<const PrivateKey> fromPem(std::string_view pem, std::string& error);
  // A fresh key: RSA of `bits` bits, or Ed25519 (bits ignored).
  static std::shared_ptr<const PrivateKey> generate(KeyAlgorithm algorithm, unsigned bits,
                                                    std::string& error);

  PrivateKey(EvpPkeyPtr key, KeyAlgorithm algorithm, std::string pem);
  ~PrivateKey();
  PrivateKey(const PrivateKey&) = delete;
  PrivateKey& operator=(const PrivateKey&) = delete;

  KeyAlgorithm algorithm() const { return algorithm_; }
  // RSA modulus size; 256 for Ed25519.
  unsigned bits() const;
  // The p= value: base64 of the SubjectPublicKeyInfo (RSA) or of the raw 32-byte key
  // (Ed25519, RFC 8463 section 4.2).
  std::string publicKeyBase64() const;
  // "v=DKIM1; k=rsa; p=..." as published under selector._domainkey.domain.
  std::string dnsRecord() const;
  // PKCS#8 PEM of the private key, NUL-terminated, as libopendkim's dkim_sign() wants.
  const std::string& pem() const { return pem_; }
  EVP_PKEY* get() const { return key_.get(); }

 private:
  EvpPkeyPtr key_;
  KeyAlgorithm algorithm_;
  std::string pem_;
};

// Splits a TXT payload into RFC 1035 character-strings of at most 255 bytes, quoted
// for a zone file: "\"part1\" \"part2\"".
std::string zoneQuoted(std::string_view text);

// The zone-file line publishing `key`: `sel._domainkey.dom. IN TXT "v=DKIM1; ..."`.
std::string zoneLine(const PrivateKey& key, std::string_view domain, std::string_view selector);

}  // namespace vouch::dkim
