// Table tests for judgeSignature: each libopendkim report shape and the RFC 8601 result
// and reason vouch must give it, including the rules libopendkim does not enforce
// (rsa-sha1, small RSA keys, l=, BADSIGHANDLES entries, SERVFAIL vs timeout wording).
#include <gtest/gtest.h>

#include "dkim/dkim_library.h"

#include <string>

#include "dkim/verify_outcome.h"

namespace vouch::dkim {
namespace {

using core::Result;

SignatureReport passing(int alg = DKIM_SIGN_RSASHA256, unsigned bits = 2048) {
  SignatureReport r;
  r.sigError = DKIM_SIGERROR_OK;
  r.passed = true;
  r.processed = true;
  r.bodyHash = DKIM_SIGBH_MATCH;
  r.algorithm = alg;
  r.keyBits = bits;
  return r;
}

SignatureReport withError(int err) {
  SignatureReport r;
  r.sigError = err;
  r.processed = true;
  r.bodyHash = DKIM_SIGBH_MATCH;  // what BADSIGHANDLES entries report
  r.algorithm = DKIM_SIGN_RSASHA256;
  return r;
}

struct OutcomeCase {
  std::string name;
  SignatureReport report;
  std::string lengthTag;  // l= in the signature, "" = none
  VerifyOptions options;
  Result want;
  std::string reasonHas;
  bool checked = true;
};

class OutcomeTable : public ::testing::TestWithParam<OutcomeCase> {};

TEST_P(OutcomeTable, Judges) {
  const auto& c = GetParam();
  SignatureTags tags = parseSignatureTags("d=example.org; s=sel; a=rsa-sha256; b=QUJDREVGR0hJSks=" +
                                          (c.lengthTag.empty() ? std::string() : "; l=" + c.lengthTag));
  const auto f = judgeSignature(c.report, tags, c.options);
  EXPECT_EQ(core::toString(f.result), core::toString(c.want));
  EXPECT_NE(f.reason.find(c.reasonHas), std::string::npos) << f.reason;
  EXPECT_EQ(f.checked, c.checked);
  EXPECT_EQ(f.domain, "example.org");
  EXPECT_EQ(f.bPrefix, "QUJDREVG");
}

SignatureReport bodyMismatch() {
  auto r = passing();
  r.bodyHash = DKIM_SIGBH_MISMATCH;
  return r;
}
SignatureReport badsigBodyMismatch() {
  auto r = withError(DKIM_SIGERROR_BADSIG);
  r.bodyHash = DKIM_SIGBH_MISMATCH;
  return r;
}
SignatureReport sha1Failing() {
  auto r = withError(DKIM_SIGERROR_BADSIG);
  r.algorithm = DKIM_SIGN_RSASHA1;
  return r;
}
SignatureReport keyfail(dns::Status s) {
  auto r = withError(DKIM_SIGERROR_KEYFAIL);
  r.keyLookup = s;
  return r;
}
SignatureReport ignored() {
  SignatureReport r;
  r.ignored = true;
  return r;
}
SignatureReport lengthLimited(long long body, long long signedLen) {
  auto r = passing();
  r.bodyLength = body;
  r.signedLength = signedLen;
  return r;
}
SignatureReport unprocessed() {
  SignatureReport r;
  r.sigError = DKIM_SIGERROR_UNKNOWN;
  return r;
}
VerifyOptions strict() {
  VerifyOptions o;
  o.minRsaBits = 2048;
  o.acceptBodyLength = false;
  return o;
}

INSTANTIATE_TEST_SUITE_P(
    Dkim, OutcomeTable,
    ::testing::Values(
        OutcomeCase{"pass", passing(), "", {}, Result::Pass, ""},
        OutcomeCase{"ed25519_pass_key_size_zero", passing(DKIM_SIGN_ED25519SHA256, 0), "", {}, Result::Pass, ""},
        OutcomeCase{"body_hash_mismatch", bodyMismatch(), "", {}, Result::Fail, "body hash"},
        OutcomeCase{"badsig_with_body_mismatch", badsigBodyMismatch(), "", {}, Result::Fail, "body hash"},
        OutcomeCase{"badsig", withError(DKIM_SIGERROR_BADSIG), "", {}, Result::Fail, "signature did not verify"},
        OutcomeCase{"revoked", withError(DKIM_SIGERROR_KEYREVOKED), "", {}, Result::Fail, "revoked"},
        OutcomeCase{"no_key", withError(DKIM_SIGERROR_NOKEY), "", {}, Result::PermError, "no key"},
        OutcomeCase{"key_servfail", keyfail(dns::Status::ServFail), "", {}, Result::TempError, "SERVFAIL"},
        OutcomeCase{"key_timeout", keyfail(dns::Status::Timeout), "", {}, Result::TempError, "timed out"},
        OutcomeCase{"multiple_keys", withError(DKIM_SIGERROR_MULTIREPLY), "", {}, Result::PermError, "several"},
        OutcomeCase{"unknown_k", withError(DKIM_SIGERROR_KEYTYPEUNKNOWN), "", {}, Result::PermError, "k="},
        OutcomeCase{"key_decode", withError(DKIM_SIGERROR_KEYDECODE), "", {}, Result::PermError, "p="},
        OutcomeCase{"key_syntax", withError(DKIM_SIGERROR_DNSSYNTAX), "", {}, Result::PermError, "key record"},
        OutcomeCase{"missing_s", withError(DKIM_SIGERROR_MISSING_S), "", {}, Result::Neutral, "s= missing"},
        OutcomeCase{"corrupt_b", withError(DKIM_SIGERROR_CORRUPT_B), "", {}, Result::Neutral, "b="},
        OutcomeCase{"i_outside_d", withError(DKIM_SIGERROR_DOMAIN), "", {}, Result::Neutral, "i="},
        OutcomeCase{"unlisted_error_is_neutral", withError(999), "", {}, Result::Neutral, "malformed"},
        OutcomeCase{"expired", withError(DKIM_SIGERROR_EXPIRED), "", {}, Result::Policy, "expired"},
        OutcomeCase{"future", withError(DKIM_SIGERROR_FUTURE), "", {}, Result::Policy, "future"},
        OutcomeCase{"rsa_sha1", passing(DKIM_SIGN_RSASHA1), "", {}, Result::Policy, "rsa-sha1"},
        OutcomeCase{"rsa_sha1_failing_stays_fail", sha1Failing(), "", {}, Result::Fail, "did not verify"},
        OutcomeCase{"rsa_512", passing(DKIM_SIGN_RSASHA256, 512), "", {}, Result::Policy, "512 bits"},
        OutcomeCase{"rsa_1024_default_ok", passing(DKIM_SIGN_RSASHA256, 1024), "", {}, Result::Pass, ""},
        OutcomeCase{"rsa_1024_under_2048", passing(DKIM_SIGN_RSASHA256, 1024), "", strict(), Result::Policy, "under 2048"},
        OutcomeCase{"l_tag_whole_body", lengthLimited(100, 100), "100", {}, Result::Pass, "l="},
        OutcomeCase{"l_tag_appended", lengthLimited(150, 100), "100", {}, Result::Pass, "50 body octets"},
        OutcomeCase{"l_tag_refused", lengthLimited(100, 100), "100", strict(), Result::Policy, "l="},
        OutcomeCase{"body_shorter_than_l", withError(DKIM_SIGERROR_TOOLARGE_L), "500", {}, Result::Fail, "l="},
        OutcomeCase{"over_max", ignored(), "", {}, Result::None, "not checked", false},
        OutcomeCase{"unprocessed_is_temperror", unprocessed(), "", {}, Result::TempError, "internal"}),
    [](const auto& info) { return info.param.name; });

TEST(Outcome, MalformedTagsInOurParseWin) {
  auto dup = parseSignatureTags("d=a.example; d=b.example; s=s; b=QUJD");
  EXPECT_EQ(judgeSignature(passing(), dup, {}).result, Result::Neutral);
  auto bad = parseSignatureTags("d=a.example; s=s; b=#QUJD");
  EXPECT_EQ(judgeSignature(passing(), bad, {}).result, Result::Neutral);
}

TEST(Outcome, UnjudgedKeepsNames) {
  const auto f = unjudgedSignature(parseSignatureTags("d=Example.org; s=S1; b=QUJDREVGR0g="),
                                   Result::PermError, "message headers over limits");
  EXPECT_EQ(f.result, Result::PermError);
  EXPECT_EQ(f.domain, "example.org");
  EXPECT_EQ(f.selector, "s1");
  EXPECT_EQ(f.bPrefix, "QUJDREVG");
}

}  // namespace
}  // namespace vouch::dkim
