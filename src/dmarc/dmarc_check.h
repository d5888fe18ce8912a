// The dmarc check: records the RFC5322.From finding (txn.findings.from) and the DMARC
// finding (txn.findings.dmarc) with its Authentication-Results entry, at end of message,
// after spf and dkim verify. Starts the _dmarc lookups when the From header arrives.
// One instance per Session (one thread at a time); the factory is immutable and shared.
// Bad mail and DNS trouble become findings, never exceptions.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/check.h"
#include "dns/resolver.h"

namespace vouch::dmarc {

class DmarcCheckFactory {
 public:
  // Null with errors appended when the configuration cannot work (e.g. the Public
  // Suffix List of rfc7489 mode does not load).
  static std::shared_ptr<const core::CheckFactory> create(const config::Config& config,
                                                          std::shared_ptr<dns::Resolver> resolver,
                                                          std::vector<config::Error>& errors);
};

}  // namespace vouch::dmarc
