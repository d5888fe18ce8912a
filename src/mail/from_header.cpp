// Reduces the From header(s) of a message to core::FromFinding. Owns nothing; pure and
// thread-safe; untrusted input. The order of checks decides which problem is reported
// when several apply: a missing or repeated header first, then syntax, then missing or
// unusable domains, then several domains. Never throws.

#include "mail/from_header.h"

#include <algorithm>

#include "mail/header_unfold.h"
#include "mail/idna.h"

namespace vouch::mail {

namespace {

bool domainByte(unsigned char c) {
  return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_';
}

void addDistinct(std::vector<std::string>& out, const std::string& d) {
  if (std::find(out.begin(), out.end(), d) == out.end()) out.push_back(d);
}

}  // namespace

std::vector<std::string> suspectDomains(std::string_view headerValue, std::size_t max) {
  std::vector<std::string> out;
  const std::string v = unfold(headerValue.substr(0, ParseLimits{}.maxBytes));
  for (std::size_t at = v.find('@'); at != std::string::npos && out.size() < max; at = v.find('@', at + 1)) {
    std::size_t end = at + 1;
    while (end < v.size() && domainByte(static_cast<unsigned char>(v[end]))) ++end;
    std::string_view cand(v.data() + at + 1, end - at - 1);
    while (!cand.empty() && cand.front() == '.') cand.remove_prefix(1);
    while (!cand.empty() && cand.back() == '.') cand.remove_suffix(1);
    std::string d = asciiLower(cand);
    if (hasNonAscii(d) && !toALabel(d, d)) continue;
    if (isHostName(d)) addDistinct(out, d);
  }
  return out;
}

FromAnalysis analyzeFromValues(const std::vector<std::string_view>& values, const ParseLimits& limits) {
  FromAnalysis a;
  a.finding.headerCount = static_cast<int>(values.size());
  if (values.empty()) {
    a.finding.problem = "none";
    a.detail = "no From header";
    return a;
  }
  bool unparsable = false;
  bool noDomain = false;
  for (std::string_view v : values) {
    AddressList list = parseFrom(v, limits);
    if (!list.ok()) {
      unparsable = true;
      if (a.detail.empty()) a.detail = list.error;
      for (const std::string& d : suspectDomains(v, limits.maxMailboxes)) addDistinct(a.suspectDomains, d);
      continue;
    }
    if (list.mailboxes.empty()) {
      noDomain = true;
      if (a.detail.empty()) a.detail = "From has no address";
    }
    for (const Mailbox& mb : list.mailboxes) {
      a.finding.addresses.push_back(mb.address());
      if (mb.domain.empty()) {
        noDomain = true;
        if (a.detail.empty()) a.detail = "address without a domain";
      } else if (!mb.domainValid) {
        // A domain literal or a name DNS cannot look up: no DMARC policy can be found
        // for it, so it must not be mistaken for a domain without one.
        unparsable = true;
        if (a.detail.empty()) a.detail = "domain is not a DNS host name: " + mb.domain;
      } else if (std::find(a.domains.begin(), a.domains.end(), mb.domain) == a.domains.end()) {
        a.domains.push_back(mb.domain);
      }
    }
  }
  if (a.domains.size() == 1 && !unparsable && !noDomain) a.finding.domain = a.domains.front();
  if (values.size() > 1) {
    a.finding.problem = "multiple";
    if (a.detail.empty()) a.detail = std::to_string(values.size()) + " From headers";
  } else if (unparsable) {
    a.finding.problem = "unparsable";
  } else if (noDomain) {
    a.finding.problem = "no-domain";
  } else if (a.domains.size() > 1) {
    a.finding.problem = "multiple-domains";
    a.detail = std::to_string(a.domains.size()) + " author domains";
  }
  return a;
}

FromAnalysis analyzeFrom(const std::vector<core::Header>& headers, const ParseLimits& limits) {
  std::vector<std::string_view> values;
  for (const core::Header& h : headers) {
    if (headerNameEquals(trimWsp(h.name), "From")) values.push_back(h.value);
  }
  return analyzeFromValues(values, limits);
}

}  // namespace vouch::mail
