// Recursive-descent parser for RFC 5322 address lists over the tokens of
// address_lexer. Owns only its result. Pure and thread-safe; untrusted input bounded by
// ParseLimits. Any deviation that two readers could resolve differently (text after an
// address, an addr-spec followed by an angle-addr, nested groups, an encoded-word where
// the address should be) fails the whole list with a reason: a From header has one
// meaning or none.

#include "mail/address.h"

#include "mail/address_lexer.h"
#include "mail/header_unfold.h"
#include "mail/idna.h"

namespace vouch::mail {

using detail::Token;
using detail::TokenKind;

namespace {

bool isEncodedWord(std::string_view atom) {
  return atom.size() >= 4 && atom.substr(0, 2) == "=?" && atom.substr(atom.size() - 2) == "?=";
}

class Parser {
 public:
  Parser(const std::vector<Token>& toks, const ParseLimits& limits, AddressList& out)
      : t_(toks), limits_(limits), out_(out) {}

  bool parseList(const std::string* group) {
    for (;;) {
      const TokenKind k = peek().kind;
      if (k == TokenKind::End) {
        if (group != nullptr) return fail("group without ';'", peek());
        return true;
      }
      if (k == TokenKind::Comma) { ++pos_; continue; }  // obs-addr-list empty member
      if (k == TokenKind::Semi && group != nullptr) return true;
      if (!parseAddress(group)) return false;
      const TokenKind after = peek().kind;
      if (after == TokenKind::Comma || after == TokenKind::End) continue;
      if (after == TokenKind::Semi && group != nullptr) continue;
      return fail("unexpected " + std::string(detail::describe(after)) + " after an address", peek());
    }
  }

 private:
  const Token& peek() const { return t_[pos_]; }
  bool fail(std::string why, const Token& at) {
    out_.error = why + " at byte " + std::to_string(at.offset);
    return false;
  }

  // Atoms, quoted strings and dots up to the first other token.
  std::vector<const Token*> wordRun() {
    std::vector<const Token*> run;
    while (peek().kind == TokenKind::Atom || peek().kind == TokenKind::Quoted || peek().kind == TokenKind::Dot) {
      run.push_back(&t_[pos_++]);
    }
    return run;
  }

  // obs-phrase: a word first, then words, dots (and CFWS, already dropped).
  static bool phraseText(const std::vector<const Token*>& run, std::string& text) {
    if (run.empty() || run.front()->kind == TokenKind::Dot) return false;
    for (const Token* tok : run) {
      if (tok->kind == TokenKind::Dot) {
        text += '.';
      } else {
        if (!text.empty()) text += ' ';
        text += tok->text;
      }
    }
    return true;
  }

  // local-part: word *("." word); a lone word may be an atom or a quoted string.
  static bool localText(const std::vector<const Token*>& run, std::string& text) {
    if (run.empty()) return false;
    for (std::size_t i = 0; i < run.size(); ++i) {
      const bool wantWord = (i % 2 == 0);
      if (wantWord == (run[i]->kind == TokenKind::Dot)) return false;
      text += run[i]->kind == TokenKind::Dot ? std::string(".") : run[i]->text;
    }
    return run.back()->kind != TokenKind::Dot;
  }

  bool parseDomain(Mailbox& mb) {
    if (peek().kind == TokenKind::Literal) {
      mb.domain = asciiLower(peek().text);
      mb.domainLiteral = true;
      ++pos_;
      return true;
    }
    if (peek().kind != TokenKind::Atom) return fail("expected a domain", peek());
    std::string d = peek().text;
    ++pos_;
    while (peek().kind == TokenKind::Dot) {
      ++pos_;
      if (peek().kind != TokenKind::Atom) return fail("empty domain label", peek());
      d += '.';
      d += peek().text;
      ++pos_;
    }
    mb.domain = asciiLower(d);
    if (hasNonAscii(mb.domain)) {
      // RFC 6532 U-labels: DNS is asked with the A-label; a name IDNA refuses stays as
      // written and is not a usable domain.
      std::string alabel;
      if (toALabel(mb.domain, alabel)) {
        mb.unicodeDomain = std::move(mb.domain);
        mb.domain = std::move(alabel);
      }
    }
    mb.domainValid = isHostName(mb.domain);
    return true;
  }

