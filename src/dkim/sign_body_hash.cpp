// BodyHasher (see sign_body_hash.h). A byte-at-a-time state machine: CRLF ends a line;
// a lone CR or LF is ordinary content (as in libopendkim); empty lines are counted and
// written only when content follows, which drops trailing empty lines without
// buffering them.
#include "dkim/sign_body_hash.h"

namespace vouch::dkim {

BodyHasher::BodyHasher(bool relaxed) : ctx_(EVP_MD_CTX_new()), relaxed_(relaxed) {
  ok_ = ctx_ && EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) == 1;
}

BodyHasher::~BodyHasher() = default;

void BodyHasher::emit(std::string_view bytes) {
  if (ok_) ok_ = EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size()) == 1;
  wroteAnything_ = true;
}

void BodyHasher::content(char c) {
  for (; pendingCrlf_ > 0; --pendingCrlf_) emit("\r\n");
  if (pendingWsp_) emit(" ");
  pendingWsp_ = false;
  emit(std::string_view(&c, 1));
  lineHasContent_ = true;
}

void BodyHasher::endLine() {
  if (lineHasContent_) emit("\r\n");
  else ++pendingCrlf_;
  lineHasContent_ = false;
  pendingWsp_ = false;  // relaxed: whitespace at the end of a line is dropped
}

void BodyHasher::update(std::span<const char> chunk) {
  for (char c : chunk) {
    if (sawCr_) {
      sawCr_ = false;
      if (c == '\n') {
        endLine();
        continue;
      }
      content('\r');
    }
    if (c == '\r') {
      sawCr_ = true;
    } else if (relaxed_ && (c == ' ' || c == '\t')) {
      pendingWsp_ = true;
    } else {
      content(c);
    }
  }
}

std::string BodyHasher::finish() {
  if (sawCr_) content('\r');
  sawCr_ = false;
  // An unterminated last line gets its CRLF; simple turns an empty body into one CRLF.
  if (lineHasContent_ || (!relaxed_ && !wroteAnything_)) emit("\r\n");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!ok_ || EVP_DigestFinal_ex(ctx_.get(), digest, &len) != 1) return {};
  std::string out(4 * ((len + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), digest, static_cast<int>(len));
  out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return out;
}

}  // namespace vouch::dkim
