// Reply templates: load-time checks (code and enhanced code shape, known placeholders,
// printable text) and rendering with untrusted values made safe: printable ASCII only,
// no CR/LF, each value and the whole text bounded. Pure functions; never throw.
#include "policy/reply.h"

#include <array>

namespace vouch::policy {
namespace {

constexpr std::array<std::string_view, 5> kPlaceholders = {"domain", "result", "explanation",
                                                           "client_ip", "policy"};

bool digits(std::string_view s, std::size_t lo, std::size_t hi) {
  if (s.size() < lo || s.size() > hi) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// "5.7.26": class 4 or 5, subject 1-3 digits, detail 1-3 digits (RFC 3463).
bool validEnhanced(std::string_view e) {
  const auto d1 = e.find('.');
  const auto d2 = d1 == std::string_view::npos ? d1 : e.find('.', d1 + 1);
  if (d2 == std::string_view::npos) return false;
  return (e.substr(0, d1) == "4" || e.substr(0, d1) == "5") && digits(e.substr(d1 + 1, d2 - d1 - 1), 1, 3) &&
         digits(e.substr(d2 + 1), 1, 3);
}

bool printable(char c) { return c >= 0x20 && c <= 0x7e; }

}  // namespace

std::string checkTemplate(const ReplyTemplate& t) {
  if (!digits(t.code, 3, 3) || (t.code[0] != '4' && t.code[0] != '5')) {
    return "code '" + t.code + "' is not a 4xx or 5xx SMTP code";
  }
  if (!validEnhanced(t.enhanced)) return "enhanced code '" + t.enhanced + "' is not like 5.7.26";
  if (t.enhanced[0] != t.code[0]) return "code " + t.code + " and enhanced code " + t.enhanced + " disagree on the class";
  if (t.text.empty()) return "text is empty";
  if (t.text.size() > kMaxReplyText) return "text is longer than " + std::to_string(kMaxReplyText) + " characters";
  for (std::size_t i = 0; i < t.text.size(); ++i) {
    const char c = t.text[i];
    if (!printable(c)) return "text has a character that is not printable ASCII";
    if (c == '}') return "text has a '}' without '{'";
    if (c != '{') continue;
    const auto close = t.text.find('}', i);
    if (close == std::string::npos) return "text has a '{' without '}'";
    const std::string_view name(t.text.data() + i + 1, close - i - 1);
    bool known = false;
    for (auto p : kPlaceholders) known = known || p == name;
    if (!known) return "unknown placeholder {" + std::string(name) + "} (known: domain, result, explanation, client_ip, policy)";
    i = close;
  }
  return "";
}

std::string safeText(std::string_view in, std::size_t max) {
  std::string out;
  for (char c : in) {
    if (out.size() >= max) {
      if (max >= 3) out.replace(max - 3, 3, "...");
      break;
    }
    // Controls (CR/LF above all) would end the reply line or forge a second one.
    out += printable(c) ? c : (c == '\t' || c == '\r' || c == '\n' ? ' ' : '?');
  }
  return out;
}

core::Reply renderReply(const ReplyTemplate& t, core::Action action,
                        const std::map<std::string, std::string>& vars) {
  core::Reply r;
  if (action != core::Action::Reject && action != core::Action::TempFail) return r;
  const char cls = action == core::Action::Reject ? '5' : '4';
  r.code = t.code;
  r.enhanced = t.enhanced;
  if (r.code.empty() || r.code[0] != cls) {
    // 452/552 (storage) have a twin in the other class; everything else maps to the
    // generic 451 "local error" / 550 "not taken".
    const bool storage = r.code.size() == 3 && r.code.compare(1, 2, "52") == 0;
    r.code = std::string(1, cls) + (storage ? "52" : cls == '5' ? "50" : "51");
  }
  if (r.enhanced.empty()) r.enhanced = std::string(1, cls) + ".7.0";
  r.enhanced[0] = cls;

  std::string text;
  for (std::size_t i = 0; i < t.text.size(); ++i) {
    const auto close = t.text[i] == '{' ? t.text.find('}', i) : std::string::npos;
    if (close == std::string::npos) {
      text += t.text[i];
      continue;
    }
    const std::string name = t.text.substr(i + 1, close - i - 1);
    auto it = vars.find(name);
    text += safeText(it == vars.end() || it->second.empty() ? std::string_view("unknown") : it->second,
                     kMaxPlaceholder);
    i = close;
  }
  r.lines.push_back(safeText(text, kMaxReplyText));
  return r;
}

}  // namespace vouch::policy
