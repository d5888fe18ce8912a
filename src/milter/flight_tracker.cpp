// FlightTracker implementation (flight_tracker.h): a counter and a flag under one mutex.
// Called from libmilter's worker threads (begin/end) and from the main thread during
// shutdown (startDraining/waitDrained). Trusts its callers to pair begin and end; an
// unpaired end is ignored rather than wrapping the counter.
#include "milter/flight_tracker.h"

namespace vouch::milter {

bool FlightTracker::beginMessage() {
  std::lock_guard lock(mutex_);
  if (draining_) return false;
  ++inFlight_;
  return true;
}

void FlightTracker::endMessage() {
  std::lock_guard lock(mutex_);
  if (inFlight_ > 0) --inFlight_;
  if (inFlight_ == 0) idle_.notify_all();
}

std::size_t FlightTracker::inFlight() const {
  std::lock_guard lock(mutex_);
  return inFlight_;
}

void FlightTracker::startDraining() {
  std::lock_guard lock(mutex_);
  draining_ = true;
}

bool FlightTracker::draining() const {
  std::lock_guard lock(mutex_);
  return draining_;
}

std::size_t FlightTracker::waitDrained(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  idle_.wait_for(lock, timeout, [this] { return inFlight_ == 0; });
  return inFlight_;
}

}  // namespace vouch::milter
