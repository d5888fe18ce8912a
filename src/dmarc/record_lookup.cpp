// Fetches and classifies _dmarc TXT records, reusing prefetched lookups and answers
// already seen in this evaluation. Owns the per-evaluation cache only; not shared
// between threads. Untrusted DNS data goes through parseRecord(); a lookup that fails
// (SERVFAIL, timeout) is remembered as TempError so a walk reports it once.

#include "dmarc/record_lookup.h"

#include "dns/names.h"

namespace vouch::dmarc {

void Prefetch::start(dns::Resolver& resolver, const std::string& domain) {
  if (domain.empty() || pending_.size() >= kMaxPending || pending_.count(domain)) return;
  pending_.emplace(domain, resolver.start("_dmarc." + domain, dns::RrType::TXT));
}

dns::PendingPtr Prefetch::take(const std::string& domain) {
  const auto it = pending_.find(domain);
  if (it == pending_.end()) return nullptr;
  dns::PendingPtr p = std::move(it->second);
  pending_.erase(it);
  return p;
}

SiteLookup classify(const dns::Answer& answer, Mode mode) {
  SiteLookup out;
  if (answer.temporary()) {
    out.kind = SiteLookup::Kind::TempError;
    out.why = std::string(dns::toString(answer.status));
    return out;
  }
  if (!answer.ok()) {
    out.why = "no record";
    return out;
  }
  std::size_t found = 0;
  for (const dns::Record& r : answer.records) {
    ParseResult p = parseRecord(r.text, mode);
    if (p.status == ParseStatus::NotDmarc) continue;
    if (++found == 1) out.parsed = std::move(p);
  }
  out.dmarcRecords = found;
  if (found == 1) {
    out.kind = SiteLookup::Kind::Record;
  } else {
    out.kind = SiteLookup::Kind::None;
    out.parsed = ParseResult{};
    out.why = found == 0 ? "no DMARC record" : std::to_string(found) + " DMARC records";
  }
  return out;
}

const SiteLookup& RecordSource::at(const std::string& domain) {
  if (const auto it = cache_.find(domain); it != cache_.end()) return it->second;
  dns::PendingPtr pending = prefetch_ != nullptr ? prefetch_->take(domain) : nullptr;
  if (!pending) pending = resolver_.start("_dmarc." + domain, dns::RrType::TXT);
  ++queries_;
  const dns::Answer answer = pending->wait(deadline_);
  return cache_.emplace(domain, classify(answer, mode_)).first->second;
}

}  // namespace vouch::dmarc
