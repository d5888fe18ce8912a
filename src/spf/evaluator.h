// spf::Evaluator: vouch's own RFC 7208 check_host() over dns::Resolver, and the plain
// API other front ends (the policy-delegation server, tests, fuzzers) call. Owns no DNS
// state; one Evaluator may be used by many threads at once (each check() call keeps its
// counters on its own stack). Input (client, sender, HELO, DNS data) is untrusted; bad
// records and DNS trouble come back as RFC results in the Outcome, never as exceptions.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "core/auth_results.h"
#include "core/ip.h"
#include "dns/resolver.h"

namespace vouch::config {
struct Config;
}

namespace vouch::spf {

// RFC 7208 4.6.4 processing limits; defaults are the RFC's numbers.
struct Limits {
  unsigned maxDnsTerms = 10;       // include, a, mx, ptr, exists, redirect (whole evaluation)
  unsigned maxVoidLookups = 2;     // lookups answering NXDOMAIN or no records
  unsigned maxMxNames = 10;        // more MX names than this is a permerror
  unsigned maxPtrNames = 10;       // PTR names beyond this are ignored
  std::chrono::milliseconds timeBudget{15000};
  std::size_t explanationMax = 256;

  static Limits fromConfig(const config::Config& cfg);
};

struct Request {
  core::IpAddress ip;    // IPv4-mapped IPv6 is treated as IPv4
  std::string sender;    // MAIL FROM without <>; empty = null sender (HELO identity used)
  std::string helo;      // HELO/EHLO argument
  std::string receiver;  // %{r} in explanations; "unknown" when empty
  std::int64_t now = 0;  // %{t}; 0 = the system clock
};

struct Outcome {
  core::Result result = core::Result::None;
  std::string explanation;  // expanded exp= text (fail only), printable ASCII, bounded
  std::string reason;       // short human reason: which term decided or what went wrong
  std::string domain;       // the domain checked first (sender's domain or HELO)
  std::string sender;       // the sender checked (postmaster@helo for a null sender)
  std::string mechanism;    // the term that matched, when one did
  unsigned dnsQueries = 0;  // queries actually sent to the resolver
  unsigned dnsTerms = 0;    // DNS-querying terms counted against maxDnsTerms
  unsigned voidLookups = 0;
};

class Evaluator {
 public:
  Evaluator(dns::Resolver& resolver, Limits limits) : resolver_(resolver), limits_(limits) {}

  // check_host() for the sender (or postmaster@helo for a null sender). The evaluation
  // stops at `deadline` or after limits.timeBudget, whichever comes first (temperror).
  Outcome check(const Request& request, dns::Deadline deadline) const;

 private:
  dns::Resolver& resolver_;
  Limits limits_;
};

// Reasons quote record and domain text from outside: printable ASCII, at most this long.
inline constexpr std::size_t kMaxReason = 200;
std::string safeReason(std::string_view text);

// Splits a sender into local part and domain (last '@'); an empty local part becomes
// "postmaster" (RFC 7208 4.3). A sender without '@' is taken as a domain.
void splitSender(std::string_view sender, std::string& localPart, std::string& domain);

}  // namespace vouch::spf
