// Evaluator: DMARC for one author domain, from the SPF and DKIM findings already
// recorded and the DNS. RFC 9989 (tree walk, psd, np, t) or RFC 7489 (Public Suffix
// List, pct) by configuration. Immutable and shared across threads; each evaluate() call
// keeps its own lookups. Findings and DNS data are untrusted. Never throws for bad data:
// DNS trouble is temperror, an unusable record permerror.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/findings.h"
#include "dmarc/psl.h"
#include "dmarc/record.h"
#include "dmarc/record_lookup.h"
#include "dns/resolver.h"

namespace vouch::dmarc {

struct EvaluatorConfig {
  Mode mode = Mode::Rfc9989;
  std::size_t maxTreeWalk = 8;                   // dmarc.max_tree_walk
  std::shared_ptr<const PublicSuffixList> psl;   // required in Rfc7489 mode
};

// Returns 0..99; a failing message is subject to the policy when the value is below
// pct (RFC 7489 6.6.4). Tests pass a fixed sampler.
using PctSampler = std::function<int()>;

class Evaluator {
 public:
  explicit Evaluator(EvaluatorConfig config) : config_(std::move(config)) {}

  // `authorDomain` must be a valid host name (lowercase, as FromFinding gives it).
  core::DmarcFinding evaluate(const std::string& authorDomain, const core::Findings& findings,
                              dns::Resolver& resolver, dns::Deadline deadline,
                              Prefetch* prefetch = nullptr, const PctSampler& sampler = {}) const;

  // The domains whose _dmarc records evaluate() will most likely need, to start early.
  std::vector<std::string> prefetchDomains(const std::string& authorDomain) const;

  const EvaluatorConfig& config() const { return config_; }

 private:
  EvaluatorConfig config_;
};

}  // namespace vouch::dmarc
