// KeyRecord: the tags of a published DKIM key record (RFC 6376 section 3.6.1), parsed
// from the TXT text a resolver returned, for `vouch testkey` and the signing
// self-check. Plain value type. The text comes from DNS and is untrusted: the parser
// bounds nothing by itself (DNS answers are bounded) but never throws and reports a
// malformed record as a value with `error` set.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vouch::dkim {

struct KeyRecord {
  std::string version;    // v= ("" when absent; must be DKIM1 when present)
  std::string keyType;    // k= (defaults to "rsa")
  std::string publicKey;  // p= with whitespace removed; empty = revoked
  std::vector<std::string> hashes;    // h=
  std::vector<std::string> services;  // s=
  std::vector<std::string> flags;     // t=
  bool hasP = false;      // p= was present (RFC 6376: required)
  std::string error;      // non-empty when the record is malformed

  bool revoked() const { return hasP && publicKey.empty(); }
  bool testing() const;   // t=y
};

// Parses "tag=value; tag=value". Duplicate tags, a tag without '=', or a missing p=
// give `error`; unknown tags are ignored (RFC 6376 3.2).
KeyRecord parseKeyRecord(std::string_view text);

}  // namespace vouch::dkim
