// Reply planning for the milter front end: verdict -> disposition + safe SMTP reply.
// Pure and stateless; safe from any thread. Treats every reply text as hostile (it may
// quote a domain or an SPF explanation) and never throws on it.
// Why the rules: libmilter drops texts with a single `%` or CR/LF, and Postfix replaces
// a reply whose class does not match the action by a generic "550 5.7.1".
#include "milter/reply.h"

#include <cctype>

namespace vouch::milter {

std::string printableAscii(std::string_view text, std::size_t maxChars) {
  if (text.size() > maxChars) text = text.substr(0, maxChars);
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\r' || c == '\n' || c == '\t') {
      out += ' ';
    } else if (c < 0x20 || c >= 0x7f) {
      out += '?';
    } else {
      out += ch;
    }
  }
  return out;
}

std::string escapeReplyText(std::string_view text) {
  std::string out;
  for (char ch : printableAscii(text, kMaxReplyLineChars)) {
    out += ch;
    if (ch == '%') out += '%';
  }
  return out;
}

bool validReplyCode(std::string_view code) {
  return code.size() == 3 && (code[0] == '4' || code[0] == '5') &&
         std::isdigit(static_cast<unsigned char>(code[1])) &&
         std::isdigit(static_cast<unsigned char>(code[2]));
}

bool validEnhancedCode(std::string_view enhanced, char cls) {
  // class "." subject "." detail; subject and detail 1-3 digits (RFC 3463 section 2).
  if (enhanced.size() < 5 || enhanced[0] != cls || enhanced[1] != '.') return false;
  std::size_t pos = 2;
  for (int part = 0; part < 2; ++part) {
    std::size_t digits = 0;
    while (pos < enhanced.size() && std::isdigit(static_cast<unsigned char>(enhanced[pos]))) {
      ++pos;
      ++digits;
    }
    if (digits == 0 || digits > 3) return false;
    if (part == 0) {
      if (pos >= enhanced.size() || enhanced[pos] != '.') return false;
      ++pos;
    }
  }
  return pos == enhanced.size();
}

SmtpReply defaultReply(core::Action action) {
  switch (action) {
    case core::Action::Reject:
      return {"550", "5.7.1", {"Message rejected by mail authentication policy"}};
    case core::Action::TempFail:
      return {"451", "4.7.1", {"Temporary authentication failure, try again later"}};
    default:
      return {};
  }
}

namespace {

SmtpReply safeReply(const core::Reply& given, core::Action action) {
  if (given.code.empty()) return {};  // the MTA's own default text
  const char cls = action == core::Action::Reject ? '5' : '4';
  SmtpReply out;
  if (validReplyCode(given.code) && given.code[0] == cls) {
    out.code = given.code;
    out.enhanced = validEnhancedCode(given.enhanced, cls) ? given.enhanced
                                                          : defaultReply(action).enhanced;
  } else {
    out = defaultReply(action);
    out.lines.clear();
  }
  for (const auto& line : given.lines) {
    if (out.lines.size() == kMaxReplyLines) break;
    out.lines.push_back(escapeReplyText(line));
  }
  if (out.lines.empty()) out.lines = defaultReply(action).lines;
  return out;
}

}  // namespace

ReplyPlan planReply(const core::Verdict& verdict, bool endOfMessage) {
  ReplyPlan plan;
  switch (verdict.action) {
    case core::Action::Continue:
      break;
    case core::Action::Accept:
      plan.disposition = endOfMessage ? Disposition::Accept : Disposition::Continue;
      break;
    case core::Action::Quarantine:
      plan.quarantine = true;
      plan.quarantineReason =
          printableAscii(verdict.reason.empty() ? "vouch" : verdict.reason, kMaxReplyLineChars);
      break;
    case core::Action::Discard:
      plan.disposition = Disposition::Discard;
      break;
    case core::Action::TempFail:
      plan.disposition = Disposition::TempFail;
      plan.reply = safeReply(verdict.reply, verdict.action);
      break;
    case core::Action::Reject:
      plan.disposition = Disposition::Reject;
      plan.reply = safeReply(verdict.reply, verdict.action);
      break;
  }
  return plan;
}

core::Verdict internalErrorVerdict(std::string_view configuredAction) {
  core::Verdict v;
  v.reason = "internal error";
  if (configuredAction == "accept") {
    v.action = core::Action::Accept;
  } else if (configuredAction == "reject") {
    v.action = core::Action::Reject;
    v.reply = {"550", "5.3.0", {"Mail authentication failed, message refused"}};
  } else {
    v.action = core::Action::TempFail;
    v.reply = {"451", "4.3.0", {"Temporary mail authentication failure, try again later"}};
  }
  return v;
}

}  // namespace vouch::milter
