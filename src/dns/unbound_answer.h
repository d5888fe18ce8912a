// answerFromUnbound: the one mapping from a libunbound result to a dns::Answer
// (err -> SERVFAIL, bogus -> SERVFAIL+Bogus, rcode 3 -> NXDOMAIN, rcode 0 without data
// -> NODATA, other rcodes -> SERVFAIL, data -> records parsed from the answer packet).
// Pure function; the result comes from the network and is treated as untrusted.
#pragma once

#include <string_view>

#include "dns/resolver.h"

struct ub_result;

namespace vouch::dns {

// `validating`: a trust anchor is configured, so unsigned answers are Insecure rather
// than Unchecked. `qname` is the normalized query name (for canonicalName).
Answer answerFromUnbound(int err, const ub_result* result, bool validating, std::string_view qname);

}  // namespace vouch::dns
