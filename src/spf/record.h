// SPF record syntax (RFC 7208 sections 4.5, 4.6, 5, 6, 12): selecting v=spf1 records
// among a name's TXT strings and parsing one record into mechanisms and modifiers.
// Pure functions over untrusted DNS text, no DNS access; a syntax error anywhere makes
// the whole record unusable (permerror), reported as a value with a reason.
// Value types only; thread-safe to share once parsed.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip.h"
#include "spf/macro.h"

namespace vouch::spf {

enum class Qualifier { Pass, Fail, SoftFail, Neutral };

enum class MechanismKind { All, Include, A, Mx, Ptr, Ip4, Ip6, Exists };

std::string_view toString(MechanismKind kind);

struct Mechanism {
  Qualifier qualifier = Qualifier::Pass;
  MechanismKind kind = MechanismKind::All;
  std::optional<MacroString> target;  // include, exists (always); a, mx, ptr (when given)
  core::IpAddress network;            // ip4, ip6
  unsigned cidr4 = 32;                // a, mx, ip4
  unsigned cidr6 = 128;               // a, mx, ip6
  std::string text;                   // the term as written, for reasons

  // include, a, mx, ptr and exists cost DNS queries (section 4.6.4).
  bool queriesDns() const;
};

struct Record {
  std::vector<Mechanism> mechanisms;
  std::optional<MacroString> redirect;
  std::optional<MacroString> exp;
  bool hasAll = false;  // an "all" anywhere makes redirect= ignored (section 6.1)
};

struct ParsedRecord {
  std::optional<Record> record;  // set when the syntax is valid
  std::string error;             // why not, otherwise
};

// Is this TXT text a version 1 SPF record ("v=spf1" alone or followed by a space)?
bool isSpfRecord(std::string_view text);

// Parses a record that isSpfRecord() accepted.
ParsedRecord parseRecord(std::string_view text);

// RFC 7208 4.3 / 7.3 name checks on an expanded domain: labels 1..63 octets (a final
// empty label from a trailing dot is allowed), at least two labels.
bool isValidDomain(std::string_view name);
// Drops the trailing dot and, past 253 octets, left-hand labels (section 7.3).
std::string normalizeDomain(std::string name);

}  // namespace vouch::spf
