// Lexer for address lists: one pass over the unfolded value, producing tokens and
// dropping comments and white space. Owns nothing beyond its output vector. Pure and
// thread-safe; untrusted input: every control byte, CR or LF outside a fold, and every
// unbalanced delimiter is an error with its byte offset, never skipped silently.

#include "mail/address_lexer.h"

#include <cstring>

namespace vouch::mail::detail {

namespace {

bool isControl(unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7f; }

std::string at(std::string_view what, std::size_t offset) {
  return std::string(what) + " at byte " + std::to_string(offset);
}

// A quoted-pair's second byte: VCHAR, WSP or UTF-8 (obs-qp's controls are refused).
bool quotable(unsigned char c) { return !isControl(c); }

}  // namespace

bool isAtext(unsigned char c) {
  if (c >= 0x80) return true;
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return c != 0 && std::strchr("!#$%&'*+-/=?^_`{|}~", c) != nullptr;
}

std::string_view describe(TokenKind kind) {
  switch (kind) {
    case TokenKind::Atom: return "word";
    case TokenKind::Quoted: return "quoted string";
    case TokenKind::Literal: return "domain literal";
    case TokenKind::Dot: return "'.'";
    case TokenKind::At: return "'@'";
    case TokenKind::Lt: return "'<'";
    case TokenKind::Gt: return "'>'";
    case TokenKind::Comma: return "','";
    case TokenKind::Colon: return "':'";
    case TokenKind::Semi: return "';'";
    case TokenKind::End: return "end of header";
  }
  return "token";
}

bool tokenize(std::string_view v, std::size_t maxCommentDepth, std::vector<Token>& out,
              std::string& error) {
  std::size_t i = 0;
  const std::size_t n = v.size();
  auto single = [&](TokenKind k) { out.push_back(Token{k, std::string(1, v[i]), i}); ++i; };
  while (i < n) {
    const auto c = static_cast<unsigned char>(v[i]);
    if (c == ' ' || c == '\t') { ++i; continue; }
    if (c == '\r' || c == '\n') { error = at("line break outside a fold", i); return false; }
    if (isControl(c)) { error = at("control byte", i); return false; }
    switch (c) {
      case '(': {
        const std::size_t start = i;
        std::size_t depth = 0;
        do {
          if (i >= n) { error = at("unbalanced '('", start); return false; }
          const auto d = static_cast<unsigned char>(v[i]);
          if (d == '\\') {
            if (i + 1 >= n || !quotable(static_cast<unsigned char>(v[i + 1]))) {
              error = at("bad quoted-pair in comment", i);
              return false;
            }
            i += 2;
            continue;
          }
          if (isControl(d) || d == '\r' || d == '\n') { error = at("control byte in comment", i); return false; }
          if (d == '(' && ++depth > maxCommentDepth) { error = at("comments nested too deep", i); return false; }
          if (d == ')') --depth;
          ++i;
        } while (depth > 0);
        continue;
      }
      case ')': error = at("unbalanced ')'", i); return false;
      case '"': {
        const std::size_t start = i++;
        std::string text;
        for (;;) {
          if (i >= n) { error = at("unbalanced '\"'", start); return false; }
          const auto d = static_cast<unsigned char>(v[i]);
          if (d == '"') { ++i; break; }
          if (d == '\\') {
            if (i + 1 >= n || !quotable(static_cast<unsigned char>(v[i + 1]))) {
              error = at("bad quoted-pair", i);
              return false;
            }
            text.push_back(v[i + 1]);
            i += 2;
            continue;
          }
          if (isControl(d) || d == '\r' || d == '\n') { error = at("control byte in quoted string", i); return false; }
          text.push_back(v[i++]);
        }
        out.push_back(Token{TokenKind::Quoted, std::move(text), start});
        continue;
      }
      case '[': {
        const std::size_t start = i++;
        while (i < n && v[i] != ']') {
          const auto d = static_cast<unsigned char>(v[i]);
          if (d == '[' || d == '\\' || isControl(d) || d == '\r' || d == '\n') {
            error = at("bad byte in domain literal", i);
            return false;
          }
          ++i;
        }
        if (i >= n) { error = at("unbalanced '['", start); return false; }
        ++i;
        out.push_back(Token{TokenKind::Literal, std::string(v.substr(start, i - start)), start});
        continue;
      }
      case ']': error = at("unbalanced ']'", i); return false;
      case '\\': error = at("backslash outside quotes", i); return false;
      case '.': single(TokenKind::Dot); continue;
      case '@': single(TokenKind::At); continue;
      case '<': single(TokenKind::Lt); continue;
      case '>': single(TokenKind::Gt); continue;
      case ',': single(TokenKind::Comma); continue;
      case ':': single(TokenKind::Colon); continue;
      case ';': single(TokenKind::Semi); continue;
      default: break;
    }
    if (!isAtext(c)) { error = at("unexpected byte", i); return false; }
    const std::size_t start = i;
    while (i < n && isAtext(static_cast<unsigned char>(v[i]))) ++i;
    out.push_back(Token{TokenKind::Atom, std::string(v.substr(start, i - start)), start});
  }
  out.push_back(Token{TokenKind::End, {}, n});
  return true;
}

}  // namespace vouch::mail::detail
