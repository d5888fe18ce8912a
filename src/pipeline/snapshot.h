// Snapshot: the composition root. Everything a reload swaps whole (config, local
// policy, DKIM key table and library handle, PSL, the check factories) built from one
// Config, plus the long-lived resolver. Immutable once built; shared across threads as
// std::shared_ptr<const Snapshot>; sessions keep the snapshot they started with, so
// connections in flight finish on the old one after a reload.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/session.h"
#include "dns/resolver.h"

namespace vouch::pipeline {

class Snapshot {
 public:
  // Validates and builds; on failure returns null and appends errors (file:line).
  static std::shared_ptr<const Snapshot> build(std::shared_ptr<const config::Config> config,
                                               std::shared_ptr<dns::Resolver> resolver,
                                               std::vector<config::Error>& errors);
  virtual ~Snapshot() = default;

  // A new Session with one instance of every enabled check, in the declared order:
  // spf, dkim verify, dmarc, dkim sign; then the local policy decides.
  virtual std::unique_ptr<core::Session> newSession() const = 0;
  virtual const config::Config& config() const = 0;
  virtual dns::Resolver& resolver() const = 0;
  // True when the local policy may refuse a message at MAIL FROM or RCPT TO, so the
  // milter must keep those replies; otherwise it asks the MTA not to wait on them.
  virtual bool refusesBeforeData() const { return true; }
};

// The production resolver from the config (libunbound), or a zone-file resolver when
// zoneFile is not empty (`--dns-file`). Null and a message on failure.
std::shared_ptr<dns::Resolver> makeResolver(const config::Config& config,
                                            const std::string& zoneFile, std::string& error);

}  // namespace vouch::pipeline
