// The libmilter callback table. Each callback finds its ConnectionHandler through
// smfi_getpriv, calls it, maps the ReplyPlan to sfsistat and is a few lines long; none
// lets an exception reach libmilter (each applies milter.internal_error_action).
// Callbacks run on libmilter's worker pool: one connection's callbacks may come on
// different threads, one at a time. Everything shared comes from the CallbackHost.
#pragma once

#include <libmilter/mfapi.h>

#include <memory>

#include "milter/flight_tracker.h"
#include "milter/message_log.h"
#include "pipeline/snapshot.h"

namespace vouch::milter {

// What the callbacks need from the daemon; thread-safe, outlives smfi_main.
class CallbackHost {
 public:
  virtual ~CallbackHost() = default;
  // The snapshot new connections start with (swapped whole by a reload).
  virtual std::shared_ptr<const pipeline::Snapshot> currentSnapshot() const = 0;
  virtual FlightTracker& flights() = 0;
  virtual MilterLog& log() = 0;
  // The TCP port vouch listens on; 0 for a unix socket (see quick_ack.h).
  virtual int tcpListenPort() const { return 0; }
  // A TCP connection whose socket could not be found: logged once by the host.
  virtual void quickAckUnavailable() {}
};

// The description for smfi_register, bound to `host`. libmilter's callbacks carry no
// user pointer, so the host is kept in one process-wide pointer set here, once, before
// smfi_main (the only mutable global in vouch, and written before any worker exists).
smfiDesc makeMilterDescription(CallbackHost& host);

// The protocol steps (SMFIP_*) vouch asks for out of what the MTA offers: header
// values with their leading space, no unknown/DATA callbacks, and no reply at every
// stage that cannot refuse anything: connect, HELO, each header, end of headers, body
// chunks, and MAIL FROM/RCPT TO unless the local policy may refuse there
// (`refusesBeforeData`). Each reply costs the MTA a wait and libmilter a hand-off between
// threads, so a message now costs one exchange (end of message) instead of five; a
// refusal found at a quiet stage is given at end of message. SKIP only without NR_BODY.
unsigned long wantedProtocol(unsigned long offered, bool refusesBeforeData);
// The actions (SMFIF_*) vouch asks for out of what the MTA offers.
unsigned long wantedActions(unsigned long offered);

}  // namespace vouch::milter
