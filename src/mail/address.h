// RFC 5322 3.4 address parsing (mailbox, name-addr, addr-spec, group, address-list) with
// the obsolete forms that real mail still uses (obs-route, obs-local-part, CFWS around
// dots, empty list members) and RFC 6532 UTF-8 (domains become A-labels). Strict
// where a lax parser would let one header mean two things to two readers: trailing
// text, a bare address followed by an angle address, unbalanced brackets or quotes,
// control bytes and an encoded-word standing in for an address are all errors.
// Pure functions; thread-safe; input untrusted and bounded by ParseLimits; never throws.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vouch::mail {

struct Mailbox {
  std::string displayName;  // phrase as written (words joined by one space), not decoded
  std::string localPart;    // quoted-string content unescaped, dot-atom as written
  std::string domain;       // ASCII-lowercased, A-labels; "" when the address has no domain
  std::string unicodeDomain;  // the domain as written when it was converted from U-labels
  bool domainLiteral = false;  // domain was "[...]" (kept with brackets in `domain`)
  bool domainValid = false;    // domain is an ASCII host name usable in DNS
  std::string group;           // display name of the enclosing group, if any

  // local@domain (or just local when there is no domain).
  std::string address() const;
};

struct AddressList {
  std::vector<Mailbox> mailboxes;
  std::size_t groups = 0;
  std::string error;  // empty on success; else a short reason naming the position

  bool ok() const { return error.empty(); }
};

struct ParseLimits {
  std::size_t maxBytes = 16384;      // longer input is refused, not truncated
  std::size_t maxMailboxes = 100;    // more is refused
  std::size_t maxCommentDepth = 16;  // nested comments deeper than this are refused
};

// Parses an RFC 5322 address-list (the value of From, Sender, Reply-To, To, ...). The
// value may still be folded; it is unfolded first.
AddressList parseAddressList(std::string_view headerValue, const ParseLimits& limits = {});

// The From header value. Same grammar as an address-list (RFC 6854 allows groups).
AddressList parseFrom(std::string_view headerValue, const ParseLimits& limits = {});

// True for a DNS host name as DMARC can look it up: ASCII letters, digits, '-' and '_',
// labels of 1..63 bytes, at most 253 bytes, at least one dot is NOT required.
bool isHostName(std::string_view domain);

}  // namespace vouch::mail
