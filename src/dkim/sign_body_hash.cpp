// BodyHasher (see sign_body_hash.h). A state machine over runs of bytes: CRLF ends a line;
// a lone CR or LF is ordinary content (as in libopendkim); empty lines are counted and
// written only when content follows, which drops trailing empty lines without
// buffering them.
#include "dkim/sign_body_hash.h"

namespace vouch::dkim {

namespace {
constexpr std::size_t kBlock = 4096;
}

BodyHasher::BodyHasher(bool relaxed) : ctx_(EVP_MD_CTX_new()), relaxed_(relaxed) {
  ok_ = ctx_ && EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) == 1;
  pending_.reserve(kBlock + 64);
}

BodyHasher::~BodyHasher() = default;

void BodyHasher::emit(std::string_view bytes) {
  pending_.append(bytes);
  if (pending_.size() >= kBlock) flush();
  wroteAnything_ = true;
}

void BodyHasher::flush() {
  if (ok_ && !pending_.empty()) ok_ = EVP_DigestUpdate(ctx_.get(), pending_.data(), pending_.size()) == 1;
  pending_.clear();
}

void BodyHasher::content(std::string_view run) {
  for (; pendingCrlf_ > 0; --pendingCrlf_) emit("\r\n");
  if (pendingWsp_) emit(" ");
  pendingWsp_ = false;
  emit(run);
  lineHasContent_ = true;
}

void BodyHasher::endLine() {
  if (lineHasContent_) emit("\r\n");
  else ++pendingCrlf_;
  lineHasContent_ = false;
  pendingWsp_ = false;  // relaxed: whitespace at the end of a line is dropped
}

void BodyHasher::update(std::span<const char> chunk) {
  const char* p = chunk.data();
  const char* const end = p + chunk.size();
  auto special = [this](char c) { return c == '\r' || (relaxed_ && (c == ' ' || c == '\t')); };
  while (p < end) {
    if (sawCr_) {
      sawCr_ = false;
      if (*p == '\n') {
        endLine();
        ++p;
        continue;
      }
      content("\r");
    }
    if (*p == '\r') {
      sawCr_ = true;
      ++p;
    } else if (special(*p)) {
      pendingWsp_ = true;
      ++p;
    } else {
      // Ordinary bytes go on in one run: the byte-at-a-time path was the hasher's cost.
      const char* q = p + 1;
      while (q < end && !special(*q)) ++q;
      content(std::string_view(p, static_cast<std::size_t>(q - p)));
      p = q;
    }
  }
}

std::string BodyHasher::finish() {
  if (sawCr_) content("\r");
  sawCr_ = false;
  // An unterminated last line gets its CRLF; simple turns an empty body into one CRLF.
  if (lineHasContent_ || (!relaxed_ && !wroteAnything_)) emit("\r\n");
  flush();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!ok_ || EVP_DigestFinal_ex(ctx_.get(), digest, &len) != 1) return {};
  std::string out(4 * ((len + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), digest, static_cast<int>(len));
  out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return out;
}

}  // namespace vouch::dkim
