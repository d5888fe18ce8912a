// DMARC record parser: a tag-list splitter (RFC 6376 3.2 syntax as RFC 9989 4.8 uses it)
// and one handler per tag, chosen from a table. Pure and thread-safe; untrusted input.
// Invalid optional values fall back to their defaults with a note (RFC 9989 4.8); an
// invalid p/sp/np follows RFC 9989 4.10.1 (p=none when a valid rua exists, else no
// policy). Unknown tags, and tags of the other mode, are ignored.

#include "dmarc/record.h"

#include <algorithm>
#include <cctype>

#include "core/header_text.h"
#include <set>

namespace vouch::dmarc {

namespace {

using core::text::lower;
constexpr auto trim = core::text::trimFws;

bool parsePolicy(std::string_view v, Policy& out) {
  const std::string l = lower(v);
  if (l == "none") out = Policy::None;
  else if (l == "quarantine") out = Policy::Quarantine;
  else if (l == "reject") out = Policy::Reject;
  else return false;
  return true;
}

// URI = scheme ":" hier-part (RFC 3986), with DMARC's obsolete "!size" suffix dropped.
bool parseUri(std::string_view v, std::string& out) {
  v = trim(v);
  if (const auto bang = v.rfind('!'); bang != std::string_view::npos) {
    std::string_view size = v.substr(bang + 1);
    if (!size.empty() && std::string_view("kmgtKMGT").find(size.back()) != std::string_view::npos) size.remove_suffix(1);
    if (size.empty() || !std::all_of(size.begin(), size.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
    v = v.substr(0, bang);
  }
  const auto colon = v.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 >= v.size()) return false;
  if (!std::isalpha(static_cast<unsigned char>(v[0]))) return false;
  for (char c : v.substr(0, colon)) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return false;
  }
  for (char c : v) {
    if (static_cast<unsigned char>(c) <= ' ' || static_cast<unsigned char>(c) >= 0x7f) return false;
  }
  out = std::string(v);
  return true;
}

std::vector<std::string> parseUriList(std::string_view v, bool& anyInvalid) {
  std::vector<std::string> out;
  anyInvalid = false;
  std::size_t start = 0;
  for (;;) {
    const auto comma = v.find(',', start);
    std::string uri;
    if (parseUri(v.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start), uri)) {
      out.push_back(std::move(uri));
    } else {
      anyInvalid = true;
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

bool validFo(std::string_view v) {
  std::set<std::string> seen;
  std::size_t start = 0;
  for (;;) {
    const auto colon = v.find(':', start);
    const std::string item = lower(trim(v.substr(start, colon == std::string_view::npos ? std::string_view::npos : colon - start)));
    if (item != "0" && item != "1" && item != "d" && item != "s") return false;
    if (!seen.insert(item).second) return false;
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  return !(seen.count("0") && seen.count("1"));
}

struct State {
  ParseResult& result;
  Mode mode;
  bool pInvalid = false;
  bool subInvalid = false;
};

using TagHandler = void (*)(State&, std::string_view value);

void onP(State& s, std::string_view v) {
  if (!parsePolicy(v, s.result.record.p)) s.pInvalid = true;
}
void onSp(State& s, std::string_view v) {
  if (parsePolicy(v, s.result.record.sp)) s.result.record.hasSp = true;
  else s.subInvalid = true;
}
void onNp(State& s, std::string_view v) {
  if (s.mode != Mode::Rfc9989) return;
  if (parsePolicy(v, s.result.record.np)) s.result.record.hasNp = true;
  else s.subInvalid = true;
}
void onAlign(Alignment& a, State& s, std::string_view v, const char* tag) {
  const std::string l = lower(v);
  if (l == "r") a = Alignment::Relaxed;
  else if (l == "s") a = Alignment::Strict;
  else s.result.record.notes.push_back(std::string("invalid ") + tag + "= ignored");
}
void onAdkim(State& s, std::string_view v) { onAlign(s.result.record.adkim, s, v, "adkim"); }
void onAspf(State& s, std::string_view v) { onAlign(s.result.record.aspf, s, v, "aspf"); }
void onPsd(State& s, std::string_view v) {
  if (s.mode != Mode::Rfc9989) return;
  const std::string l = lower(v);
  if (l == "y") s.result.record.psd = Psd::Yes;
  else if (l == "n") s.result.record.psd = Psd::No;
  else if (l != "u") s.result.record.notes.push_back("invalid psd= ignored");
}
void onT(State& s, std::string_view v) {
  if (s.mode != Mode::Rfc9989) return;
  const std::string l = lower(v);
  if (l == "y") s.result.record.testing = true;
  else if (l != "n") s.result.record.notes.push_back("invalid t= ignored");
}
void onPct(State& s, std::string_view v) {
  if (s.mode != Mode::Rfc7489) return;
  const bool digits = !v.empty() && v.size() <= 3 && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
  const int n = digits ? std::stoi(std::string(v)) : -1;
  if (n < 0 || n > 100) s.result.record.notes.push_back("invalid pct= ignored");
  else s.result.record.pct = n;
}
void onRua(State& s, std::string_view v) {
  bool bad = false;
  s.result.record.rua = parseUriList(v, bad);
  if (bad) s.result.record.notes.push_back("invalid rua= URI ignored");
}
void onRuf(State& s, std::string_view v) {
  bool bad = false;
  s.result.record.ruf = parseUriList(v, bad);
  if (bad) s.result.record.notes.push_back("invalid ruf= URI ignored");
}
void onFo(State& s, std::string_view v) {
  if (validFo(v)) s.result.record.fo = lower(v);
  else s.result.record.notes.push_back("invalid fo= ignored");
}

struct TagRow {
  std::string_view name;
  TagHandler handler;
};

constexpr TagRow kTags[] = {
    {"p", onP},       {"sp", onSp},   {"np", onNp},   {"adkim", onAdkim}, {"aspf", onAspf},
    {"psd", onPsd},   {"t", onT},     {"pct", onPct}, {"rua", onRua},     {"ruf", onRuf},
    {"fo", onFo},
};

// Splits "name = value" at the first '='; false when there is none or the name is bad.
bool splitTag(std::string_view item, std::string& name, std::string_view& value) {
  const auto eq = item.find('=');
  if (eq == std::string_view::npos) return false;
  const std::string_view n = trim(item.substr(0, eq));
  value = trim(item.substr(eq + 1));
  if (n.empty() || !std::all_of(n.begin(), n.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); })) return false;
  name = lower(n);
  return true;
}

}  // namespace

std::string_view toString(Policy p) {
  switch (p) {
    case Policy::None: return "none";
    case Policy::Quarantine: return "quarantine";
    case Policy::Reject: return "reject";
  }
  return "none";
}

bool looksLikeDmarc(std::string_view text) {
  const auto semi = text.find(';');
  std::string name;
  std::string_view value;
  if (!splitTag(text.substr(0, semi), name, value)) return false;
  // The tag name must be exactly "v" (not "V") and the value exactly "DMARC1".
  return trim(text.substr(0, text.find('='))) == "v" && value == "DMARC1";
}

ParseResult parseRecord(std::string_view text, Mode mode) {
  ParseResult result;
  if (!looksLikeDmarc(text)) return result;
  result.status = ParseStatus::Ok;
  State state{result, mode};
  std::set<std::string> seen{"v"};
  std::size_t start = text.find(';');
  while (start != std::string_view::npos) {
    ++start;
    const auto next = text.find(';', start);
    const std::string_view item = trim(text.substr(start, next == std::string_view::npos ? std::string_view::npos : next - start));
    start = next;
    if (item.empty()) continue;  // "; ;" and a trailing ';' are allowed
    std::string name;
    std::string_view value;
    if (!splitTag(item, name, value)) {
      // RFC 9989 4.8: syntax errors are discarded in favour of defaults.
      result.record.notes.push_back("unparsable tag ignored");
      continue;
    }
    if (!seen.insert(name).second) {
      result.record.notes.push_back("duplicate " + name + "= ignored");
      continue;
    }
    const auto row = std::find_if(std::begin(kTags), std::end(kTags), [&](const TagRow& r) { return r.name == name; });
    if (row != std::end(kTags)) row->handler(state, value);
  }
  if (state.pInvalid || state.subInvalid) {
    const char* which = state.pInvalid ? "p=" : "sp=/np=";
    if (!result.record.rua.empty()) {
      // RFC 9989 4.10.1 / RFC 7489 6.6.3: act as if the record said p=none.
      Record r;
      r.rua = result.record.rua;
      r.ruf = result.record.ruf;
      r.psd = result.record.psd;  // still says where the organization ends
      r.notes.push_back(std::string("invalid ") + which + ", treated as p=none (rua present)");
      result.record = std::move(r);
    } else {
      result.status = ParseStatus::NoPolicy;
      result.error = std::string("invalid ") + which + " and no valid rua=";
    }
  } else if (mode == Mode::Rfc7489 && !seen.count("p")) {
    // RFC 7489 makes p required; RFC 9989 4.7 reads a missing p as p=none.
    if (result.record.rua.empty()) {
      result.status = ParseStatus::NoPolicy;
      result.error = "no p= and no valid rua=";
    } else {
      result.record.notes.push_back("no p=, treated as p=none (rua present)");
    }
  }
  return result;
}

}  // namespace vouch::dmarc
