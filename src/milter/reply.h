// Reply planning: turns a core::Verdict into what the milter tells the MTA (a
// disposition plus an SMTP reply that libmilter will accept). Pure functions, no
// libmilter types, so every rule is unit-tested: the code class must match the action
// (Postfix silently swaps a mismatched reply for a generic one), `%` is doubled, CR/LF
// and other non-printables never reach the MTA, lines are bounded. Never throws on
// hostile text; an unusable code is replaced by the action's default.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/verdict.h"

namespace vouch::milter {

// What the callback returns, independent of libmilter's numbering (see smfi_status.h).
enum class Disposition { Continue, Accept, Discard, TempFail, Reject };

struct SmtpReply {
  std::string code;                // "550"
  std::string enhanced;            // "5.7.26"
  std::vector<std::string> lines;  // already escaped for smfi_setreply (`%` doubled)
  bool empty() const { return code.empty(); }
};

struct ReplyPlan {
  Disposition disposition = Disposition::Continue;
  SmtpReply reply;             // empty: let the MTA use its default text
  bool quarantine = false;     // hold the message (only effective at end of message)
  std::string quarantineReason;
};

// Bounds that keep a reply inside RFC 5321's 512-octet reply line and
// smfi_setmlreply's argument limit.
inline constexpr std::size_t kMaxReplyLineChars = 400;
inline constexpr std::size_t kMaxReplyLines = 8;

// Printable ASCII: CR, LF and TAB become spaces, other control or non-ASCII bytes
// become '?'; cut to maxChars. For texts libmilter passes on verbatim (quarantine).
std::string printableAscii(std::string_view text, std::size_t maxChars);

// Printable ASCII with `%` doubled: CR, LF and TAB become spaces, other control or
// non-ASCII bytes become '?'. Cut to kMaxReplyLineChars before escaping.
std::string escapeReplyText(std::string_view text);

// True for "4xx"/"5xx" three-digit codes.
bool validReplyCode(std::string_view code);
// True for "c.sss.ddd" (RFC 3463) whose class digit equals `cls`.
bool validEnhancedCode(std::string_view enhanced, char cls);

// Default replies when the verdict's own is missing or unusable.
SmtpReply defaultReply(core::Action action);

// Maps a verdict to the disposition and a safe reply. `endOfMessage` tells whether the
// verdict arrives at end of message: earlier, Accept and Quarantine mean "carry on"
// (the headers still have to be written at end of message).
ReplyPlan planReply(const core::Verdict& verdict, bool endOfMessage);

// The verdict used when vouch itself fails, from milter.internal_error_action
// ("tempfail" 451 4.3.0, "reject" 550 5.3.0, "accept"). Unknown values fail safe
// to tempfail.
core::Verdict internalErrorVerdict(std::string_view configuredAction);

}  // namespace vouch::milter
