// Conversions between the raw label bytes SPF works with (a macro may put a space or a
// '%' into a label) and the RFC 1035 presentation form that dns::Resolver takes and
// returns (escapes \DDD and \X, as ldns and libunbound print and parse them).
// Pure functions on untrusted text; never throw.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vouch::spf {

// Raw name -> presentation form (dots stay label separators).
std::string presentationName(std::string_view raw);
// Presentation form -> raw bytes; nullopt for a malformed escape, a NUL byte or an
// escaped dot (a label containing '.' has no raw form here).
std::optional<std::string> rawName(std::string_view presentation);

}  // namespace vouch::spf
