// RFC 5322 unfolding and small header-text helpers. Pure, thread-safe, linear in the
// input; untrusted input is copied, never interpreted beyond line breaks and WSP.
// Nothing here fails: malformed text is passed through for the caller's parser.

#include "mail/header_unfold.h"
#include "core/header_text.h"

namespace vouch::mail {

namespace {

bool isBreak(char c) { return c == '\r' || c == '\n'; }

}  // namespace

std::string unfold(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size();) {
    if (!isBreak(value[i])) {
      out.push_back(value[i]);
      ++i;
      continue;
    }
    // A run of CR/LF: a fold when WSP follows, the header's end when nothing does,
    // otherwise malformed and kept whole for the parser to reject.
    std::size_t end = i;
    while (end < value.size() && isBreak(value[end])) ++end;
    if (end == value.size()) break;
    if (!isWsp(value[end])) out.append(value.substr(i, end - i));
    i = end;
  }
  return out;
}

std::string_view trimWsp(std::string_view value) {
  std::size_t b = 0;
  std::size_t e = value.size();
  while (b < e && isWsp(value[b])) ++b;
  while (e > b && (isWsp(value[e - 1]) || value[e - 1] == '\r' || value[e - 1] == '\n')) --e;
  return value.substr(b, e - b);
}

bool headerNameEquals(std::string_view a, std::string_view b) {
  return core::text::equalsNoCase(a, b);
}

std::string asciiLower(std::string_view s) { return core::text::lower(s); }

}  // namespace vouch::mail
