// Test-only DKIM signer for the verify tests: makes RSA and Ed25519 keys with OpenSSL and
// signs with a private libopendkim handle whose clock (t=) and x= lifetime can be set,
// so every result of the verify side can be produced on demand. Not thread-safe per
// object; each TestSigner owns its own DKIM_LIB. Throws std::runtime_error on set-up
// failure (a broken test environment, not a test result).
#pragma once

#include <cstdint>
#include <string>

namespace vouch::dkim::testing {

struct TestKey {
  std::string privatePem;  // PKCS#8 PEM
  std::string publicB64;   // p= value: SPKI DER for RSA, raw 32 bytes for Ed25519
  bool ed25519 = false;
  unsigned bits = 0;       // RSA modulus size

  std::string record() const;  // "v=DKIM1; k=rsa; p=..."
};

TestKey makeRsaKey(unsigned bits);
TestKey makeEd25519Key();

struct SignSpec {
  std::string domain = "example.org";
  std::string selector = "sel";
  std::string algorithm = "rsa-sha256";  // rsa-sha1 | rsa-sha256 | ed25519-sha256
  std::string canon = "relaxed/relaxed";  // header/body: simple or relaxed
  long long length = -1;                  // l= octets; -1 = no l=
  bool lengthWholeBody = false;           // l= covering the whole body
  std::uint64_t signTime = 0;             // t=; 0 = now
  std::uint64_t lifetime = 0;             // x = t + lifetime; 0 = no x=
  std::string identity;                   // i=, e.g. "@mail.example.org"
};

// A small CRLF message: From/To/Subject/Date/Message-ID and two body lines.
std::string sampleMessage(const std::string& fromDomain = "example.org");

// `message` (CRLF) with a DKIM-Signature header added at the top.
std::string signMessage(const std::string& message, const TestKey& key, const SignSpec& spec);

}  // namespace vouch::dkim::testing
