// Judgement of one signature (see the header). The error table says which libopendkim
// signature errors are the signer's fault in the signature (neutral: RFC 8601 "syntax
// errors"), in the key record (permerror), in the content (fail), or local policy.
// Only a failed key lookup (SERVFAIL/timeout, reported by our DNS hooks) is temporary.
#include "dkim/verify_outcome.h"

#include "dkim/dkim_library.h"  // libopendkim, with its _Bool mapped

#include <array>

namespace vouch::dkim {
namespace {

using core::Result;

struct ErrorRule {
  int error;
  Result result;
  const char* reason;
};

// Signature errors other than OK/UNKNOWN. Anything not listed is neutral.
constexpr std::array<ErrorRule, 44> kErrorRules = {{
    {DKIM_SIGERROR_VERSION, Result::Neutral, "malformed signature: unsupported v="},
    {DKIM_SIGERROR_DOMAIN, Result::Neutral, "malformed signature: i= is not within d="},
    {DKIM_SIGERROR_EXPIRED, Result::Policy, "signature expired (x=)"},
    {DKIM_SIGERROR_FUTURE, Result::Policy, "signature timestamp in the future (t=)"},
    {DKIM_SIGERROR_TIMESTAMPS, Result::Neutral, "malformed signature: x= before t="},
    {DKIM_SIGERROR_INVALID_HC, Result::Neutral, "malformed signature: bad header canonicalization"},
    {DKIM_SIGERROR_INVALID_BC, Result::Neutral, "malformed signature: bad body canonicalization"},
    {DKIM_SIGERROR_MISSING_A, Result::Neutral, "malformed signature: a= missing"},
    {DKIM_SIGERROR_INVALID_A, Result::Neutral, "malformed signature: unknown algorithm a="},
    {DKIM_SIGERROR_MISSING_H, Result::Neutral, "malformed signature: h= missing"},
    {DKIM_SIGERROR_INVALID_L, Result::Neutral, "malformed signature: bad l="},
    {DKIM_SIGERROR_INVALID_Q, Result::Neutral, "malformed signature: bad q="},
    {DKIM_SIGERROR_INVALID_QO, Result::Neutral, "malformed signature: bad q= option"},
    {DKIM_SIGERROR_MISSING_D, Result::Neutral, "malformed signature: d= missing"},
    {DKIM_SIGERROR_EMPTY_D, Result::Neutral, "malformed signature: d= empty"},
    {DKIM_SIGERROR_MISSING_S, Result::Neutral, "malformed signature: s= missing"},
    {DKIM_SIGERROR_EMPTY_S, Result::Neutral, "malformed signature: s= empty"},
    {DKIM_SIGERROR_MISSING_B, Result::Neutral, "malformed signature: b= missing"},
    {DKIM_SIGERROR_EMPTY_B, Result::Neutral, "malformed signature: b= empty"},
    {DKIM_SIGERROR_CORRUPT_B, Result::Neutral, "malformed signature: b= is not base64"},
    {DKIM_SIGERROR_NOKEY, Result::PermError, "no key for signature"},
    {DKIM_SIGERROR_DNSSYNTAX, Result::PermError, "malformed key record"},
    {DKIM_SIGERROR_KEYFAIL, Result::TempError, "key lookup failed"},
    {DKIM_SIGERROR_MISSING_BH, Result::Neutral, "malformed signature: bh= missing"},
    {DKIM_SIGERROR_EMPTY_BH, Result::Neutral, "malformed signature: bh= empty"},
    {DKIM_SIGERROR_CORRUPT_BH, Result::Neutral, "malformed signature: bh= is not base64"},
    {DKIM_SIGERROR_BADSIG, Result::Fail, "signature did not verify"},
    {DKIM_SIGERROR_SUBDOMAIN, Result::Neutral, "malformed signature: i= subdomain not allowed by key (t=s)"},
    {DKIM_SIGERROR_MULTIREPLY, Result::PermError, "several key records at the selector"},
    {DKIM_SIGERROR_EMPTY_H, Result::Neutral, "malformed signature: h= empty"},
    {DKIM_SIGERROR_INVALID_H, Result::Neutral, "malformed signature: h= does not include From"},
    {DKIM_SIGERROR_TOOLARGE_L, Result::Fail, "body shorter than l="},
    {DKIM_SIGERROR_MBSFAILED, Result::PermError, "required header not signed"},
    {DKIM_SIGERROR_KEYVERSION, Result::PermError, "malformed key record: unknown v="},
    {DKIM_SIGERROR_KEYUNKNOWNHASH, Result::PermError, "malformed key record: unknown h="},
    {DKIM_SIGERROR_KEYHASHMISMATCH, Result::PermError, "key does not allow the signature's hash"},
    {DKIM_SIGERROR_NOTEMAILKEY, Result::PermError, "key is not for email (s=)"},
    {DKIM_SIGERROR_KEYTYPEMISSING, Result::PermError, "malformed key record: k= missing"},
    {DKIM_SIGERROR_KEYTYPEUNKNOWN, Result::PermError, "malformed key record: unknown k="},
    {DKIM_SIGERROR_KEYREVOKED, Result::Fail, "key revoked (empty p=)"},
    {DKIM_SIGERROR_KEYDECODE, Result::PermError, "malformed key record: p= cannot be decoded"},
    {DKIM_SIGERROR_MISSING_V, Result::Neutral, "malformed signature: v= missing"},
    {DKIM_SIGERROR_EMPTY_V, Result::Neutral, "malformed signature: v= empty"},
    {DKIM_SIGERROR_KEYTOOSMALL, Result::Policy, "key too small (RFC 8301)"},
}};

std::string algorithmName(int alg) {
  switch (alg) {
    case DKIM_SIGN_RSASHA1: return "rsa-sha1";
    case DKIM_SIGN_RSASHA256: return "rsa-sha256";
    case DKIM_SIGN_ED25519SHA256: return "ed25519-sha256";
    default: return {};
  }
}

core::DkimFinding base(const SignatureTags& tags) {
  core::DkimFinding f;
  f.domain = tags.domain;
  f.selector = tags.selector;
  f.algorithm = tags.algorithm;
  f.identity = tags.identity;
  f.bPrefix = tags.bPrefix();
  f.bodyLengthLimited = tags.hasLength;
  return f;
}

}  // namespace

core::DkimFinding judgeSignature(const SignatureReport& r, const SignatureTags& tags,
                                 const VerifyOptions& options) {
  core::DkimFinding f = base(tags);
  // libopendkim zero-fills entries it could not parse (0 = rsa-sha1): trust its
  // algorithm only for a signature it processed.
  if (f.algorithm.empty() && r.processed) f.algorithm = algorithmName(r.algorithm);
  const bool rsa = r.algorithm == DKIM_SIGN_RSASHA1 || r.algorithm == DKIM_SIGN_RSASHA256;
  f.keyBits = rsa ? r.keyBits : 0;
  if (r.signedLength >= 0) f.bodyLengthLimited = true;

  if (r.ignored) {
    f.checked = false;
    f.result = Result::None;
    f.reason = "not checked: over dkim.max_signatures";
    return f;
  }
  if (tags.duplicateTag) {
    f.result = Result::Neutral;
    f.reason = "malformed signature: duplicate tag";
    return f;
  }
  if (tags.badBase64) {
    f.result = Result::Neutral;
    f.reason = "malformed signature: " + tags.badBase64Tag + "= is not base64";
    return f;
  }
  if (r.sigError != DKIM_SIGERROR_UNKNOWN && r.sigError != DKIM_SIGERROR_OK) {
    f.result = Result::Neutral;
    f.reason = "malformed signature";
    for (const auto& rule : kErrorRules) {
      if (rule.error == r.sigError) {
        f.result = rule.result;
        f.reason = rule.reason;
      }
    }
    if (r.sigError == DKIM_SIGERROR_BADSIG && r.bodyHash == DKIM_SIGBH_MISMATCH) {
      f.reason = "body hash did not verify";
    }
    if (r.sigError == DKIM_SIGERROR_KEYFAIL) {
      f.reason = r.keyLookup == dns::Status::Timeout ? "key lookup timed out"
                                                     : "key lookup failed (SERVFAIL)";
    }
    return f;
  }
  if (!r.processed) {
    f.result = Result::TempError;
    f.reason = "signature not verified (internal error)";
    return f;
  }
  // BADSIGHANDLES entries report bh=MATCH without a body hash: never judge by bh alone.
  if (!r.passed) {
    f.result = Result::Fail;
    f.reason = "signature did not verify";
    return f;
  }
  if (r.bodyHash != DKIM_SIGBH_MATCH) {
    f.result = Result::Fail;
    f.reason = "body hash did not verify";
    return f;
  }
  if (r.algorithm == DKIM_SIGN_RSASHA1) {
    f.result = Result::Policy;
    f.reason = "rsa-sha1 is not accepted (RFC 8301)";
    return f;
  }
  if (rsa && r.keyBits < options.minRsaBits) {
    f.result = Result::Policy;
    f.reason = "RSA key of " + std::to_string(r.keyBits) + " bits is under " +
               std::to_string(options.minRsaBits) + " (RFC 8301)";
    return f;
  }
  if (f.bodyLengthLimited) {
    if (!options.acceptBodyLength) {
      f.result = Result::Policy;
      f.reason = "l= body length limit not accepted";
      return f;
    }
    f.result = Result::Pass;
    f.reason = "body length limited by l=";
    if (r.signedLength >= 0 && r.bodyLength > r.signedLength) {
      f.reason += "; " + std::to_string(r.bodyLength - r.signedLength) +
                  " body octets after it are not signed";
    }
    return f;
  }
  f.result = Result::Pass;
  return f;
}

core::DkimFinding unjudgedSignature(const SignatureTags& tags, core::Result result,
                                    std::string reason) {
  core::DkimFinding f = base(tags);
  f.result = result;
  f.reason = std::move(reason);
  return f;
}

}  // namespace vouch::dkim
