// The Received-SPF header value (RFC 7208 section 9.1) for one SPF finding: result,
// a comment saying what was decided, and the key-value pairs receivers and later
// filters parse. Pure function; every outside value (sender, HELO, reason) is untrusted
// and is quoted or reduced to printable text so it cannot break the header structure.
#pragma once

#include <string>

#include "core/findings.h"

namespace vouch::spf {

// Value without the header name, starting with a space, folded with "\n\t".
std::string receivedSpfValue(const core::SpfFinding& finding, const std::string& clientIp,
                             const std::string& helo, const std::string& receiver);

}  // namespace vouch::spf
