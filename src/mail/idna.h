// Internationalised author domains: a UTF-8 domain (RFC 6532 mail) converted to the
// A-label form DNS is asked with (IDNA2008 with UTS #46 non-transitional mapping, via
// libidn2), so a From written with U-labels, or with full-width letters a reader sees as
// ASCII, is evaluated as the domain it names. Pure; thread-safe (libidn2 has no shared
// state); input untrusted. Failure (a label IDNA forbids) is a false return, not a throw.
#pragma once

#include <string>
#include <string_view>

namespace vouch::mail {

// True when `domain` contains a byte >= 0x80.
bool hasNonAscii(std::string_view domain);

// "bü.example" -> "xn--b-eha.example" (lowercase). False when IDNA refuses the name.
bool toALabel(std::string_view domain, std::string& out);

}  // namespace vouch::mail
