// Verification end to end through libopendkim, the DNS hooks and dns::FakeResolver: one
// table row per result the verify side must produce (RFC 6376, 8301, 8463 and vouch's
// own rules), plus header folding, limits and prefetch. Signatures come from a private
// test signer (verify_test_signer.h); keys are generated per run.
#include <gtest/gtest.h>

#include <ctime>
#include <functional>
#include <string>
#include <vector>

#include "config/config.h"
#include "dkim/dkim_library.h"
#include "dkim/verify_message.h"
#include "dkim/verify_stream.h"
#include "dns/fake_resolver.h"
#include "verify_test_signer.h"

namespace vouch::dkim {
namespace {

using core::Result;
using testing::SignSpec;
using testing::TestKey;

struct Keys {
  TestKey rsa2048 = testing::makeRsaKey(2048);
  TestKey rsa1024 = testing::makeRsaKey(1024);
  TestKey rsa512 = testing::makeRsaKey(512);
  TestKey ed = testing::makeEd25519Key();
  TestKey other = testing::makeRsaKey(1024);
};

const Keys& keys() {
  static const Keys k;
  return k;
}

std::string sign(const std::string& msg, const TestKey& key, SignSpec spec = {}) {
  if (key.ed25519) spec.algorithm = "ed25519-sha256";
  return testing::signMessage(msg, key, spec);
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto pos = s.find(from);
  if (pos != std::string::npos) s.replace(pos, from.size(), to);
  return s;
}

std::string toLf(std::string s) {
  for (auto p = s.find("\r\n"); p != std::string::npos; p = s.find("\r\n", p)) s.erase(p, 1);
  return s;
}

std::uint64_t now() { return static_cast<std::uint64_t>(std::time(nullptr)); }

struct Want {
  Result result;
  std::string reasonHas;  // substring of the reason ("" = any)
  bool checked = true;
};

struct Case {
  std::string name;
  std::function<std::string()> message;
  std::function<void(dns::FakeResolver&)> dns;
  std::function<void(VerifyOptions&)> options;
  std::vector<Want> want;
};

void publish(dns::FakeResolver& r, const std::string& selector, const TestKey& key,
             const std::string& domain = "example.org") {
  r.addTxt(selector + "._domainkey." + domain, key.record());
}

const std::string kMsg = testing::sampleMessage();

std::vector<Case> cases() {
  const Keys& k = keys();
  auto pub = [&](const TestKey& key) {
    return [&key](dns::FakeResolver& r) { publish(r, "sel", key); };
  };
  auto none = [](VerifyOptions&) {};
  return {
      {"rsa_relaxed_relaxed", [&] { return sign(kMsg, k.rsa2048); }, pub(k.rsa2048), none,
       {{Result::Pass, ""}}},
      {"rsa_simple_simple",
       [&] { SignSpec s; s.canon = "simple/simple"; return sign(kMsg, k.rsa2048, s); },
       pub(k.rsa2048), none, {{Result::Pass, ""}}},
      {"rsa_relaxed_simple",
       [&] { SignSpec s; s.canon = "relaxed/simple"; return sign(kMsg, k.rsa2048, s); },
       pub(k.rsa2048), none, {{Result::Pass, ""}}},
      {"ed25519", [&] { return sign(kMsg, k.ed); }, pub(k.ed), none, {{Result::Pass, ""}}},
      {"body_changed",
       [&] { return replace(sign(kMsg, k.rsa2048), "numbers", "Numbers"); }, pub(k.rsa2048),
       none, {{Result::Fail, "body hash"}}},
      {"signed_header_changed",
       [&] { return replace(sign(kMsg, k.rsa2048), "quarterly", "Quarterly"); },
       pub(k.rsa2048), none, {{Result::Fail, "signature did not verify"}}},
      {"ed25519_body_changed", [&] { return replace(sign(kMsg, k.ed), "Bob,", "Bob!"); },
       pub(k.ed), none, {{Result::Fail, "body hash"}}},
      {"key_nxdomain", [&] { return sign(kMsg, k.rsa2048); }, [](dns::FakeResolver&) {}, none,
       {{Result::PermError, "no key"}}},
      {"key_nodata", [&] { return sign(kMsg, k.rsa2048); },
       [](dns::FakeResolver& r) {
         r.setStatus("sel._domainkey.example.org", dns::RrType::TXT, dns::Status::NoData);
       },
       none, {{Result::PermError, "no key"}}},
      {"key_servfail", [&] { return sign(kMsg, k.rsa2048); },
       [](dns::FakeResolver& r) { r.failName("sel._domainkey.example.org", dns::Status::ServFail); },
       none, {{Result::TempError, "SERVFAIL"}}},
      {"key_timeout", [&] { return sign(kMsg, k.rsa2048); },
       [](dns::FakeResolver& r) { r.failName("sel._domainkey.example.org", dns::Status::Timeout); },
       none, {{Result::TempError, "timed out"}}},
      {"key_revoked", [&] { return sign(kMsg, k.rsa2048); },
       [](dns::FakeResolver& r) { r.addTxt("sel._domainkey.example.org", "v=DKIM1; k=rsa; p="); },
       none, {{Result::Fail, "revoked"}}},
      {"rsa_512_bits", [&] { return sign(kMsg, k.rsa512); }, pub(k.rsa512), none,
       {{Result::Policy, "512 bits"}}},
      {"rsa_1024_bits", [&] { return sign(kMsg, k.rsa1024); }, pub(k.rsa1024), none,
       {{Result::Pass, ""}}},
      {"rsa_1024_under_raised_minimum", [&] { return sign(kMsg, k.rsa1024); }, pub(k.rsa1024),
       [](VerifyOptions& o) { o.minRsaBits = 2048; }, {{Result::Policy, "1024 bits"}}},
      {"rsa_sha1",
       [&] { SignSpec s; s.algorithm = "rsa-sha1"; return sign(kMsg, k.rsa2048, s); },
       pub(k.rsa2048), none, {{Result::Policy, "rsa-sha1"}}},
      {"one_good_one_bad",
       [&] {
         SignSpec bad;
         bad.selector = "wrong";
         return sign(sign(kMsg, k.rsa2048), k.rsa1024, bad);
       },
       [&](dns::FakeResolver& r) {
         publish(r, "sel", k.rsa2048);
         publish(r, "wrong", k.other);  // not the key that signed
       },
       none, {{Result::Fail, "signature did not verify"}, {Result::Pass, ""}}},
      {"d_differs_from_from",
       [&] { SignSpec s; s.domain = "esp.example.net"; return sign(kMsg, k.rsa2048, s); },
       [&](dns::FakeResolver& r) { publish(r, "sel", k.rsa2048, "esp.example.net"); }, none,
       {{Result::Pass, ""}}},
      {"t_in_future",
       [&] { SignSpec s; s.signTime = now() + 7200; return sign(kMsg, k.rsa2048, s); },
       pub(k.rsa2048), none, {{Result::Policy, "future"}}},
      {"t_in_future_within_drift",
       [&] { SignSpec s; s.signTime = now() + 60; return sign(kMsg, k.rsa2048, s); },
       pub(k.rsa2048), none, {{Result::Pass, ""}}},
      {"x_expired",
       [&] {
         SignSpec s;
         s.signTime = now() - 7200;
         s.lifetime = 3600;
         return sign(kMsg, k.rsa2048, s);
       },
       pub(k.rsa2048), none, {{Result::Policy, "expired"}}},
      {"x_not_yet_expired",
       [&] {
         SignSpec s;
         s.signTime = now() - 60;
         s.lifetime = 3600;
         return sign(kMsg, k.rsa2048, s);
       },
       pub(k.rsa2048), none, {{Result::Pass, ""}}},
      {"l_tag_with_appended_content",
       [&] {
         SignSpec s;
         s.lengthWholeBody = true;
         return sign(kMsg, k.rsa2048, s) + "Appended by someone else.\r\n";
       },
       pub(k.rsa2048), none, {{Result::Pass, "not signed"}}},
      {"l_tag_refused_by_setting",
       [&] { SignSpec s; s.lengthWholeBody = true; return sign(kMsg, k.rsa2048, s); },
       pub(k.rsa2048), [](VerifyOptions& o) { o.acceptBodyLength = false; },
       {{Result::Policy, "l="}}},
      {"over_max_signatures",
       [&] {
         SignSpec a, b, c;
         a.selector = "a";
         b.selector = "b";
         c.selector = "c";
         return sign(sign(sign(kMsg, k.rsa2048, a), k.rsa2048, b), k.rsa2048, c);
       },
       [&](dns::FakeResolver& r) {
         for (const char* s : {"a", "b", "c"}) publish(r, s, k.rsa2048);
       },
       [](VerifyOptions& o) { o.maxSignatures = 2; },
       {{Result::Pass, ""}, {Result::Pass, ""}, {Result::None, "not checked", false}}},
      {"unsigned", [] { return kMsg; }, [](dns::FakeResolver&) {}, none, {}},
      {"missing_d", [&] { return replace(sign(kMsg, k.rsa2048), "d=example.org;", ""); },
       pub(k.rsa2048), none, {{Result::Neutral, "d= missing"}}},
      {"missing_bh", [&] {
         std::string m = sign(kMsg, k.rsa2048);
         const auto p = m.find("bh=");
         return m.erase(p, m.find(';', p) - p + 1);
       },
       pub(k.rsa2048), none, {{Result::Neutral, "bh= missing"}}},
      {"b_not_base64", [&] { return replace(sign(kMsg, k.rsa2048), "\tb=", "\tb=!!!!"); },
       pub(k.rsa2048), none, {{Result::Neutral, "b= is not base64"}}},
      {"bh_not_base64", [&] { return replace(sign(kMsg, k.rsa2048), "bh=", "bh=*"); },
       pub(k.rsa2048), none, {{Result::Neutral, "bh= is not base64"}}},
      {"b_value_altered", [&] { return replace(sign(kMsg, k.rsa2048), "\tb=", "\tb=AAAA"); },
       pub(k.rsa2048), none, {{Result::Fail, "signature did not verify"}}},
      {"i_outside_d",
       [&] { return replace(sign(kMsg, k.rsa2048), "v=1;", "v=1; i=@elsewhere.example.net;"); },
       pub(k.rsa2048), none, {{Result::Neutral, "i= is not within d="}}},
      {"i_in_subdomain_of_d",
       [&] { SignSpec s; s.identity = "alice@mail.example.org"; return sign(kMsg, k.rsa2048, s); },
       pub(k.rsa2048), none, {{Result::Pass, ""}}},
      {"unknown_key_type", [&] { return sign(kMsg, k.rsa2048); },
       [&](dns::FakeResolver& r) {
         r.addTxt("sel._domainkey.example.org", "v=DKIM1; k=foo; p=" + k.rsa2048.publicB64);
       },
       none, {{Result::PermError, "k="}}},
      {"key_not_base64", [&] { return sign(kMsg, k.rsa2048); },
       [](dns::FakeResolver& r) { r.addTxt("sel._domainkey.example.org", "v=DKIM1; k=rsa; p=@@@@"); },
       none, {{Result::PermError, ""}}},
      {"two_key_records", [&] { return sign(kMsg, k.rsa2048); },
       [&](dns::FakeResolver& r) {
         publish(r, "sel", k.rsa2048);
         publish(r, "sel", k.other);
       },
       none, {{Result::PermError, "several key records"}}},
      {"lf_line_endings_simple",
       [&] { SignSpec s; s.canon = "simple/simple"; return toLf(sign(kMsg, k.rsa2048, s)); },
       pub(k.rsa2048), none, {{Result::Pass, ""}}},
      {"no_from_header",
       [&] { return replace(sign(kMsg, k.rsa2048), "From: Alice <alice@example.org>\r\n", ""); },
       pub(k.rsa2048), none, {{Result::Fail, "signature did not verify"}}},  // From was signed
      {"selector_unusable_as_name",
       [&] { return replace(sign(kMsg, k.rsa2048), "s=sel;", "s=a..b;"); }, pub(k.rsa2048),
       none, {{Result::PermError, "no key"}}},
  };
}

class VerifyStreamTable : public ::testing::TestWithParam<Case> {};

TEST_P(VerifyStreamTable, ResultsPerSignature) {
  const Case& c = GetParam();
  auto resolver = std::make_shared<dns::FakeResolver>();
  c.dns(*resolver);
  std::string error;
  auto lib = Library::create(config::Config::defaults(), resolver, error);
  ASSERT_TRUE(lib) << error;
  VerifyOptions opts;
  c.options(opts);
  const std::string msg = c.message();
  const auto got = verifyMessage(lib, opts, msg);
  ASSERT_EQ(got.size(), c.want.size()) << msg;
  for (std::size_t i = 0; i < got.size(); ++i) {
    SCOPED_TRACE("signature " + std::to_string(i) + ": " + got[i].reason);
    EXPECT_EQ(core::toString(got[i].result), core::toString(c.want[i].result));
    EXPECT_NE(got[i].reason.find(c.want[i].reasonHas), std::string::npos);
    EXPECT_EQ(got[i].checked, c.want[i].checked);
  }
}

INSTANTIATE_TEST_SUITE_P(Dkim, VerifyStreamTable, ::testing::ValuesIn(cases()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace vouch::dkim