  bool addMailbox(Mailbox mb, const std::string* group) {
    if (out_.mailboxes.size() >= limits_.maxMailboxes) return fail("too many addresses", peek());
    if (group != nullptr) mb.group = *group;
    out_.mailboxes.push_back(std::move(mb));
    return true;
  }

  bool parseAngle(Mailbox mb, const std::string* group) {
    const Token& open = peek();
    ++pos_;  // '<'
    if (peek().kind == TokenKind::At) {  // obs-route: "@a.org,@b.org:" is ignored
      for (;;) {
        if (peek().kind != TokenKind::At) return fail("bad route in angle address", peek());
        ++pos_;
        Mailbox ignored;
        if (!parseDomain(ignored)) return false;
        while (peek().kind == TokenKind::Comma) ++pos_;
        if (peek().kind == TokenKind::Colon) { ++pos_; break; }
      }
    }
    const std::vector<const Token*> local = wordRun();
    if (!local.empty()) {
      if (!localText(local, mb.localPart)) return fail("bad local part", *local.front());
      if (isEncodedWord(mb.localPart) && peek().kind != TokenKind::At) {
        return fail("encoded-word in place of an address", *local[0]);
      }
    }
    if (peek().kind == TokenKind::At) {
      if (local.empty()) return fail("empty local part", peek());
      ++pos_;
      if (!parseDomain(mb)) return false;
    }
    if (peek().kind != TokenKind::Gt) return fail("unbalanced '<'", open);
    ++pos_;
    return addMailbox(std::move(mb), group);
  }

  bool parseAddress(const std::string* group) {
    const Token& first = peek();
    const std::vector<const Token*> run = wordRun();
    const TokenKind k = peek().kind;
    Mailbox mb;
    if (k == TokenKind::Lt) {
      if (!run.empty() && !phraseText(run, mb.displayName)) return fail("bad display name", first);
      return parseAngle(std::move(mb), group);
    }
    if (k == TokenKind::Colon) {
      if (group != nullptr) return fail("group inside a group", peek());
      std::string name;
      if (!phraseText(run, name)) return fail("group without a name", first);
      ++pos_;
      ++out_.groups;
      if (!parseList(&name)) return false;
      ++pos_;  // ';'
      return true;
    }
    if (k == TokenKind::At) {
      if (!localText(run, mb.localPart)) return fail("bad local part", first);
      ++pos_;
      if (!parseDomain(mb)) return false;
      return addMailbox(std::move(mb), group);
    }
    if (run.size() % 2 == 1 && run[0]->kind == TokenKind::Atom && localText(run, mb.localPart)) {
      if (isEncodedWord(mb.localPart)) return fail("encoded-word in place of an address", first);
      return addMailbox(std::move(mb), group);  // "From: joe": a mailbox without a domain
    }
    if (run.empty()) return fail("expected an address, found " + std::string(detail::describe(k)), peek());
    return fail("words without an address", first);
  }

  const std::vector<Token>& t_;
  const ParseLimits& limits_;
  AddressList& out_;
  std::size_t pos_ = 0;
};

bool isDotAtomText(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '.') {
      if (s[i - 1] == '.') return false;
    } else if (!detail::isAtext(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string Mailbox::address() const {
  if (localPart.empty() && domain.empty()) return {};
  std::string local = localPart;
  if (!isDotAtomText(localPart)) {
    local = "\"";
    for (char c : localPart) {
      if (c == '"' || c == '\\') local += '\\';
      local += c;
    }
    local += '"';
  }
  return domain.empty() ? local : local + "@" + domain;
}

bool isHostName(std::string_view d) {
  if (d.empty() || d.size() > 253) return false;
  std::size_t label = 0;
  for (char c : d) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok || ++label > 63) return false;
  }
  return label > 0;
}

AddressList parseAddressList(std::string_view headerValue, const ParseLimits& limits) {
  AddressList out;
  if (headerValue.size() > limits.maxBytes) {
    out.error = "header longer than " + std::to_string(limits.maxBytes) + " bytes";
    return out;
  }
  const std::string value = unfold(headerValue);
  std::vector<Token> tokens;
  if (!detail::tokenize(value, limits.maxCommentDepth, tokens, out.error)) return out;
  Parser parser(tokens, limits, out);
  if (!parser.parseList(nullptr)) out.mailboxes.clear();
  return out;
}

AddressList parseFrom(std::string_view headerValue, const ParseLimits& limits) {
  return parseAddressList(headerValue, limits);
}

}  // namespace vouch::mail
