// Tokenizer for RFC 5322 structured header values (address lists): atoms, quoted
// strings, domain literals and specials, with CFWS (nested comments, folding white space)
// dropped. Internal to src/mail. Pure; thread-safe; input untrusted and assumed already
// unfolded; bounded comment nesting. Failure is a returned message, never an exception.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vouch::mail::detail {

enum class TokenKind { Atom, Quoted, Literal, Dot, At, Lt, Gt, Comma, Colon, Semi, End };

struct Token {
  TokenKind kind = TokenKind::End;
  std::string text;        // Atom: as written; Quoted: content unescaped; Literal: "[...]"
  std::size_t offset = 0;  // byte offset in the unfolded value, for error messages
};

// RFC 5322 atext, plus bytes >= 0x80 (RFC 6532 UTF8-non-ascii).
bool isAtext(unsigned char c);

// Splits `value` into tokens ending with one End token. On malformed input (unbalanced
// quote, comment or bracket, control byte, stray backslash) returns false and sets error.
bool tokenize(std::string_view value, std::size_t maxCommentDepth, std::vector<Token>& out,
              std::string& error);

std::string_view describe(TokenKind kind);

}  // namespace vouch::mail::detail
