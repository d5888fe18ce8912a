// Typed findings that checks record on a Transaction and later stages read: DMARC reads
// SPF and DKIM, the policy reads everything. Plain values, no library types; filled by
// one thread at a time. Strings here come from outside and are untrusted until rendered.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/auth_results.h"

namespace vouch::core {

struct SpfFinding {
  Result result = Result::None;
  std::string identity;     // "mailfrom" or "helo": which identity decided
  std::string domain;       // domain checked (MAIL FROM domain or HELO name)
  std::string sender;       // full checked sender (postmaster@helo for <>)
  std::string explanation;  // expanded exp= text for a fail, ASCII, bounded
  std::string reason;       // short human reason (e.g. "matched -all", "too many DNS lookups")
};

struct DkimFinding {
  Result result = Result::None;
  std::string domain;       // d=
  std::string selector;     // s=
  std::string algorithm;    // a=, e.g. "rsa-sha256", "ed25519-sha256"
  std::string identity;     // i= when present
  std::string bPrefix;      // first 8 characters of b=
  std::string reason;
  unsigned keyBits = 0;     // RSA key size, 0 for Ed25519 or unknown
  bool bodyLengthLimited = false;  // l= was used
  bool checked = true;      // false when over dkim.max_signatures
};

// The RFC5322.From as parsed; `problem` is empty when exactly one usable domain exists.
struct FromFinding {
  std::vector<std::string> addresses;  // every address found, local@domain
  std::string domain;                  // the single author domain, lowercased
  std::string problem;                 // "none", "multiple", "multiple-domains", "no-domain", "unparsable"
  int headerCount = 0;
};

struct DmarcFinding {
  Result result = Result::None;
  std::string domain;        // RFC5322.From domain
  std::string orgDomain;     // organizational domain found
  std::string policyDomain;  // where the applied record was found
  std::string policy;        // policy that applies to this message: none/quarantine/reject
  std::string publishedP;    // p= of the record
  std::string disposition;   // what we did: none/quarantine/reject (filled by the policy step)
  bool testing = false;      // t=y
  bool spfAligned = false;
  bool dkimAligned = false;
  std::string reason;
};

struct Findings {
  std::optional<SpfFinding> spf;       // the identity that decided (mailfrom, or helo for <>)
  std::optional<SpfFinding> spfHelo;   // the HELO identity's own result, when checked
  std::vector<DkimFinding> dkim;
  std::optional<FromFinding> from;
  std::optional<DmarcFinding> dmarc;
  std::vector<std::string> notes;      // internal problems worth logging
};

}  // namespace vouch::core
