// Name escaping for the resolver boundary (see dns_name.h). Stateless; untrusted input
// is bounded by the caller (names are at most 253 octets before escaping).
#include "spf/dns_name.h"

namespace vouch::spf {
namespace {
constexpr std::string_view kQuoted = "\\;()";
bool isDigit(char c) { return c >= '0' && c <= '9'; }
}  // namespace

std::string presentationName(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (char c : raw) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) {
      out.push_back('\\');
      out.push_back(static_cast<char>('0' + u / 100));
      out.push_back(static_cast<char>('0' + u / 10 % 10));
      out.push_back(static_cast<char>('0' + u % 10));
    } else {
      if (kQuoted.find(c) != std::string_view::npos) out.push_back('\\');
      out.push_back(c);
    }
  }
  return out;
}

std::optional<std::string> rawName(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (i + 1 >= text.size()) return std::nullopt;
    if (isDigit(text[i + 1])) {
      if (i + 3 >= text.size() || !isDigit(text[i + 2]) || !isDigit(text[i + 3])) return std::nullopt;
      int v = (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
      if (v == 0 || v > 255) return std::nullopt;
      out.push_back(static_cast<char>(v));
      i += 3;
    } else {
      if (text[i + 1] == '.') return std::nullopt;  // a dot inside a label: not representable
      out.push_back(text[i + 1]);
      ++i;
    }
  }
  return out;
}

}  // namespace vouch::spf
