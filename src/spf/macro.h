// SPF macro-strings (RFC 7208 section 7): parsing into pieces and expansion against one
// evaluation's context. Parsing is pure and separate so records can be checked (and
// fuzzed) without DNS. Input is untrusted: every syntax problem is reported as a value
// (nullopt + error text); expansion never throws and is bounded by kMaxExpansion.
// Value types only; thread-safe to share once parsed.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip.h"

namespace vouch::spf {

// Where a macro-string appears decides what it may contain.
enum class MacroScope {
  DomainSpec,   // mechanism/redirect/exp targets: no c, r, t; no spaces
  Explanation,  // the TXT text an exp= points at: every letter, spaces allowed
  Modifier,     // value of an unknown modifier: checked for syntax, never expanded
};

struct MacroPiece {
  std::string literal;     // text of a literal piece (escapes already resolved)
  char letter = 0;         // lower-case macro letter; 0 for a literal piece
  bool urlEscape = false;  // the letter was upper case (RFC 7208 7.3)
  unsigned keep = 0;       // DIGIT transformer: right-hand parts kept; 0 = all
  bool reverse = false;    // 'r' transformer
  std::string delimiters;  // split characters; empty means "."
};

struct MacroString {
  std::vector<MacroPiece> pieces;
  bool empty() const { return pieces.empty(); }
  bool endsWithMacro() const { return !pieces.empty() && pieces.back().letter != 0; }
  bool hasMacros() const;
  std::string literalText() const;  // the text when there are no macros
};

// Expanded text longer than this is cut: a DNS name can never use more, and an
// explanation is bounded far below it. Protects against records full of %{s}.
inline constexpr std::size_t kMaxExpansion = 8192;

// Parses `text`; on a syntax error returns nullopt and sets `error`.
std::optional<MacroString> parseMacroString(std::string_view text, MacroScope scope,
                                            std::string& error);

// Everything a macro can refer to during one check_host() call.
struct MacroContext {
  std::string_view sender;        // %{s}
  std::string_view localPart;     // %{l}
  std::string_view senderDomain;  // %{o}
  std::string_view domain;        // %{d}: the domain whose record is evaluated
  std::string_view helo;          // %{h}
  std::string_view receiver;      // %{r}; "unknown" when empty
  core::IpAddress ip;             // %{i}, %{c}, %{v}
  std::int64_t now = 0;           // %{t}
  // %{p}: the validated name of the client (section 7.3), computed on demand because it
  // costs DNS queries; returns "unknown" when none. May be empty (then "unknown").
  std::function<std::string()> validatedName;
};

std::string expandMacroString(const MacroString& macro, const MacroContext& ctx);

// %{i}: dotted IPv4, or 32 dot-separated nibbles for IPv6.
std::string ipForMacro(const core::IpAddress& ip);
// The in-addr.arpa / ip6.arpa name for a PTR query.
std::string reverseName(const core::IpAddress& ip);

}  // namespace vouch::spf
