// Check: one authentication step (spf, dkim verify, dkim sign, dmarc, ...) with one
// method per SMTP stage. A Session owns one instance of each check per connection, so
// per-message state may live in the check and is reset in onMailFrom/onAbort. Stages
// return Flow::Stop only after setting txn.verdict (an early decision). Checks never
// throw for bad mail or DNS trouble: those are RFC results recorded as findings.
// A check may start slow work (DNS) in one stage and record its findings later, in
// settle(): the MTA then waits for the slowest lookup, not for the sum of them.
#pragma once

#include <memory>
#include <span>
#include <string_view>

#include "core/actions.h"
#include "core/connection.h"
#include "core/transaction.h"

namespace vouch::core {

enum class Flow { Continue, Stop };

class Check {
 public:
  virtual ~Check() = default;
  virtual std::string_view name() const = 0;

  virtual Flow onConnect(Connection&) { return Flow::Continue; }
  virtual Flow onHelo(Connection&) { return Flow::Continue; }
  virtual Flow onMailFrom(Connection&, Transaction&) { return Flow::Continue; }
  virtual Flow onRcpt(Connection&, Transaction&, std::string_view /*rcpt*/) { return Flow::Continue; }
  // Called for each header as it arrives (already stored in txn.headers unless a
  // limit was hit); a chance to start DNS prefetches.
  virtual Flow onHeader(Connection&, Transaction&, const Header&) { return Flow::Continue; }
  virtual Flow onEndOfHeaders(Connection&, Transaction&) { return Flow::Continue; }
  virtual Flow onBody(Connection&, Transaction&, std::span<const char> /*chunk*/) { return Flow::Continue; }
  // Record findings and AuthResults entries; request header edits through actions.
  virtual Flow onEndOfMessage(Connection&, Transaction&, Actions&) { return Flow::Continue; }
  virtual void onAbort(Connection&, Transaction&) {}
  // Waits for background work this check started for the current message and records
  // its findings. The Session calls it before anyone reads findings (a decider that
  // needs them, end of message, a front end via Session::settle()); it may come more
  // than once per message, so it must be idempotent and cheap when nothing is pending.
  virtual void settle(Connection&, Transaction&) {}
};

// Decides the verdict from the findings: at MAIL FROM/RCPT (may reject early) and at
// end of message. Implemented by src/policy; Session calls it after the checks of a stage.
enum class Stage { Connect, Helo, MailFrom, Rcpt, EndOfHeaders, EndOfMessage };

class Decider {
 public:
  virtual ~Decider() = default;
  virtual Verdict decide(Stage stage, const Connection& conn, const Transaction& txn) const = 0;
  // Whether decide(stage) may read findings that checks settle late (SPF). False lets
  // the Session answer MAIL FROM/RCPT without waiting for DNS; when unsure, say true.
  virtual bool needsFindings(Stage) const { return true; }
  // Called once at end of message, after decide() and before the Authentication-Results
  // header is rendered: a chance to add to txn (e.g. DMARC disposition, policy notes).
  virtual void annotate(const Connection&, Transaction&) const {}
};

// Builds one Check per Session. Each check module (spf, dkim verify, dkim sign, dmarc)
// provides a factory made from the config, e.g.
//   XxxCheckFactory::create(const config::Config&, ..., std::vector<config::Error>&)
// returning std::shared_ptr<const core::CheckFactory>. Immutable once built; makeCheck()
// is called from any thread. Modules never depend on src/pipeline.
struct CheckFactory {
  virtual ~CheckFactory() = default;
  virtual std::unique_ptr<Check> makeCheck() const = 0;
};

}  // namespace vouch::core
