// Control signal handling (signals.h), and the one deliberate override of a libmilter
// internal. smfi_main() calls mi_control_startup(), which starts a thread that sigwaits
// on SIGHUP/SIGTERM/SIGINT and stops the milter on SIGHUP. With that thread alive a
// SIGHUP would go to whichever sigwaiting thread the kernel picks, so a reload could
// kill the daemon. libmilter.so calls mi_control_startup through its PLT, so the
// definition below (exported by the vouch executable) takes its place: no libmilter
// signal thread, vouch's main thread alone owns the control signals, and shutdown goes
// through smfi_stop(). libmilter's stop flag needs no set-up (a zero-filled mutex is a
// valid default pthread mutex in glibc).
#include "milter/signals.h"

#include <pthread.h>

#include <cstring>

extern "C" int mi_control_startup(char*) { return 0; /* MI_SUCCESS */ }

namespace vouch::milter {

sigset_t controlSignalSet() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGUSR1);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

bool blockControlSignals(std::string& error) {
  const sigset_t set = controlSignalSet();
  const int rc = pthread_sigmask(SIG_BLOCK, &set, nullptr);
  if (rc != 0) {
    error = std::string("pthread_sigmask: ") + std::strerror(rc);
    return false;
  }
  return true;
}

ControlSignal waitControlSignal(int* signo) {
  const sigset_t set = controlSignalSet();
  int sig = 0;
  if (sigwait(&set, &sig) != 0) sig = 0;
  if (signo != nullptr) *signo = sig;
  switch (sig) {
    case SIGHUP:
    case SIGUSR1:
      return ControlSignal::Reload;
    case SIGTERM:
    case SIGINT:
      return ControlSignal::Stop;
    default:
      return ControlSignal::Other;
  }
}

}  // namespace vouch::milter
