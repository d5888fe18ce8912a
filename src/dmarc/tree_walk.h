// The RFC 9989 4.10 DNS Tree Walk and the 4.10.2 choice of Organizational Domain, over a
// RecordSource. Bounded: at most maxQueries lookups per walk (the 8-label shortcut
// generalised to the configured limit). One thread at a time; names are normalised
// before use. DNS trouble stops the walk and is reported in WalkResult, never thrown.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "dmarc/record_lookup.h"

namespace vouch::dmarc {

std::size_t labelCount(std::string_view domain);
// The right-most n labels of domain ("a.b.example.com", 2 -> "example.com").
std::string lastLabels(std::string_view domain, std::size_t n);

// The names a walk from `domain` may query, in order: the domain itself, then (when it
// has more labels than maxQueries - 1) its suffix of maxQueries - 1 labels, then one
// label less at a time down to the top-level domain.
std::vector<std::string> walkTargets(const std::string& domain, std::size_t maxQueries);

struct WalkResult {
  bool tempError = false;
  std::string tempDomain;  // where the walk hit SERVFAIL/timeout
  // Domains holding exactly one DMARC record, longest first, with that record.
  std::vector<std::pair<std::string, const SiteLookup*>> records;
  std::size_t queried = 0;
};

// Walks up from `start` (querying it unless skipStart) and stops at the first record
// carrying psd=y or psd=n, at a DNS failure, or at the top-level domain.
WalkResult treeWalk(RecordSource& source, const std::string& start, std::size_t maxQueries, bool skipStart = false);

// RFC 9989 4.10.2: psd=n -> that domain; psd=y (not at start) -> one label below it on
// the way to start; otherwise the record with the fewest labels; otherwise start.
std::string selectOrgDomain(const std::string& start, const WalkResult& walk);

}  // namespace vouch::dmarc
