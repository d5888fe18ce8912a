// SPF record parser (RFC 7208 sections 4.5, 4.6, 5, 6 and the ABNF of section 12). Owns
// nothing; input is untrusted DNS text. The whole record is checked before anything is
// evaluated (section 4.6: an error anywhere is a permerror), and every rejection carries
// a short reason naming the offending term. No exceptions, no DNS.
#include "spf/record.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace vouch::spf {
namespace {

bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isAlnum(char c) { return isAlpha(c) || isDigit(c); }

std::string lowerCopy(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool allDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), isDigit);
}

// ip4-cidr-length / ip6-cidr-length: no leading zeros, at most `max`.
bool parseCidr(std::string_view digits, unsigned max, unsigned& out) {
  if (!allDigits(digits) || digits.size() > 3) return false;
  if (digits.size() > 1 && digits[0] == '0') return false;
  unsigned v = 0;
  for (char c : digits) v = v * 10 + static_cast<unsigned>(c - '0');
  if (v > max) return false;
  out = v;
  return true;
}

// toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
bool isTopLabel(std::string_view label) {
  if (label.empty() || !isAlnum(label.front()) || !isAlnum(label.back())) return false;
  bool alpha = false;
  bool dash = false;
  for (char c : label) {
    if (c == '-') {
      dash = true;
    } else if (isAlpha(c)) {
      alpha = true;
    } else if (!isDigit(c)) {
      return false;
    }
  }
  return alpha || dash;
}

// domain-spec = macro-string domain-end; domain-end = ( "." toplabel [ "." ] ) / macro-expand
std::optional<MacroString> parseDomainSpec(std::string_view text, std::string& error) {
  if (text.empty()) {
    error = "empty domain-spec";
    return std::nullopt;
  }
  auto macro = parseMacroString(text, MacroScope::DomainSpec, error);
  if (!macro) return std::nullopt;
  if (macro->endsWithMacro()) return macro;
  std::string_view tail = macro->pieces.back().literal;
  if (!tail.empty() && tail.back() == '.') tail.remove_suffix(1);
  auto dot = tail.rfind('.');
  if (dot == std::string_view::npos || !isTopLabel(tail.substr(dot + 1))) {
    error = "invalid domain-spec '" + std::string(text) + "'";
    return std::nullopt;
  }
  return macro;
}

// ip4-network = qnum "." qnum "." qnum "." qnum, qnum without leading zeros.
bool parseIp4(std::string_view text, core::IpAddress& out) {
  out = core::IpAddress{};
  std::size_t part = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] != '.') continue;
    std::string_view q = text.substr(start, i - start);
    unsigned v = 0;
    if (part >= 4 || !parseCidr(q, 255, v)) return false;
    out.bytes[part++] = static_cast<std::uint8_t>(v);
    start = i + 1;
  }
  return part == 4;
}

bool parseIp6(std::string_view text, core::IpAddress& out) {
  if (text.empty() || text.size() > 45) return false;
  char buf[46];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  out = core::IpAddress{};
  out.v6 = true;
  return inet_pton(AF_INET6, buf, out.bytes.data()) == 1;
}

struct MechName {
  std::string_view name;
  MechanismKind kind;
};
constexpr std::array<MechName, 8> kMechanisms{{
    {"all", MechanismKind::All}, {"include", MechanismKind::Include}, {"a", MechanismKind::A},
    {"mx", MechanismKind::Mx}, {"ptr", MechanismKind::Ptr}, {"ip4", MechanismKind::Ip4},
    {"ip6", MechanismKind::Ip6}, {"exists", MechanismKind::Exists},
}};

// Fills m from the text after the mechanism name ("", ":spec", "/24", ":spec/24//64").
bool parseArguments(std::string_view rest, Mechanism& m, std::string& error) {
  auto fail = [&](std::string why) {
    error = why + " in '" + m.text + "'";
    return false;
  };
  switch (m.kind) {
    case MechanismKind::All:
      return rest.empty() || fail("'all' takes no argument");
    case MechanismKind::Include:
    case MechanismKind::Exists:
      if (rest.empty() || rest[0] != ':') return fail("domain required");
      m.target = parseDomainSpec(rest.substr(1), error);
      return m.target.has_value() || fail(error);
    case MechanismKind::Ptr:
      if (rest.empty()) return true;
      if (rest[0] != ':') return fail("bad argument");
      m.target = parseDomainSpec(rest.substr(1), error);
      return m.target.has_value() || fail(error);
    case MechanismKind::A:
    case MechanismKind::Mx: {
      // dual-cidr-length = [ ip4-cidr-length ] [ "/" ip6-cidr-length ], taken off the end.
      auto dd = rest.rfind("//");
      if (dd != std::string_view::npos && allDigits(rest.substr(dd + 2))) {
        if (!parseCidr(rest.substr(dd + 2), 128, m.cidr6)) return fail("bad IPv6 CIDR length");
        rest = rest.substr(0, dd);
      }
      auto slash = rest.rfind('/');
      if (slash != std::string_view::npos && allDigits(rest.substr(slash + 1))) {
        if (!parseCidr(rest.substr(slash + 1), 32, m.cidr4)) return fail("bad IPv4 CIDR length");
        rest = rest.substr(0, slash);
      }
      if (rest.empty()) return true;
      if (rest[0] != ':') return fail("bad argument");
      m.target = parseDomainSpec(rest.substr(1), error);
      return m.target.has_value() || fail(error);
    }
    case MechanismKind::Ip4:
    case MechanismKind::Ip6: {
      bool v6 = m.kind == MechanismKind::Ip6;
      if (rest.empty() || rest[0] != ':') return fail("address required");
      rest.remove_prefix(1);
      auto slash = rest.find('/');
      if (slash != std::string_view::npos) {
        unsigned& len = v6 ? m.cidr6 : m.cidr4;
        if (!parseCidr(rest.substr(slash + 1), v6 ? 128 : 32, len)) return fail("bad CIDR length");
        rest = rest.substr(0, slash);
      }
      bool ok = v6 ? parseIp6(rest, m.network) : parseIp4(rest, m.network);
      return ok || fail(v6 ? "bad IPv6 address" : "bad IPv4 address");
    }
  }
  return fail("unknown mechanism");
}

