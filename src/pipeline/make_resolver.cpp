// makeResolver (see snapshot.h): the one long-lived resolver of a process. A zone file
// (`--dns-file`, tests) gives a ZoneResolver parsed by ldns; otherwise libunbound with
// the dns.* settings, behind a CachingResolver so answers libunbound already gave are
// reused without a trip through its event thread. Built once at start-up, outlives
// snapshots (it is not reloaded).
// Failures return null with a message for the operator; nothing throws.
#include "dns/caching_resolver.h"
#include "dns/unbound_resolver.h"
#include "dns/zone_resolver.h"
#include "pipeline/snapshot.h"

namespace vouch::pipeline {

std::shared_ptr<dns::Resolver> makeResolver(const config::Config& config,
                                            const std::string& zoneFile, std::string& error) {
  if (!zoneFile.empty()) {
    auto zone = dns::ZoneResolver::fromFile(zoneFile, error);
    if (!zone && error.empty()) error = zoneFile + ": cannot load zone";
    return zone;
  }
  auto unbound = dns::UnboundResolver::create(dns::UnboundOptions::fromConfig(config), error);
  if (!unbound) {
    if (error.empty()) error = "cannot set up the libunbound resolver";
    return nullptr;
  }
  return std::make_shared<dns::CachingResolver>(std::move(unbound));
}

}  // namespace vouch::pipeline
