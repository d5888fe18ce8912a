// Reply templates: checking a policy's reply texts at load time and rendering them with
// values from the message ({domain}, {result}, {explanation}, {client_ip}, {policy}).
// Substituted values come from outside (DNS, the SMTP client) and are made safe here:
// printable ASCII only, CR/LF and controls replaced, each value and the line bounded.
// Doubling '%' for libmilter is the milter's job. Pure functions, never throw.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/verdict.h"
#include "policy/rules.h"

namespace vouch::policy {

inline constexpr std::size_t kMaxReplyText = 400;   // stays well inside SMTP's 512-octet line
inline constexpr std::size_t kMaxPlaceholder = 120;  // one substituted value

// "" when the template is usable, else why not (unknown placeholder, bad code, ...).
std::string checkTemplate(const ReplyTemplate& t);

// Printable ASCII, at most `max` characters, "..." marking a cut.
std::string safeText(std::string_view in, std::size_t max);

// The reply for `action` (Reject or TempFail): the code class follows the action, so a
// 5xx template used for a tempfail becomes 451 / 4.x.y and vice versa.
core::Reply renderReply(const ReplyTemplate& t, core::Action action,
                        const std::map<std::string, std::string>& vars);

}  // namespace vouch::policy
