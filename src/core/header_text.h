// Header text helpers: classify and quote untrusted strings so they can be written into
// a header field (RFC 5322 / RFC 2045 / RFC 8601 grammar) without changing its structure.
// Pure functions over bytes; thread-safe; input is untrusted and never throws.
// Policy for bytes that cannot appear: control characters (CR, LF, NUL, TAB, DEL, ...)
// become a space and bytes >= 0x80 become '?', so every output is 7-bit printable.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vouch::core::text {

// RFC 2045 token: printable ASCII without SPACE and tspecials ()<>@,;:\"/[]?=
bool isToken(std::string_view s);
// RFC 5322 dot-atom: atext runs separated by single dots.
bool isDotAtom(std::string_view s);
// Letters, digits, hyphens and dots, labels non-empty (a trailing dot is allowed).
bool isDomainName(std::string_view s);
// [local-part] "@" domain-name with a dot-atom local-part (RFC 8601 pvalue form).
bool isAddrSpec(std::string_view s);

// Replaces control bytes by ' ' and non-ASCII bytes by '?', cutting to maxBytes.
std::string printable(std::string_view s, std::size_t maxBytes);

// An RFC 5322 quoted-string of printable(s, maxBytes), with '\' and '"' escaped.
std::string quoted(std::string_view s, std::size_t maxBytes);

// s when it is a token (or, with allowAddr, a dot-atom addr-spec / domain), else quoted.
std::string value(std::string_view s, std::size_t maxBytes, bool allowAddr);

// Comment text: printable, with '(' -> '[', ')' -> ']' and backslash -> '/', so it can
// neither close the comment nor open a nested one.
std::string commentText(std::string_view s, std::size_t maxBytes);

// Keyword (RFC 8601 method, ptype, property; an ldh-str): letters, digits and '-' kept,
// everything else dropped; case kept (callers give fixed names).
std::string keyword(std::string_view s, std::size_t maxBytes);

// ASCII lowercase copy.
std::string lower(std::string_view s);

// ASCII case-insensitive equality (header names, mechanism names, tags).
bool equalsNoCase(std::string_view a, std::string_view b);

// s without leading and trailing SP, HTAB, CR and LF (tag values, record fields).
std::string_view trimFws(std::string_view s);

}  // namespace vouch::core::text
