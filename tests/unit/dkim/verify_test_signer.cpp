// Test-only signer (see the header). Uses its own DKIM_LIB, never vouch's Library, so the
// verify tests do not depend on the signing code under test elsewhere. OpenSSL objects
// are owned by unique_ptr deleters; keys are made fresh per process (small RSA sizes
// included on purpose: RFC 8301 policy must be exercised).
#include "verify_test_signer.h"

#include "dkim/dkim_library.h"  // libopendkim, with its _Bool mapped
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>
#include <stdexcept>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
// libopendkim leaks the Ed25519 key it loads for signing (tests/sanitizers/lsan.supp).
// libcrypto has no frame pointers, so that suppression only matches with full stacks.
extern "C" const char* __asan_default_options() { return "fast_unwind_on_malloc=0"; }
#endif

namespace vouch::dkim::testing {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct LibClose {
  void operator()(DKIM_LIB* l) const { dkim_close(l); }
};
struct DkimFree {
  void operator()(DKIM* d) const { dkim_free(d); }
};

std::string base64(const unsigned char* data, std::size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  const int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
  out.resize(static_cast<std::size_t>(len));
  return out;
}

std::string privatePem(EVP_PKEY* key) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    throw std::runtime_error("PEM_write_bio_PrivateKey");
  }
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

dkim_canon_t canonOf(const std::string& c) {
  return c == "simple" ? DKIM_CANON_SIMPLE : DKIM_CANON_RELAXED;
}

}  // namespace

std::string TestKey::record() const {
  return std::string("v=DKIM1; k=") + (ed25519 ? "ed25519" : "rsa") + "; p=" + publicB64;
}

TestKey makeRsaKey(unsigned bits) {
  std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_RSA_gen(bits));
  if (!key) throw std::runtime_error("EVP_RSA_gen");
  TestKey k;
  k.bits = bits;
  k.privatePem = privatePem(key.get());
  unsigned char* der = nullptr;
  const int n = i2d_PUBKEY(key.get(), &der);
  if (n <= 0) throw std::runtime_error("i2d_PUBKEY");
  k.publicB64 = base64(der, static_cast<std::size_t>(n));
  OPENSSL_free(der);
  return k;
}

TestKey makeEd25519Key() {
  std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (!key) throw std::runtime_error("ED25519 keygen");
  TestKey k;
  k.ed25519 = true;
  k.privatePem = privatePem(key.get());
  unsigned char raw[32];
  std::size_t len = sizeof raw;
  if (EVP_PKEY_get_raw_public_key(key.get(), raw, &len) != 1) throw std::runtime_error("raw key");
  k.publicB64 = base64(raw, len);
  return k;
}

std::string sampleMessage(const std::string& fromDomain) {
  return "From: Alice <alice@" + fromDomain + ">\r\n"
         "To: Bob <bob@example.net>\r\n"
         "Subject: quarterly report\r\n"
         "Date: Fri, 27 Nov 2026 10:00:00 +0000\r\n"
         "Message-ID: <1234@" + fromDomain + ">\r\n"
         "\r\n"
         "Hello Bob,\r\n"
         "the numbers are attached.\r\n";
}

std::string signMessage(const std::string& message, const TestKey& key, const SignSpec& spec) {
  std::unique_ptr<DKIM_LIB, LibClose> lib(dkim_init(nullptr, nullptr));
  if (!lib) throw std::runtime_error("dkim_init");
  unsigned int minBits = 0;
  dkim_options(lib.get(), DKIM_OP_SETOPT, DKIM_OPTS_MINKEYBITS, &minBits, sizeof minBits);
  if (spec.signTime != 0) {
    std::uint64_t t = spec.signTime;
    dkim_options(lib.get(), DKIM_OP_SETOPT, DKIM_OPTS_FIXEDTIME, &t, sizeof t);
  }
  if (spec.lifetime != 0) {
    std::uint64_t ttl = spec.lifetime;
    dkim_options(lib.get(), DKIM_OP_SETOPT, DKIM_OPTS_SIGNATURETTL, &ttl, sizeof ttl);
  }
  const auto slash = spec.canon.find('/');
  const dkim_alg_t alg = spec.algorithm == "rsa-sha1"         ? DKIM_SIGN_RSASHA1
                         : spec.algorithm == "ed25519-sha256" ? DKIM_SIGN_ED25519SHA256
                                                              : DKIM_SIGN_RSASHA256;
  const std::size_t headerEnd = message.find("\r\n\r\n");
  const std::string body = message.substr(headerEnd + 4);
  ssize_t length = spec.lengthWholeBody ? static_cast<ssize_t>(body.size()) : spec.length;
  DKIM_STAT st = DKIM_STAT_OK;
  std::unique_ptr<DKIM, DkimFree> d(dkim_sign(
      lib.get(), reinterpret_cast<const unsigned char*>("test"), nullptr,
      reinterpret_cast<dkim_sigkey_t>(const_cast<char*>(key.privatePem.c_str())),
      reinterpret_cast<const unsigned char*>(spec.selector.c_str()),
      reinterpret_cast<const unsigned char*>(spec.domain.c_str()),
      canonOf(spec.canon.substr(0, slash)), canonOf(spec.canon.substr(slash + 1)), alg, length, &st));
  if (!d) throw std::runtime_error("dkim_sign: " + std::to_string(st));
  if (!spec.identity.empty()) {
    dkim_set_signer(d.get(), reinterpret_cast<const unsigned char*>(spec.identity.c_str()));
  }
  // Headers: each line (with its folded continuations) without the final CRLF.
  std::size_t pos = 0;
  const std::string headers = message.substr(0, headerEnd + 2);
  while (pos < headers.size()) {
    std::size_t end = pos;
    do {
      end = headers.find("\r\n", end) + 2;
    } while (end < headers.size() && (headers[end] == ' ' || headers[end] == '\t'));
    std::string h = headers.substr(pos, end - pos - 2);
    dkim_header(d.get(), reinterpret_cast<u_char*>(h.data()), h.size());
    pos = end;
  }
  dkim_eoh(d.get());
  std::string b = body;
  dkim_body(d.get(), reinterpret_cast<u_char*>(b.data()), b.size());
  st = dkim_eom(d.get(), nullptr);
  if (st != DKIM_STAT_OK) throw std::runtime_error("dkim_eom (sign): " + std::to_string(st));
  unsigned char* sig = nullptr;
  std::size_t len = 0;
  if (dkim_getsighdr_d(d.get(), 16, &sig, &len) != DKIM_STAT_OK) throw std::runtime_error("getsighdr");
  return "DKIM-Signature: " + std::string(reinterpret_cast<char*>(sig), len) + "\r\n" + message;
}

}  // namespace vouch::dkim::testing
