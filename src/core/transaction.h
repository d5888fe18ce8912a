// Transaction: one message on a connection, rebuilt at each MAIL FROM (and after an
// abort). Holds the envelope, the header list (bounded by limits.*), the findings of
// every check and the resulting AuthResults. One thread at a time; untrusted content.
#pragma once

#include <string>
#include <vector>

#include "core/auth_results.h"
#include "core/findings.h"
#include "core/verdict.h"

namespace vouch::core {

struct Header {
  std::string name;   // as received, case preserved
  std::string value;  // as received: leading whitespace kept, folding as LF or CRLF
};

struct Transaction {
  std::string queueId;               // MTA queue id once known ("i" macro)
  std::string mailFromRaw;           // as given, e.g. "<a@b.org>"
  std::string mailFrom;              // angle brackets stripped; empty = null sender
  std::vector<std::string> rcpts;
  std::vector<Header> headers;       // in order, up to limits.max_headers
  std::size_t headerBytes = 0;       // total received, even past the limit
  std::size_t headerCount = 0;       // total received, even past the limit
  bool headersTruncated = false;     // a header limit was hit
  std::size_t bodyBytes = 0;
  bool outbound = false;             // to be signed rather than judged
  Findings findings;
  AuthResults authResults;
  Verdict verdict;                   // set by the policy step (or an early stage)
};

}  // namespace vouch::core
