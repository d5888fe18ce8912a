// FlightTracker: counts the messages in flight (MAIL FROM accepted, end of message or
// abort not yet seen) and carries the "draining" flag set on SIGTERM, so shutdown can
// stop taking new messages and wait, up to milter.shutdown_grace_s, for the rest.
// Thread-safe (mutex + condition variable); shared by every worker and the main thread.
// Never fails; a wait that times out reports how many messages were left.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace vouch::milter {

class FlightTracker {
 public:
  // False when draining: the caller must refuse the new message (tempfail).
  bool beginMessage();
  void endMessage();
  std::size_t inFlight() const;

  void startDraining();
  bool draining() const;
  // Waits until no message is in flight or the timeout passes; returns how many are
  // still in flight (0 = drained).
  std::size_t waitDrained(std::chrono::milliseconds timeout);

 private:
  mutable std::mutex mutex_;
  std::condition_variable idle_;
  std::size_t inFlight_ = 0;
  bool draining_ = false;
};

}  // namespace vouch::milter
