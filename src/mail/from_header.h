// The RFC5322.From of a message as DMARC and the local policy need it: every From
// header found, parsed strictly, reduced to one author domain or to a named problem
// ("none", "multiple", "multiple-domains", "no-domain", "unparsable"). Pure; thread-safe;
// headers are untrusted. Never throws; the policy engine turns problems into actions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/findings.h"
#include "core/transaction.h"
#include "mail/address.h"

namespace vouch::mail {

struct FromAnalysis {
  core::FromFinding finding;
  std::vector<std::string> domains;  // distinct valid author domains, in order of appearance
  // When a From header does not parse: every host name that follows an '@' in it, i.e.
  // what a lenient reader (an MUA, another filter) might show as the author. DMARC
  // judges each, so a malformed From cannot hide a domain that publishes a policy.
  std::vector<std::string> suspectDomains;
  std::string detail;                // human reason for a problem (parser error, ...)
};

// The suspect domains of one header value (lenient scan; bounded by `max`).
std::vector<std::string> suspectDomains(std::string_view headerValue, std::size_t max);

// Looks at every header named From (any case). With more than one From header the
// problem is "multiple" even if they agree; `domain` is still set when all addresses of
// all From headers share one valid domain, so a policy may choose to evaluate it.
FromAnalysis analyzeFrom(const std::vector<core::Header>& headers, const ParseLimits& limits = {});

// The same for a list of From header values (tests, fuzzing, prefetch).
FromAnalysis analyzeFromValues(const std::vector<std::string_view>& values, const ParseLimits& limits = {});

}  // namespace vouch::mail
