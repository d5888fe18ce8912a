// The milter daemon (`vouch milter`): start-up order, reload and shutdown around
// libmilter. Start-up: block control signals (before any thread), load the config,
// build the first Snapshot and open the socket as root, drop to general.user, create
// the resolver, then serve. SIGHUP/SIGUSR1 reload (a broken config is refused and the
// old snapshot keeps serving); SIGTERM/SIGINT drain messages in flight for up to
// milter.shutdown_grace_s, smfi_stop, exit 0. Start-up failures return exit status 2
// with one clear message; it owns every long-lived object of the daemon.
#pragma once

#include <string>
#include <vector>

namespace vouch::milter {

struct MilterOptions {
  std::string configPath;              // main config file (conf.d/ beside it is merged)
  std::vector<std::string> overrides;  // --set key=value, re-applied on every reload
  std::string dnsFile;                 // answer DNS from this zone file (tests); "" = libunbound
};

// Runs the daemon in the foreground. Returns only when start-up fails (2) or the
// listener dies (1); a requested stop ends the process with status 0.
int runMilter(const MilterOptions& options);

}  // namespace vouch::milter
