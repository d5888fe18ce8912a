// Header text helpers shared by every check that reads message headers: RFC 5322 2.2.3
// unfolding (CRLF or bare LF followed by WSP), whitespace trimming and case-insensitive
// header-name comparison. Pure functions over untrusted bytes; thread-safe; never throw.
// They do not judge content: a line break not followed by WSP is kept for the caller's
// parser to reject.
#pragma once

#include <string>
#include <string_view>

namespace vouch::mail {

// SP or HTAB (RFC 5234 WSP).
constexpr bool isWsp(char c) { return c == ' ' || c == '\t'; }

// Removes every run of line breaks (CRLF, LF, lone CR) that is immediately followed by
// WSP, keeping the WSP, and drops line breaks at the very end of the value. Other line
// breaks stay: they are malformed input and the caller decides.
std::string unfold(std::string_view value);

// The value without leading and trailing WSP (and trailing CR/LF).
std::string_view trimWsp(std::string_view value);

// Header names compare case-insensitively (RFC 5322 1.2.2); ASCII only.
bool headerNameEquals(std::string_view a, std::string_view b);

// ASCII lowercase copy; bytes >= 0x80 are kept as they are.
std::string asciiLower(std::string_view s);

}  // namespace vouch::mail
