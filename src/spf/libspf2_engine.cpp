// The libspf2 engine: validates and bounds every string before libspf2 sees it, drives
// one request through a per-check SPF_server_t whose DNS layer is dns::Resolver, and
// maps libspf2's answer back to RFC 7208 results (INVALID is permerror, or temperror for
// a DNS error on the first lookup). Request/response handles are owned by unique_ptrs.
// Thread-safe: nothing shared is mutated. Never throws for bad input or DNS trouble.
#include "spf/libspf2_engine.h"

#include <algorithm>
#include <cstring>

#include "spf/libspf2_dns.h"
#include "spf/record.h"

namespace vouch::spf {
namespace {

struct RequestDeleter {
  void operator()(SPF_request_t* r) const { SPF_request_free(r); }
};
struct ResponseDeleter {
  void operator()(SPF_response_t* r) const { SPF_response_free(r); }
};
using RequestPtr = std::unique_ptr<SPF_request_t, RequestDeleter>;
using ResponsePtr = std::unique_ptr<SPF_response_t, ResponseDeleter>;

// Printable ASCII (space allowed in a quoted local part), bounded.
bool acceptable(std::string_view s, bool allowSpace) {
  if (s.empty() || s.size() > kMaxLibspf2Identity) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) {
    auto u = static_cast<unsigned char>(c);
    return (u > 0x20 && u < 0x7f) || (allowSpace && c == ' ');
  });
}

core::Result mapResult(SPF_result_t r, SPF_errcode_t err, bool firstLookupTemporary) {
  switch (r) {
    case SPF_RESULT_NEUTRAL: return core::Result::Neutral;
    case SPF_RESULT_PASS: return core::Result::Pass;
    case SPF_RESULT_FAIL: return core::Result::Fail;
    case SPF_RESULT_SOFTFAIL: return core::Result::SoftFail;
    case SPF_RESULT_NONE: return core::Result::None;
    case SPF_RESULT_TEMPERROR: return core::Result::TempError;
    case SPF_RESULT_PERMERROR: return core::Result::PermError;
    case SPF_RESULT_INVALID:
    default:
      // Debian's 1.2.10 reports a broken top-level record and a failed top-level TXT
      // lookup alike as INVALID (the error code is not always SPF_E_DNS_ERROR); our DNS
      // layer saw which one it was.
      return err == SPF_E_DNS_ERROR || firstLookupTemporary ? core::Result::TempError
                                                            : core::Result::PermError;
  }
}

core::IpAddress unmap(const core::IpAddress& ip) {
  if (!ip.v6) return ip;
  static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(ip.bytes.data(), kMapped, sizeof kMapped) != 0) return ip;
  core::IpAddress v4;
  std::copy(ip.bytes.begin() + 12, ip.bytes.end(), v4.bytes.begin());
  return v4;
}

}  // namespace

std::shared_ptr<const Engine> Libspf2Engine::create(std::shared_ptr<dns::Resolver> resolver,
                                                    const Limits& limits) {
  return std::make_shared<Libspf2Engine>(std::move(resolver), limits);
}

Outcome Libspf2Engine::check(const Request& request, dns::Deadline deadline) const {
  Outcome out;
  std::string sender = request.sender.empty() ? "postmaster@" + request.helo : request.sender;
  std::string localPart, domain;
  splitSender(sender, localPart, domain);
  if (!domain.empty() && domain.back() == '.') domain.pop_back();
  out.domain = domain;
  out.sender = localPart + "@" + domain;
  // libspf2 aborts or misreads on odd input; such identities cannot have SPF anyway. A
  // HELO with control or 8-bit characters is left out (%{h} then fails in libspf2).
  std::string_view helo = acceptable(request.helo, true) ? std::string_view(request.helo) : "";
  if (!acceptable(out.sender, true) || !acceptable(domain, false) || !isValidDomain(domain) ||
      domain.front() == '[') {
    out.result = core::Result::None;
    out.reason = "identity not usable for SPF";
    return out;
  }
  auto budget = std::min(deadline, dns::Clock::now() + limits_.timeBudget);
  detail::Libspf2Dns layer(*resolver_, limits_, budget);
  RequestPtr req(layer.server() ? SPF_request_new(layer.server()) : nullptr);
  if (!req) {
    out.result = core::Result::TempError;
    out.reason = "libspf2 could not start";
    return out;
  }
  core::IpAddress ip = unmap(request.ip);
  if (ip.v6) {
    struct in6_addr a6;
    std::memcpy(&a6, ip.bytes.data(), sizeof a6);
    SPF_request_set_ipv6(req.get(), a6);
  } else {
    struct in_addr a4;
    std::memcpy(&a4, ip.bytes.data(), sizeof a4);
    SPF_request_set_ipv4(req.get(), a4);
  }
  // HELO first: libspf2 builds postmaster@helo from it for a null sender.
  if (!helo.empty()) SPF_request_set_helo_dom(req.get(), std::string(helo).c_str());
  if (SPF_request_set_env_from(req.get(), out.sender.c_str()) != 0) {
    out.result = core::Result::None;
    out.reason = "libspf2 refused the sender";
    return out;
  }
  SPF_response_t* raw = nullptr;
  SPF_request_query_mailfrom(req.get(), &raw);
  ResponsePtr resp(raw);
  const auto& stats = layer.stats();
  out.dnsQueries = stats.queries;
  out.voidLookups = stats.voidLookups;
  if (!resp) {
    out.result = core::Result::TempError;
    out.reason = "libspf2 gave no response";
    return out;
  }
  out.result = mapResult(SPF_response_result(resp.get()), SPF_response_errcode(resp.get()),
                         stats.firstLookupTemporary);
  // The first message says more than the error code (often "No errors" for INVALID).
  const char* detail = SPF_response_messages(resp.get()) > 0
                           ? SPF_error_message(SPF_response_message(resp.get(), 0))
                           : nullptr;
  out.reason = safeReason("libspf2: " + std::string(detail ? std::string_view(detail)
                                                           : std::string_view(SPF_strerror(SPF_response_errcode(resp.get())))));
  if (stats.queryCapHit) {
    out.result = core::Result::PermError;
    out.reason = "too many DNS lookups";
  } else if (stats.termLimitHit) {
    out.result = core::Result::PermError;
    out.reason = "too many DNS-querying terms (limit " + std::to_string(limits_.maxDnsTerms) + ")";
  } else if (stats.mxLimitHit) {
    out.result = core::Result::PermError;
    out.reason = "more than " + std::to_string(limits_.maxMxNames) + " MX names";
  } else if (stats.voidLimitHit) {
    out.result = core::Result::PermError;
    out.reason = "too many void DNS lookups (limit " + std::to_string(limits_.maxVoidLookups) + ")";
  } else if (stats.deadlineHit) {
    out.result = core::Result::TempError;
    out.reason = "SPF time budget exhausted";
  }
  // libspf2's explanation text is garbled (spaces become '%'); none is passed on.
  return out;
}

}  // namespace vouch::spf
