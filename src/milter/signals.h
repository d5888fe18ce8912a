// Control signals of the milter daemon: SIGHUP and SIGUSR1 reload, SIGTERM and SIGINT
// stop. They are blocked in the main thread before any thread exists, so every thread
// (libunbound's, libmilter's) inherits the block, and the main thread takes them one at
// a time with sigwait. libmilter's own signal thread (which would stop the milter on
// SIGHUP) is never started: see signals.cpp. Errors are returned, never thrown.
#pragma once

#include <signal.h>

#include <string>

namespace vouch::milter {

enum class ControlSignal { Reload, Stop, Other };

// SIGHUP, SIGUSR1, SIGTERM, SIGINT.
sigset_t controlSignalSet();
// pthread_sigmask(SIG_BLOCK, controlSignalSet()) on the calling thread.
bool blockControlSignals(std::string& error);
// Blocks until one of the control signals arrives; returns it (number in *signo).
ControlSignal waitControlSignal(int* signo);

}  // namespace vouch::milter
