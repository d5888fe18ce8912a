// Header text helpers (see header_text.h): the small grammar predicates and quoting
// rules used by the Authentication-Results renderer. Stateless, thread-safe; input is
// untrusted. Non-ASCII becomes '?' on purpose: the milter cannot know whether the
// message travels with SMTPUTF8, and a 7-bit A-R header is valid either way.
#include "core/header_text.h"

#include <algorithm>
#include <string_view>

namespace vouch::core::text {
namespace {

bool isCtl(unsigned char c) { return c < 0x20 || c == 0x7f; }

bool isTspecial(char c) {
  static constexpr std::string_view kSpecials = "()<>@,;:\\\"/[]?=";
  return kSpecials.find(c) != std::string_view::npos;
}

bool isAtext(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  static constexpr std::string_view kExtra = "!#$%&'*+-/=?^_`{|}~";
  return kExtra.find(c) != std::string_view::npos;
}

bool isLdh(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

}  // namespace

bool isToken(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char ch) {
    auto c = static_cast<unsigned char>(ch);
    return c > 0x20 && c < 0x7f && !isTspecial(ch);
  });
}

bool isDotAtom(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  char prev = 0;
  for (char c : s) {
    if (c == '.') {
      if (prev == '.') return false;
    } else if (!isAtext(c)) {
      return false;
    }
    prev = c;
  }
  return true;
}

bool isDomainName(std::string_view s) {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  if (s.empty()) return false;
  std::size_t label = 0;
  for (char c : s) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
    } else if (isLdh(c) || c == '_') {  // '_' appears in real selectors and SRV-like names
      ++label;
    } else {
      return false;
    }
  }
  return label > 0;
}

bool isAddrSpec(std::string_view s) {
  auto at = s.rfind('@');
  if (at == std::string_view::npos) return false;
  std::string_view local = s.substr(0, at);
  std::string_view domain = s.substr(at + 1);
  return (local.empty() || isDotAtom(local)) && isDomainName(domain);
}

std::string printable(std::string_view s, std::size_t maxBytes) {
  std::string out;
  out.reserve(std::min(s.size(), maxBytes));
  for (char ch : s) {
    if (out.size() >= maxBytes) break;
    auto c = static_cast<unsigned char>(ch);
    if (isCtl(c)) {
      out.push_back(' ');
    } else if (c >= 0x80) {
      out.push_back('?');
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

std::string quoted(std::string_view s, std::size_t maxBytes) {
  std::string clean = printable(s, maxBytes);
  std::string out;
  out.reserve(clean.size() + 2);
  out.push_back('"');
  for (char c : clean) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string value(std::string_view s, std::size_t maxBytes, bool allowAddr) {
  if (s.size() <= maxBytes) {
    if (isToken(s)) return std::string(s);
    if (allowAddr && (isAddrSpec(s) || isDomainName(s))) return std::string(s);
  }
  return quoted(s, maxBytes);
}

std::string commentText(std::string_view s, std::size_t maxBytes) {
  std::string out = printable(s, maxBytes);
  for (char& c : out) {
    if (c == '(') c = '[';
    else if (c == ')') c = ']';
    else if (c == '\\') c = '/';
  }
  return out;
}

std::string keyword(std::string_view s, std::size_t maxBytes) {
  std::string out;
  for (char c : s) {
    if (out.size() >= maxBytes) break;
    if (isLdh(c)) out.push_back(c);
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool equalsNoCase(std::string_view a, std::string_view b) {
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

std::string_view trimFws(std::string_view s) {
  auto fws = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && fws(s.front())) s.remove_prefix(1);
  while (!s.empty() && fws(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace vouch::core::text
