// ConnectionHandler: the milter's per-connection object (hung off smfi_setpriv). Holds
// the pipeline::Snapshot the connection started with (a reload never changes it) and
// the core::Session built from it; turns each stage's Verdict into a ReplyPlan, applies
// header edits at end of message and writes the one log line per message. Knows nothing
// of libmilter (macros and edits come through small interfaces), so it is unit-tested.
// One thread at a time (libmilter may switch threads between callbacks, never overlap).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/session.h"
#include "milter/flight_tracker.h"
#include "milter/header_edits.h"
#include "milter/message_log.h"
#include "milter/reply.h"
#include "pipeline/snapshot.h"

namespace vouch::milter {

// Reads one MTA macro ("i", "{auth_authen}"); nullopt when the MTA did not send it.
class MacroReader {
 public:
  virtual ~MacroReader() = default;
  virtual std::optional<std::string> get(std::string_view name) const = 0;
};

// Stages the MTA does not wait on (SMFIP_NR_*, negotiated so that a message costs one
// round trip instead of five). A decision made at a quiet stage cannot be sent there; it
// is kept and given at end of message.
struct QuietStages {
  bool connect = false, helo = false, mail = false, rcpt = false, eoh = false;
};

class ConnectionHandler {
 public:
  ConnectionHandler(std::shared_ptr<const pipeline::Snapshot> snapshot, FlightTracker& flights,
                    MilterLog& log);
  ~ConnectionHandler();  // a message still open (connection lost) is ended and logged
  ConnectionHandler(const ConnectionHandler&) = delete;
  ConnectionHandler& operator=(const ConnectionHandler&) = delete;

  // What was negotiated with the MTA.
  void setLeadingSpace(bool on) { leadingSpace_ = on; }
  void setSkipAllowed(bool on) { skipAllowed_ = on; }
  void setQuietStages(QuietStages q) { quiet_ = q; }
  bool leadingSpace() const { return leadingSpace_; }

  ReplyPlan connect(std::string_view clientIp, std::string_view clientName,
                    const MacroReader& macros);
  ReplyPlan helo(std::string_view name);
  ReplyPlan mailFrom(std::string_view from, const MacroReader& macros);
  ReplyPlan rcpt(std::string_view rcpt);
  // Headers get no reply (SMFIP_NR_HDR): a decision here is applied at end of headers.
  void header(std::string_view name, std::string_view value);
  ReplyPlan endOfHeaders(const MacroReader& macros);
  // True when the rest of the body may be skipped (SMFIS_SKIP).
  bool body(std::span<const char> chunk);
  ReplyPlan endOfMessage(const MacroReader& macros, MessageEditor& editor);
  void abort();

  // vouch failed at `stage`: logs `what` with the queue id and returns the configured
  // milter.internal_error_action. Ends the message when the action ends it.
  ReplyPlan internalError(std::string_view stage, std::string_view what);

  const pipeline::Snapshot& snapshot() const { return *snapshot_; }

 private:
  ReplyPlan stageResult(const core::Verdict& v, std::string_view stage, bool quiet);
  bool quietAt(std::string_view stage) const;
  void finishMessage(const core::Verdict& v, std::string_view stage, const ReplyPlan& plan,
                     std::vector<std::string> problems);
  void readMessageMacros(const MacroReader& macros);

  std::shared_ptr<const pipeline::Snapshot> snapshot_;
  std::unique_ptr<core::Session> session_;
  FlightTracker& flights_;
  MilterLog& log_;
  bool leadingSpace_ = false;
  bool skipAllowed_ = false;
  bool inMessage_ = false;                 // counted in flights_
  QuietStages quiet_;
  core::Verdict pending_;                  // decided where no reply was possible
  core::Verdict connectionPending_;        // the same, at a quiet connect/HELO: every message
  std::chrono::steady_clock::time_point started_{};
};

}  // namespace vouch::milter
