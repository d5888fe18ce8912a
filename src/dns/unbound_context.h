// UnboundContext: the one owner of a libunbound `ub_ctx`, configured once in the order
// libunbound demands (forwarders, options, async-thread mode, trust anchor, and last the
// local-zone edits that finalise it). See notes/libraries.md section 4 for why each step.
// Configuration happens on one thread before sharing; afterwards libunbound's own locks
// make the handle thread-safe. Failures come back as a message, never as an exception.
#pragma once

#include <memory>
#include <string>
#include <vector>

struct ub_ctx;

namespace vouch::dns {

struct UnboundSetup {
  std::vector<std::string> nameservers;  // "IP" or "IP@PORT"; empty = /etc/resolv.conf
  std::string trustAnchorFile;           // empty = no DNSSEC validation
  int cacheMb = 32;
  int infraHostTtlS = 10;
};

class UnboundContext {
 public:
  // nullptr with `error` set when libunbound refuses a step.
  static std::unique_ptr<UnboundContext> create(const UnboundSetup& setup, std::string& error);
  ~UnboundContext();
  UnboundContext(const UnboundContext&) = delete;
  UnboundContext& operator=(const UnboundContext&) = delete;

  ub_ctx* get() const { return ctx_; }

 private:
  explicit UnboundContext(ub_ctx* ctx) : ctx_(ctx) {}
  ub_ctx* ctx_;
};

}  // namespace vouch::dns
