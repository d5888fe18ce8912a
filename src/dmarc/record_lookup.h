// _dmarc TXT lookups for one message: Prefetch holds lookups started when the From
// header arrived; RecordSource answers "what DMARC record is at this domain" once per
// domain per evaluation (a tree walk and alignment walks share answers), counting the
// queries it makes. One thread at a time (a check instance); DNS text is untrusted.
// DNS failures are values: SiteLookup::Kind::TempError.
#pragma once

#include <cstddef>
#include <map>
#include <string>

#include "dmarc/record.h"
#include "dns/resolver.h"

namespace vouch::dmarc {

struct SiteLookup {
  enum class Kind { Record, None, TempError };
  Kind kind = Kind::None;
  ParseResult parsed;  // when Kind::Record (status Ok or NoPolicy)
  std::string why;     // "no record", "2 records", "SERVFAIL", ...
  std::size_t dmarcRecords = 0;  // v=DMARC1 records seen at the name
};

// Lookups started ahead of time, keyed by the normalised domain (not the _dmarc name).
class Prefetch {
 public:
  static constexpr std::size_t kMaxPending = 32;
  void start(dns::Resolver& resolver, const std::string& domain);
  dns::PendingPtr take(const std::string& domain);
  void clear() { pending_.clear(); }
  std::size_t size() const { return pending_.size(); }

 private:
  std::map<std::string, dns::PendingPtr> pending_;
};

class RecordSource {
 public:
  RecordSource(dns::Resolver& resolver, Mode mode, dns::Deadline deadline, Prefetch* prefetch)
      : resolver_(resolver), mode_(mode), deadline_(deadline), prefetch_(prefetch) {}

  // The DMARC record at `domain` (normalised, without "_dmarc."). Records that are not
  // DMARC are dropped; several DMARC records count as none (RFC 9989 4.10 step 2).
  const SiteLookup& at(const std::string& domain);
  std::size_t queries() const { return queries_; }
  dns::Resolver& resolver() { return resolver_; }
  dns::Deadline deadline() const { return deadline_; }

 private:
  dns::Resolver& resolver_;
  Mode mode_;
  dns::Deadline deadline_;
  Prefetch* prefetch_;
  std::map<std::string, SiteLookup> cache_;
  std::size_t queries_ = 0;
};

// SiteLookup from a TXT answer (exposed for tests and fuzzing).
SiteLookup classify(const dns::Answer& answer, Mode mode);

}  // namespace vouch::dmarc
