// KeyLookupService: the DNS service behind libopendkim's dkim_dns_set_query_* hooks. Key
// queries go to the shared dns::Resolver (same cache, same deadline as SPF and DMARC)
// and come back as response packets (dns::toWire), which libopendkim parses itself.
// Thread-safe: one instance per Library, used by every milter worker at once. Names come
// from signatures and are untrusted; SERVFAIL/timeout become DKIM_DNS_ERROR/_EXPIRED.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "dns/resolver.h"

namespace vouch::dkim {

// One key lookup started ahead of time (at the DKIM-Signature header).
struct PrefetchedKey {
  std::string qname;  // "sel._domainkey.example.org", lowercase, no trailing dot
  dns::PendingPtr pending;
};

// What one message's key lookups share: its deadline and its prefetches. Owned by the
// verifier of that message; the service only borrows it while a Binding is alive.
struct KeyLookupContext {
  dns::Deadline deadline = dns::Clock::now();
  std::vector<PrefetchedKey> prefetched;
  unsigned queries = 0;          // lookups the hooks made for this message
  unsigned prefetchHits = 0;     // of which were answered by a prefetch
  // Names whose lookup failed temporarily (ServFail or Timeout), for the reason text.
  std::vector<std::pair<std::string, dns::Status>> failures;

  dns::Status failureFor(std::string_view qname) const {
    for (const auto& [name, status] : failures) {
      if (name == qname) return status;
    }
    return dns::Status::Ok;
  }
};

// Lowercase, trailing dot removed; empty when the text cannot be a DNS name (label over
// 63 octets, name over 253, empty label, byte outside printable ASCII).
std::string normalizeKeyName(std::string_view name);

class KeyLookupService {
 public:
  KeyLookupService(std::shared_ptr<dns::Resolver> resolver, std::chrono::milliseconds timeout);
  KeyLookupService(const KeyLookupService&) = delete;
  KeyLookupService& operator=(const KeyLookupService&) = delete;

  // The hooks get only the service pointer, not the DKIM handle, so the message context
  // is bound to the calling thread for the span of one dkim_eoh()/dkim_eom() call (which
  // run the lookups synchronously on that thread). Not a thread-local: a scoped entry.
  class Binding {
   public:
    Binding(KeyLookupService& service, KeyLookupContext& ctx);
    ~Binding();
    Binding(const Binding&) = delete;
    Binding& operator=(const Binding&) = delete;

   private:
    KeyLookupService& service_;
    std::thread::id thread_;
    KeyLookupContext* previous_ = nullptr;  // restored on destruction (nesting is safe)
  };

  // Starts a lookup for the given name (prefetches first). Never fails.
  struct Query;
  std::unique_ptr<Query> start(std::string_view qname, unsigned char* buf, std::size_t buflen);
  // Waits for the answer and writes the response packet; returns a DKIM_DNS_* code.
  int wait(Query& query, const struct timeval* timeout, std::size_t* bytes, int* dnssec);

  dns::Resolver& resolver() const { return *resolver_; }
  const std::shared_ptr<dns::Resolver>& resolverPtr() const { return resolver_; }

 private:
  KeyLookupContext* contextForThisThread();

  std::shared_ptr<dns::Resolver> resolver_;
  std::chrono::milliseconds timeout_;
  std::mutex mutex_;
  std::map<std::thread::id, KeyLookupContext*> bound_;
};

struct KeyLookupService::Query {
  std::string qname;            // normalized; empty when invalid (answered NXDOMAIN)
  dns::PendingPtr pending;      // null when qname is invalid
  dns::Deadline deadline;
  KeyLookupContext* context = nullptr;  // the bound message, which outlives the query
  unsigned char* buf = nullptr;  // libopendkim's reply buffer
  std::size_t buflen = 0;
};

}  // namespace vouch::dkim
