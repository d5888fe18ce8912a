// RFC 5322 unfolding and small header-text helpers. Pure, thread-safe, linear in the
// input; untrusted input is copied, never interpreted beyond line breaks and WSP.
// Nothing here fails: malformed text is passed through for the caller's parser.

#include "mail/header_unfold.h"

namespace vouch::mail {

namespace {

// Length of the line break starting at i (0 if none): CRLF, LF or a lone CR.
std::size_t breakLength(std::string_view s, std::size_t i) {
  if (s[i] == '\n') return 1;
  if (s[i] == '\r') return (i + 1 < s.size() && s[i + 1] == '\n') ? 2 : 1;
  return 0;
}

bool onlyBreaksFrom(std::string_view s, std::size_t i) {
  for (; i < s.size(); ++i) {
    if (s[i] != '\r' && s[i] != '\n') return false;
  }
  return true;
}

}  // namespace

std::string unfold(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size();) {
    const std::size_t n = breakLength(value, i);
    if (n == 0) {
      out.push_back(value[i]);
      ++i;
      continue;
    }
    if (onlyBreaksFrom(value, i)) break;  // the header's own terminator
    if (i + n < value.size() && isWsp(value[i + n])) {
      i += n;  // a fold: the WSP that follows is kept
      continue;
    }
    out.append(value.substr(i, n));  // malformed: left for the parser to reject
    i += n;
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
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string asciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace vouch::mail
