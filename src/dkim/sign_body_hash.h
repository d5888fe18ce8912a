// BodyHasher: an independent, streaming RFC 6376 body canonicalizer and SHA-256 hasher
// (3.4.3 simple, 3.4.4 relaxed) used by the signing self-check to confirm the bh= that
// libopendkim wrote. Owns one EVP_MD_CTX (RAII). One message, one thread. The body is
// untrusted and streamed in chunks split anywhere; memory use is constant (nothing is
// buffered but a pending CR and a count of trailing empty lines). Never throws.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include <openssl/evp.h>

namespace vouch::dkim {

class BodyHasher {
 public:
  explicit BodyHasher(bool relaxed);
  ~BodyHasher();
  BodyHasher(const BodyHasher&) = delete;
  BodyHasher& operator=(const BodyHasher&) = delete;

  void update(std::span<const char> chunk);
  // base64 of the SHA-256 of the canonical body; "" if OpenSSL failed.
  std::string finish();

 private:
  void emit(std::string_view bytes);
  void flush();
  void content(std::string_view run);  // bytes that are neither CR nor (relaxed) WSP
  void endLine();

  struct MdCtxFree {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
  };
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx_;
  bool relaxed_;
  // Canonical bytes collect here and reach OpenSSL in blocks: one EVP_DigestUpdate per
  // emitted byte cost more than the SHA-256 itself.
  std::string pending_;
  bool ok_ = true;
  bool sawCr_ = false;        // a CR waiting to see whether LF follows
  bool pendingWsp_ = false;   // relaxed: whitespace run not yet written
  bool lineHasContent_ = false;
  bool wroteAnything_ = false;
  std::size_t pendingCrlf_ = 0;  // empty lines held back: dropped if nothing follows
};

}  // namespace vouch::dkim
