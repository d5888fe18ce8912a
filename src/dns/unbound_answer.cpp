// answerFromUnbound (see unbound_answer.h). Records come from the raw answer packet via
// ldns (the same conversion the zone resolver uses), so TXT keeps its character-strings
// and names are normalized identically everywhere. Bogus is checked first because
// libunbound still fills in the data of a bogus answer. Stateless.
#include "dns/unbound_answer.h"

#include <unbound.h>

#include <string>

#include "dns/names.h"
#include "dns/wire.h"

namespace vouch::dns {

namespace {
constexpr int kRcodeNoError = 0;
constexpr int kRcodeServFail = 2;
constexpr int kRcodeNxDomain = 3;
}  // namespace

Answer answerFromUnbound(int err, const ub_result* result, bool validating,
                         std::string_view qname) {
  Answer a;
  a.status = Status::ServFail;
  if (err != 0 || result == nullptr) {
    a.why = std::string("resolver error: ") + ub_strerror(err != 0 ? err : -1);
    return a;
  }
  if (result->bogus) {
    a.security = Security::Bogus;
    a.why = result->why_bogus != nullptr ? result->why_bogus : "DNSSEC validation failed";
    return a;
  }
  a.security =
      result->secure ? Security::Secure : (validating ? Security::Insecure : Security::Unchecked);
  if (result->canonname != nullptr) {
    std::string canonical = normalizeName(result->canonname);
    if (canonical != qname) {
      a.canonicalName = std::move(canonical);
    }
  }
  // For "no record" answers libunbound gives the negative TTL (RFC 2308), which lets a
  // cache above it keep them too.
  const std::uint32_t resultTtl = result->ttl > 0 ? static_cast<std::uint32_t>(result->ttl) : 0;
  if (result->rcode == kRcodeNxDomain || result->nxdomain) {
    a.status = Status::NxDomain;
    a.ttl = resultTtl;
    return a;
  }
  if (result->rcode == kRcodeServFail) {
    a.why = "upstream answered SERVFAIL";
    return a;
  }
  if (result->rcode != kRcodeNoError) {
    a.why = "upstream answered rcode " + std::to_string(result->rcode);
    return a;
  }
  if (!result->havedata) {
    a.status = Status::NoData;
    a.ttl = resultTtl;
    return a;
  }
  std::vector<Record> records;
  std::uint32_t ttl = 0;
  const auto* packet = static_cast<const std::uint8_t*>(result->answer_packet);
  if (result->answer_len <= 0 ||
      !parseAnswerRecords(packet, static_cast<std::size_t>(result->answer_len),
                          static_cast<RrType>(result->qtype), records, ttl)) {
    a.why = "unparsable answer packet";
    return a;
  }
  if (records.empty()) {
    a.status = Status::NoData;
    a.ttl = resultTtl;
    return a;
  }
  a.status = Status::Ok;
  a.records = std::move(records);
  a.ttl = resultTtl > 0 ? resultTtl : ttl;
  return a;
}

}  // namespace vouch::dns
