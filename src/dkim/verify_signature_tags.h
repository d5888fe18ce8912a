// Reads the few tags vouch needs from a DKIM-Signature value before libopendkim does:
// d= and s= to start the key lookup at the header stage (prefetch), and a=, i=, b=, l=,
// t=, x= for reporting when libopendkim cannot say. Tolerant and bounded: the input is
// hostile, so values are cut to fixed sizes, unknown tags are skipped, and nothing here
// throws or judges validity (libopendkim does). Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vouch::dkim {

struct SignatureTags {
  std::string domain;     // d=, lowercased, trailing dot removed
  std::string selector;   // s=, lowercased
  std::string algorithm;  // a=, lowercased
  std::string identity;   // i=
  std::string b;          // b= with whitespace removed (bounded)
  std::string length;     // l= as written, empty when absent
  bool hasLength = false;
  bool duplicateTag = false;  // a tag appeared twice (RFC 6376 3.2: invalid)
  bool badBase64 = false;     // b= or bh= holds a character outside base64 and FWS
  std::string badBase64Tag;   // "b" or "bh" 

  // The key's DNS name ("s._domainkey.d"), or empty when d= or s= cannot form one.
  std::string keyName() const;
  // First 8 characters of b= (RFC 6008 header.b).
  std::string bPrefix() const { return b.substr(0, 8); }
};

// Longest value kept per tag; b= of an RSA-16384 signature is ~2.8 KB.
inline constexpr std::size_t kMaxTagValue = 4096;
// Longest header value looked at; the rest is ignored.
inline constexpr std::size_t kMaxSignatureScan = 64 * 1024;

SignatureTags parseSignatureTags(std::string_view value);

// True for the header name "DKIM-Signature" (any case, trailing blanks ignored).
bool isSignatureHeader(std::string_view name);

}  // namespace vouch::dkim
