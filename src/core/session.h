// Session: one SMTP connection driven stage by stage by a front end (milter, `vouch
// check`, policy server, tests). Owns the connection's checks and the current
// Transaction; runs the checks of each stage in their declared order, then asks the
// Decider. Checks may leave work running between stages (SPF starts at MAIL FROM); the
// Session settles it before a decider that needs findings (MAIL FROM/RCPT, see
// Decider::needsFindings), before end of message, and whenever a stage decides the
// message, so a verdict is never reached, logged or reported on missing findings. At end of message it renders the one Authentication-Results header and asks
// for the removal of forged ones claiming our authserv-id (highest index first).
// One thread at a time (the milter may switch threads between stages, never overlap).
// Returns verdicts, never throws for bad input; exceptions mean vouch itself broke.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/check.h"
#include "core/ip.h"

namespace vouch::core {

struct SessionOptions {
  std::string authservId;                 // our authserv-id (hostname by default)
  std::size_t maxHeaders = 1000;          // headers kept; beyond: txn.headersTruncated
  std::size_t maxHeaderBytes = 1 << 20;   // total header bytes kept
  std::vector<Cidr> internalNetworks;     // clients whose mail is outbound
  std::vector<std::string> outboundDaemons;  // {daemon_name} values whose mail is outbound
  bool signAuthenticated = true;          // SMTP-authenticated mail is outbound
};

class Session {
 public:
  Session(SessionOptions options, std::vector<std::unique_ptr<Check>> checks,
          std::shared_ptr<const Decider> decider);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  Connection& connection() { return conn_; }
  const Connection& connection() const { return conn_; }
  Transaction& transaction() { return txn_; }
  const Transaction& transaction() const { return txn_; }
  const SessionOptions& options() const { return options_; }

  // clientIp may be IPv4-mapped IPv6; it is unmapped here.
  Verdict connect(std::string_view clientIp, std::string_view clientName);
  Verdict helo(std::string_view name);
  // Starts a new transaction. mailFromRaw as given by the MTA, with or without <>.
  Verdict mailFrom(std::string_view mailFromRaw);
  Verdict rcpt(std::string_view rcptRaw);
  Verdict header(std::string_view name, std::string_view value);
  Verdict endOfHeaders();
  Verdict body(std::span<const char> chunk);
  // Runs every check's end-of-message step, decides, and records the header edits.
  Verdict endOfMessage(Actions& actions);
  void abort();
  // Makes every finding of the current message final (waits for checks' background
  // work). For front ends that read findings without reaching end of message, e.g. the
  // policy server after mailFrom(). Cheap when nothing is pending.
  void settle();

 private:
  // Runs fn(check) over the checks in order; then, when `stage` is set and nothing
  // stopped, asks the decider. Header and body stages have no decider call.
  template <typename Fn>
  Verdict runStage(std::optional<Stage> stage, Fn&& fn);
  void classify();
  void noteHeaderForAr(std::string_view name, std::string_view value);
  void resetTransaction();

  SessionOptions options_;
  std::vector<std::unique_ptr<Check>> checks_;
  std::shared_ptr<const Decider> decider_;
  std::string ourId_;     // the authserv-id our own header claims, lowercased
  Connection conn_;
  Transaction txn_;
  bool stopped_ = false;  // a stage decided; later stages of this message are skipped
  std::size_t arHeaders_ = 0;          // Authentication-Results seen in this message
  std::vector<std::size_t> forgedAr_;  // their 1-based indices claiming ourId_
};

}  // namespace vouch::core
