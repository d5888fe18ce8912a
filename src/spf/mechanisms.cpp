// The mechanisms of RFC 7208 section 5 (all, include, a, mx, ptr, ip4, ip6, exists),
// the counted DNS access they share (deadline, query and void-lookup counters) and the
// client's validated name for ptr and %{p} (5.5, 7.3). Part of one Evaluation, one thread.
// DNS answers are untrusted; server failures become temperror, limits permerror, and a
// target that expands to an invalid name simply does not match.
#include <algorithm>

#include "spf/dns_name.h"
#include "spf/evaluation.h"
#include "core/header_text.h"

namespace vouch::spf::detail {
namespace {

constexpr auto iequals = core::text::equalsNoCase;

// name equals domain or ends with "." + domain, case-insensitively.
bool isWithin(std::string_view name, std::string_view domain) {
  if (iequals(name, domain)) return true;
  return name.size() > domain.size() && name[name.size() - domain.size() - 1] == '.' &&
         iequals(name.substr(name.size() - domain.size()), domain);
}

bool addressIn(const dns::Answer& a, const core::IpAddress& ip, unsigned prefix) {
  for (const auto& rr : a.records) {
    auto addr = core::IpAddress::parse(rr.text);
    if (addr && addr->v6 == ip.v6 && core::prefixMatch(*addr, ip, prefix)) return true;
  }
  return false;
}

}  // namespace

dns::Answer Evaluation::query(const std::string& name, dns::RrType type) {
  if (dns::Clock::now() >= deadline_) {
    dns::Answer a;
    a.status = dns::Status::Timeout;
    a.why = "SPF time budget exhausted";
    return a;
  }
  ++out_.dnsQueries;
  return resolver_.query(presentationName(name), type, deadline_);
}

bool Evaluation::voidLimitExceeded(const dns::Answer& answer) {
  if (!answer.empty()) return false;
  return ++out_.voidLookups > limits_.maxVoidLookups;
}

Evaluation::MatchResult Evaluation::matchMechanism(const Mechanism& m, const std::string& domain) {
  switch (m.kind) {
    case MechanismKind::All: return {Match::Yes, {}};
    case MechanismKind::Include: return matchInclude(m, domain);
    case MechanismKind::A: return matchAddresses(target(m, domain), m.cidr4, m.cidr6, true);
    case MechanismKind::Mx: return matchMx(m, domain);
    case MechanismKind::Ptr: return matchPtr(m, domain);
    case MechanismKind::Exists: return matchExists(m, domain);
    case MechanismKind::Ip4:
    case MechanismKind::Ip6: {
      bool v6 = m.kind == MechanismKind::Ip6;
      if (ip_.v6 != v6) return {Match::No, {}};
      bool in = core::prefixMatch(m.network, ip_, v6 ? m.cidr6 : m.cidr4);
      return {in ? Match::Yes : Match::No, {}};
    }
  }
  return {Match::PermError, "unknown mechanism"};
}

Evaluation::MatchResult Evaluation::matchAddresses(const std::string& name, unsigned cidr4,
                                                   unsigned cidr6, bool countVoid) {
  if (!isValidDomain(name)) return {Match::No, {}};
  dns::Answer a = query(name, ip_.v6 ? dns::RrType::AAAA : dns::RrType::A);
  if (a.temporary()) {
    return {Match::TempError, "DNS " + std::string(dns::toString(a.status)) + " for " + name};
  }
  if (countVoid && voidLimitExceeded(a)) {
    return {Match::PermError, "too many void DNS lookups (limit " +
                                  std::to_string(limits_.maxVoidLookups) + ")"};
  }
  if (!a.ok()) return {Match::No, {}};
  return {addressIn(a, ip_, ip_.v6 ? cidr6 : cidr4) ? Match::Yes : Match::No, {}};
}

Evaluation::MatchResult Evaluation::matchMx(const Mechanism& m, const std::string& domain) {
  std::string name = target(m, domain);
  if (!isValidDomain(name)) return {Match::No, {}};
  dns::Answer a = query(name, dns::RrType::MX);
  if (a.temporary()) {
    return {Match::TempError, "DNS " + std::string(dns::toString(a.status)) + " for MX " + name};
  }
  if (voidLimitExceeded(a)) {
    return {Match::PermError, "too many void DNS lookups (limit " +
                                  std::to_string(limits_.maxVoidLookups) + ")"};
  }
  if (!a.ok()) return {Match::No, {}};
  if (a.records.size() > limits_.maxMxNames) {
    return {Match::PermError, "more than " + std::to_string(limits_.maxMxNames) + " MX names at " + name};
  }
  for (const auto& rr : a.records) {
    auto host = rawName(rr.text);
    if (!host || host->empty() || *host == ".") continue;  // null MX (RFC 7505)
    MatchResult r = matchAddresses(*host, m.cidr4, m.cidr6, false);
    if (r.match != Match::No) return r;
  }
  return {Match::No, {}};
}

Evaluation::MatchResult Evaluation::matchPtr(const Mechanism& m, const std::string& domain) {
  std::string name = target(m, domain);
  const auto& names = validatedNames();
  if (ptrEmpty_ && ++out_.voidLookups > limits_.maxVoidLookups) {
    return {Match::PermError, "too many void DNS lookups (limit " +
                                  std::to_string(limits_.maxVoidLookups) + ")"};
  }
  bool any = std::any_of(names.begin(), names.end(), [&](const std::string& n) { return isWithin(n, name); });
  return {any ? Match::Yes : Match::No, {}};
}

Evaluation::MatchResult Evaluation::matchExists(const Mechanism& m, const std::string& domain) {
  std::string name = target(m, domain);
  if (!isValidDomain(name)) return {Match::No, {}};
  dns::Answer a = query(name, dns::RrType::A);  // always A, whatever the client (5.7)
  if (a.temporary()) {
    return {Match::TempError, "DNS " + std::string(dns::toString(a.status)) + " for " + name};
  }
  if (voidLimitExceeded(a)) {
    return {Match::PermError, "too many void DNS lookups (limit " +
                                  std::to_string(limits_.maxVoidLookups) + ")"};
  }
  return {a.ok() ? Match::Yes : Match::No, {}};
}

// The client's PTR names (first maxPtrNames) whose own addresses include the client.
// A failed PTR query means "no names" (5.5: the mechanism fails to match); a failed
// address lookup skips that name.
const std::vector<std::string>& Evaluation::validatedNames() {
  if (validated_) return *validated_;
  validated_.emplace();
  dns::Answer ptr = query(reverseName(ip_), dns::RrType::PTR);
  ptrEmpty_ = ptr.empty();
  if (!ptr.ok()) return *validated_;
  std::size_t n = std::min<std::size_t>(ptr.records.size(), limits_.maxPtrNames);
  for (std::size_t i = 0; i < n; ++i) {
    auto name = rawName(ptr.records[i].text);
    if (!name || !isValidDomain(*name)) continue;
    dns::Answer a = query(*name, ip_.v6 ? dns::RrType::AAAA : dns::RrType::A);
    if (a.ok() && addressIn(a, ip_, ip_.v6 ? 128 : 32)) validated_->push_back(*name);
  }
  return *validated_;
}

// %{p}: the validated name equal to the domain, else one within it, else any (7.3).
std::string Evaluation::validatedNameFor(const std::string& domain) {
  const auto& names = validatedNames();
  for (const auto& n : names) {
    if (iequals(n, domain)) return n;
  }
  for (const auto& n : names) {
    if (isWithin(n, domain)) return n;
  }
  return names.empty() ? std::string("unknown") : names.front();
}

}  // namespace vouch::spf::detail
