// Replay: drives a core::Session through one stored message exactly as the milter
// would (connect, helo, mail, rcpt, headers, eoh, body chunks, eom). Used by `vouch
// check`, the session fuzzer and benchmarks. The message text is untrusted: it is split
// into headers and body the way Postfix does, never rejected. Stateless; one thread per
// Session as always. Nothing here throws for bad input.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/session.h"

namespace vouch::pipeline {

// Postfix hands body content to milters in chunks of at most this many bytes.
inline constexpr std::size_t kBodyChunk = 65535;

struct StoredMessage {
  // Values as the milter sees them with SMFIP_HDR_LEADSPC: text after the colon,
  // leading whitespace kept, continuation lines joined with a bare LF.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // every line ends in CRLF
};

// Splits RFC 5322 text (LF or CRLF line ends). Headers end at the first empty line or
// at the first line that is not a header (that line then starts the body, as in
// Postfix). A leading mbox "From " line is skipped. A last line without a newline gets
// CRLF, as SMTP would deliver it.
StoredMessage parseStoredMessage(std::string_view text);

struct Envelope {
  std::string clientIp;
  std::string clientName = "unknown";
  std::string helo;
  std::string mailFrom;            // as given; "" or "<>" = null sender
  std::vector<std::string> rcpts;  // none: the RCPT stage is skipped
  std::string authUser;            // {auth_authen}
  std::string daemonName;          // {daemon_name}
  std::string queueId;             // "i", set before the headers as Postfix does
};

struct ReplayOutcome {
  core::Verdict verdict;
  std::optional<core::Stage> decidedAt;  // the stage whose verdict ended the message
  core::RecordingActions actions;        // header edits requested at end of message
};

// Runs every stage until one decides; at end of message the Session always decides.
ReplayOutcome replay(core::Session& session, const Envelope& env, const StoredMessage& msg);

std::string_view toString(core::Stage s);

}  // namespace vouch::pipeline
