// UnboundResolver: the production dns::Resolver on libunbound. One shared ub_ctx in
// threaded async mode and one event thread that polls ub_fd() and runs ub_process();
// start() submits ub_resolve_async() and returns a Pending the caller waits on with its
// own deadline, capped by the per-query timeout, after which the query is ub_cancel()led.
// Thread-safe: any thread may start and wait. Upstream trouble (timeouts, SERVFAIL, bogus
// DNSSEC) is an Answer status, never an exception. Blocks no signals itself.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "config/config.h"
#include "dns/resolver.h"

namespace vouch::dns {

struct UnboundOptions {
  std::vector<std::string> nameservers;  // "127.0.0.1@5353"; empty = /etc/resolv.conf
  int timeoutMs = 5000;                  // longest wait for one answer
  std::string trustAnchorFile;           // DNSSEC anchor; empty = no validation
  int cacheMb = 32;                      // msg cache and rrset cache, MB each
  int infraHostTtlS = 10;                // how long a dead upstream is skipped

  static UnboundOptions fromConfig(const config::Config& cfg);
};

class UnboundResolver final : public Resolver {
 public:
  // nullptr with `error` set when libunbound cannot be set up (bad nameserver, anchor...).
  static std::shared_ptr<UnboundResolver> create(const UnboundOptions& options, std::string& error);
  ~UnboundResolver() override;
  UnboundResolver(const UnboundResolver&) = delete;
  UnboundResolver& operator=(const UnboundResolver&) = delete;

  PendingPtr start(std::string_view name, RrType type) override;

  struct Core;  // unbound_resolver.cpp: ctx + in-flight queries, shared with Pendings

 private:
  UnboundResolver(std::shared_ptr<Core> core, int wakeFd);
  void run();

  std::shared_ptr<Core> core_;
  int wakeFd_;  // eventfd that wakes the event thread for shutdown
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace vouch::dns
