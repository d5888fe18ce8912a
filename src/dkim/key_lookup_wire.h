// Builds the DNS response packet libopendkim's key parser expects (header, one TXT/IN
// question, TXT answers) from a dns::Answer, with ldns. Only answers are encoded here:
// Ok, NoData and NxDomain; SERVFAIL and timeouts never become packets (libopendkim would
// read them as "no key"). Stateless, thread-safe; record text is untrusted, only copied.
// Fails by returning 0 (no room in the caller's buffer, or ldns refused the data).
#pragma once

#include <cstddef>
#include <string_view>

#include "dns/resolver.h"

namespace vouch::dkim {

// Writes the packet for `answer` to a TXT query for `qname` into buf; returns its size,
// or 0 when it does not fit or cannot be built. An empty qname (a name that cannot exist)
// gets an NXDOMAIN packet whose question is "invalid.".
std::size_t buildKeyResponse(std::string_view qname, const dns::Answer& answer,
                             unsigned char* buf, std::size_t buflen);

}  // namespace vouch::dkim