bool parseModifier(std::string_view name, std::string_view value, Record& rec, std::string& error) {
  if (name.empty() || !isAlpha(name[0]) ||
      !std::all_of(name.begin(), name.end(),
                   [](char c) { return isAlnum(c) || c == '-' || c == '_' || c == '.'; })) {
    error = "invalid modifier name '" + std::string(name) + "'";
    return false;
  }
  std::string lname = lowerCopy(name);
  if (lname == "redirect" || lname == "exp") {
    auto& slot = lname == "redirect" ? rec.redirect : rec.exp;
    if (slot) {
      error = "more than one " + lname + "= modifier";
      return false;
    }
    slot = parseDomainSpec(value, error);
    if (!slot) error = lname + "=: " + error;
    return slot.has_value();
  }
  // Unknown modifiers are ignored (section 6), but their value must still be well formed.
  if (!parseMacroString(value, MacroScope::Modifier, error)) {
    error = "modifier " + std::string(name) + ": " + error;
    return false;
  }
  return true;
}

bool parseTerm(std::string_view term, Record& rec, std::string& error) {
  std::size_t i = 0;
  Qualifier q = Qualifier::Pass;
  bool qualified = true;
  switch (term[0]) {
    case '+': q = Qualifier::Pass; break;
    case '-': q = Qualifier::Fail; break;
    case '~': q = Qualifier::SoftFail; break;
    case '?': q = Qualifier::Neutral; break;
    default: qualified = false;
  }
  if (qualified) ++i;
  std::size_t end = i;
  while (end < term.size() && term[end] != ':' && term[end] != '/' && term[end] != '=') ++end;
  std::string_view name = term.substr(i, end - i);
  if (!qualified && end < term.size() && term[end] == '=') {
    return parseModifier(name, term.substr(end + 1), rec, error);
  }
  std::string lname = lowerCopy(name);
  auto it = std::find_if(kMechanisms.begin(), kMechanisms.end(),
                         [&](const MechName& m) { return m.name == lname; });
  if (it == kMechanisms.end()) {
    error = "unknown mechanism '" + std::string(term) + "'";
    return false;
  }
  Mechanism m;
  m.qualifier = q;
  m.kind = it->kind;
  m.text = std::string(term);
  if (!parseArguments(term.substr(end), m, error)) return false;
  if (m.kind == MechanismKind::All) rec.hasAll = true;
  rec.mechanisms.push_back(std::move(m));
  return true;
}

}  // namespace

std::string_view toString(MechanismKind kind) {
  for (const auto& m : kMechanisms) {
    if (m.kind == kind) return m.name;
  }
  return "?";
}

bool Mechanism::queriesDns() const {
  return kind == MechanismKind::Include || kind == MechanismKind::A || kind == MechanismKind::Mx ||
         kind == MechanismKind::Ptr || kind == MechanismKind::Exists;
}

bool isSpfRecord(std::string_view text) {
  if (text.size() < 6 || lowerCopy(text.substr(0, 6)) != "v=spf1") return false;
  return text.size() == 6 || text[6] == ' ';
}

ParsedRecord parseRecord(std::string_view text) {
  ParsedRecord out;
  if (!isSpfRecord(text)) {
    out.error = "not a v=spf1 record";
    return out;
  }
  Record rec;
  std::size_t i = 6;
  while (i < text.size()) {
    if (text[i] == ' ') {
      ++i;
      continue;
    }
    std::size_t end = text.find(' ', i);
    if (end == std::string_view::npos) end = text.size();
    if (!parseTerm(text.substr(i, end - i), rec, out.error)) return out;
    i = end;
  }
  out.record = std::move(rec);
  return out;
}

bool isValidDomain(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty() || name.size() > 253) return false;
  std::size_t labels = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= name.size(); ++i) {
    if (i < name.size() && name[i] != '.') continue;
    std::size_t len = i - start;
    if (len == 0 || len > 63) return false;
    ++labels;
    start = i + 1;
  }
  return labels >= 2;
}

std::string normalizeDomain(std::string name) {
  if (!name.empty() && name.back() == '.') name.pop_back();
  while (name.size() > 253) {
    auto dot = name.find('.');
    if (dot == std::string::npos) break;
    name.erase(0, dot + 1);
  }
  return name;
}

}  // namespace vouch::spf
