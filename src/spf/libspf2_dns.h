// Libspf2Dns: the custom libspf2 DNS layer (SPF_dns_server_t) that answers every lookup
// through dns::Resolver, owned by one RAII object per evaluation together with its
// SPF_server_t (the server does not own a custom layer: the server is freed first).
// One thread at a time. DNS data is untrusted: TXT strings that vouch's own parser
// rejects are replaced before libspf2 compiles them (its macro parser has an unpatched
// underflow, CVE-2023-42118), and the layer never returns NULL (libspf2 would abort).
#pragma once

#include <netdb.h>
#include <netinet/in.h>
#include <arpa/nameser.h>

extern "C" {
#include <spf2/spf.h>
}

#include <set>
#include <string>

#include "spf/evaluator.h"

namespace vouch::spf::detail {

// What the layer learnt during one evaluation.
struct LayerStats {
  unsigned queries = 0;
  bool refusedRecord = false;  // a TXT record failed our own syntax check
  bool queryCapHit = false;    // more lookups than any RFC-conforming evaluation needs
  bool deadlineHit = false;
  bool firstLookupTemporary = false;  // the sender domain's own TXT lookup failed
  unsigned voidLookups = 0;
  bool voidLimitHit = false;  // libspf2 has no void limit; the layer enforces it
  bool mxLimitHit = false;    // more MX names than spf.max_mx_names
  unsigned dnsTerms = 0;      // estimated from the lookups (see libspf2_dns.cpp)
  bool termLimitHit = false;  // libspf2 counts per record; the layer counts them all
};

class Libspf2Dns {
 public:
  Libspf2Dns(dns::Resolver& resolver, const Limits& limits, dns::Deadline deadline);
  ~Libspf2Dns();
  Libspf2Dns(const Libspf2Dns&) = delete;
  Libspf2Dns& operator=(const Libspf2Dns&) = delete;

  SPF_server_t* server() const { return server_; }  // null when libspf2 could not start
  const LayerStats& stats() const { return stats_; }

 private:
  static SPF_dns_rr_t* lookup(SPF_dns_server_t* layer, const char* domain, ns_type type, int shouldCache);
  static void destroy(SPF_dns_server_t* layer);
  SPF_dns_rr_t* answer(SPF_dns_server_t* layer, const char* domain, ns_type type);
  // Counts a void answer to a mechanism's own lookup; true once past the limit.
  bool voidLimitExceeded(std::string_view name, dns::RrType type);
  // Counts a lookup that stands for a DNS-querying term; true once past the limit.
  bool termLimitExceeded(std::string_view name, dns::RrType type, const dns::Answer& answer);

  dns::Resolver& resolver_;
  unsigned queryCap_;
  unsigned maxVoid_;
  unsigned maxTerms_;
  unsigned maxMx_;
  unsigned maxPtr_;
  // MX and PTR targets seen: their address lookups are not terms (no void count), and a
  // PTR target's failed lookup only skips that name (RFC 7208 5.5).
  std::set<std::string> mxTargets_;
  std::set<std::string> ptrTargets_;
  dns::Deadline deadline_;
  LayerStats stats_;
  SPF_dns_server_t* layer_ = nullptr;
  SPF_server_t* server_ = nullptr;
};

}  // namespace vouch::spf::detail
