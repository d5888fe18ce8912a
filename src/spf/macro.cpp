// SPF macro-string parser and expander (RFC 7208 section 7). Owns nothing; pure functions
// over untrusted record text. Syntax errors come back as nullopt + a short reason (the
// caller turns them into permerror); expansion is bounded by kMaxExpansion and uses the
// validated-name callback, the only part that may cost DNS queries.
#include "spf/macro.h"

#include <algorithm>

namespace vouch::spf {
namespace {

constexpr std::string_view kDomainLetters = "slodiphv";
constexpr std::string_view kExpOnlyLetters = "crt";
constexpr std::string_view kDelimiters = ".-+,/_=";
constexpr unsigned kMaxKeep = 128;  // a name never has more parts; larger DIGITs mean "all"

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
bool isUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }

// Parses the inside of "%{...}" starting after the brace; returns the index after '}'.
std::optional<std::size_t> parseMacroExpand(std::string_view text, std::size_t i, MacroScope scope,
                                            MacroPiece& piece, std::string& error) {
  if (i >= text.size()) {
    error = "unterminated macro";
    return std::nullopt;
  }
  char letter = lower(text[i]);
  bool known = kDomainLetters.find(letter) != std::string_view::npos;
  bool expOnly = kExpOnlyLetters.find(letter) != std::string_view::npos;
  if (!known && !(expOnly && scope != MacroScope::DomainSpec)) {
    error = "invalid macro letter";
    return std::nullopt;
  }
  piece.letter = letter;
  piece.urlEscape = isUpper(text[i]);
  ++i;
  bool haveDigits = false;
  unsigned keep = 0;
  while (i < text.size() && isDigit(text[i])) {
    haveDigits = true;
    keep = std::min(kMaxKeep, keep * 10 + static_cast<unsigned>(text[i] - '0'));
    ++i;
  }
  if (haveDigits && keep == 0) {
    error = "macro digit transformer must be nonzero";
    return std::nullopt;
  }
  piece.keep = keep;
  if (i < text.size() && lower(text[i]) == 'r') {
    piece.reverse = true;
    ++i;
  }
  while (i < text.size() && kDelimiters.find(text[i]) != std::string_view::npos) {
    piece.delimiters.push_back(text[i]);
    ++i;
  }
  if (i >= text.size() || text[i] != '}') {
    error = "malformed macro";
    return std::nullopt;
  }
  return i + 1;
}

void appendLiteral(MacroString& out, std::string_view text) {
  if (out.pieces.empty() || out.pieces.back().letter != 0) out.pieces.emplace_back();
  out.pieces.back().literal.append(text);
}

std::string transform(std::string_view value, const MacroPiece& piece) {
  if (piece.keep == 0 && !piece.reverse && piece.delimiters.empty()) return std::string(value);
  std::string_view delims = piece.delimiters.empty() ? std::string_view(".") : piece.delimiters;
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= value.size(); ++i) {
    if (i == value.size() || delims.find(value[i]) != std::string_view::npos) {
      parts.push_back(value.substr(start, i - start));
      start = i + 1;
    }
  }
  if (piece.reverse) std::reverse(parts.begin(), parts.end());
  std::size_t first = 0;
  if (piece.keep != 0 && piece.keep < parts.size()) first = parts.size() - piece.keep;
  std::string out;
  for (std::size_t i = first; i < parts.size(); ++i) {
    if (i != first) out.push_back('.');
    out.append(parts[i]);
  }
  return out;
}

std::string urlEscape(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    bool unreserved = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || isDigit(c) ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xF]);
    }
  }
  return out;
}

std::string letterValue(char letter, const MacroContext& ctx) {
  switch (letter) {
    case 's': return std::string(ctx.sender);
    case 'l': return std::string(ctx.localPart);
    case 'o': return std::string(ctx.senderDomain);
    case 'd': return std::string(ctx.domain);
    case 'i': return ipForMacro(ctx.ip);
    case 'p': return ctx.validatedName ? ctx.validatedName() : std::string("unknown");
    case 'v': return ctx.ip.v6 ? "ip6" : "in-addr";
    case 'h': return std::string(ctx.helo);
    case 'c': return ctx.ip.toString();
    case 'r': return ctx.receiver.empty() ? std::string("unknown") : std::string(ctx.receiver);
    case 't': return std::to_string(ctx.now);
    default: return {};
  }
}

}  // namespace

bool MacroString::hasMacros() const {
  return std::any_of(pieces.begin(), pieces.end(), [](const MacroPiece& p) { return p.letter != 0; });
}

std::string MacroString::literalText() const {
  std::string out;
  for (const auto& p : pieces) out += p.literal;
  return out;
}

std::optional<MacroString> parseMacroString(std::string_view text, MacroScope scope,
                                            std::string& error) {
  MacroString out;
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c != '%') {
      auto u = static_cast<unsigned char>(c);
      bool visible = u >= 0x21 && u <= 0x7e;
      if (!visible && !(c == ' ' && scope == MacroScope::Explanation)) {
        error = "invalid character in macro-string";
        return std::nullopt;
      }
      appendLiteral(out, text.substr(i, 1));
      ++i;
      continue;
    }
    if (i + 1 >= text.size()) {
      error = "'%' at end of macro-string";
      return std::nullopt;
    }
    switch (text[i + 1]) {
      case '%': appendLiteral(out, "%"); i += 2; break;
      case '_': appendLiteral(out, " "); i += 2; break;
      case '-': appendLiteral(out, "%20"); i += 2; break;
      case '{': {
        MacroPiece piece;
        auto next = parseMacroExpand(text, i + 2, scope, piece, error);
        if (!next) return std::nullopt;
        out.pieces.push_back(std::move(piece));
        i = *next;
        break;
      }
      default:
        error = "invalid '%' escape in macro-string";
        return std::nullopt;
    }
  }
  return out;
}

std::string expandMacroString(const MacroString& macro, const MacroContext& ctx) {
  std::string out;
  for (const auto& piece : macro.pieces) {
    if (piece.letter == 0) {
      out += piece.literal;
    } else {
      std::string value = transform(letterValue(piece.letter, ctx), piece);
      out += piece.urlEscape ? urlEscape(value) : value;
    }
    if (out.size() > kMaxExpansion) {
      out.resize(kMaxExpansion);
      break;
    }
  }
  return out;
}

std::string ipForMacro(const core::IpAddress& ip) {
  if (!ip.v6) return ip.toString();
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < 16; ++i) {
    if (i != 0) out.push_back('.');
    out.push_back(kHex[ip.bytes[i] >> 4]);
    out.push_back('.');
    out.push_back(kHex[ip.bytes[i] & 0xF]);
  }
  return out;
}

std::string reverseName(const core::IpAddress& ip) {
  MacroPiece reversed;
  reversed.letter = 'i';
  reversed.reverse = true;
  return transform(ipForMacro(ip), reversed) + (ip.v6 ? ".ip6.arpa" : ".in-addr.arpa");
}

}  // namespace vouch::spf
