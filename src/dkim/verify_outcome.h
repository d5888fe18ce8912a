// Turns what libopendkim reports about one signature into vouch's RFC 8601 result and
// reason, enforcing what libopendkim leaves to us: RFC 8301 (no rsa-sha1, RSA keys of at
// least dkim.min_rsa_bits), the l= setting, temperror only for DNS failures, permerror
// (not "no key") for malformed keys. Pure functions on plain values, thread-safe; the
// report's strings are untrusted and only copied. Never throws for any input.
#pragma once

#include <string>

#include "core/findings.h"
#include "dkim/verify_options.h"
#include "dkim/verify_signature_tags.h"
#include "dns/resolver.h"

namespace vouch::dkim {

// libopendkim's view of one signature, read out of its DKIM_SIGINFO (plain values so the
// judgement can be tested without building signatures).
struct SignatureReport {
  int sigError = -1;        // DKIM_SIGERROR_*; -1 unknown (not processed)
  bool passed = false;      // DKIM_SIGFLAG_PASSED: header signature verified
  bool processed = false;   // DKIM_SIGFLAG_PROCESSED
  bool ignored = false;     // DKIM_SIGFLAG_IGNORE: over dkim.max_signatures
  int bodyHash = -1;        // DKIM_SIGBH_*: -1 untested, 0 match, 1 mismatch
  int algorithm = -2;       // DKIM_SIGN_*: 0 rsa-sha1, 1 rsa-sha256, 2 ed25519-sha256
  unsigned keyBits = 0;     // RSA modulus size, 0 unknown/Ed25519
  long long bodyLength = -1;   // canonicalized body octets seen
  long long signedLength = -1; // l= value, -1 when absent
  // How the key lookup failed when it did (Timeout or ServFail), else Ok.
  dns::Status keyLookup = dns::Status::Ok;
};

// The finding for one signature: tags from vouch's own parse fill domain/selector/...
core::DkimFinding judgeSignature(const SignatureReport& report, const SignatureTags& tags,
                                 const VerifyOptions& options);

// The finding for a signature that could not be judged at all (message unusable,
// headers over limits, internal failure): `result` with `reason`, tags for the names.
core::DkimFinding unjudgedSignature(const SignatureTags& tags, core::Result result,
                                    std::string reason);

}  // namespace vouch::dkim
