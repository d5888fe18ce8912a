// Cross-check of vouch's RFC 7489 mode against an independent implementation,
// Mail::DMARC::PurePerl (Debian's libmail-dmarc-perl), on the same DNS data: each case's
// records feed both dns::FakeResolver and a Perl resolver stand-in
// (tests/conformance/dmarc/mail_dmarc_eval.pl), so no network is used. Compared: the
// DMARC result and the disposition a failing message gets. Every known disagreement is
// listed in kExpectedDisagreements with the reason; any other difference fails.

#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <unistd.h>
#include <vector>

#include "dmarc/evaluator.h"
#include "dns/fake_resolver.h"

namespace vouch::dmarc {
namespace {

struct XCase {
  std::string name;
  std::string author;
  std::vector<std::pair<std::string, std::string>> txt;  // owner, TXT data
  std::string spfDomain = {};
  std::string spfResult = "none";
  std::vector<std::pair<std::string, std::string>> dkim = {};  // d=, result
  bool exists = true;  // author and organizational domain have an A record
};

const char* kR = "v=DMARC1; p=reject";

const std::vector<XCase> kCases = {
    {"dkim_exact_pass", "example.org", {{"_dmarc.example.org", kR}}, "", "none", {{"example.org", "pass"}}},
    {"dkim_relaxed_sub", "example.org", {{"_dmarc.example.org", kR}}, "", "none", {{"mail.example.org", "pass"}}},
    {"dkim_relaxed_parent", "news.example.org", {{"_dmarc.example.org", kR}}, "", "none", {{"example.org", "pass"}}},
    {"dkim_strict_sub_fail", "example.org", {{"_dmarc.example.org", "v=DMARC1; p=reject; adkim=s"}}, "", "none",
     {{"mail.example.org", "pass"}}},
    {"dkim_strict_exact", "example.org", {{"_dmarc.example.org", "v=DMARC1; p=reject; adkim=s"}}, "", "none",
     {{"example.org", "pass"}}},
    {"dkim_fail_result", "example.org", {{"_dmarc.example.org", kR}}, "", "none", {{"example.org", "fail"}}},
    {"dkim_unrelated", "example.org", {{"_dmarc.example.org", kR}}, "", "none", {{"evil.example", "pass"}}},
    {"dkim_second_sig", "example.org", {{"_dmarc.example.org", kR}}, "", "none",
     {{"esp.example", "pass"}, {"example.org", "pass"}}},
    {"spf_exact_pass", "example.org", {{"_dmarc.example.org", kR}}, "example.org", "pass"},
    {"spf_relaxed_pass", "example.org", {{"_dmarc.example.org", kR}}, "bounce.example.org", "pass"},
    {"spf_strict_fail", "example.org", {{"_dmarc.example.org", "v=DMARC1; p=reject; aspf=s"}}, "bounce.example.org", "pass"},
    {"spf_softfail", "example.org", {{"_dmarc.example.org", kR}}, "example.org", "softfail"},
    {"spf_unrelated_pass", "example.org", {{"_dmarc.example.org", kR}}, "evil.example.net", "pass"},
    {"quarantine", "example.org", {{"_dmarc.example.org", "v=DMARC1; p=quarantine"}}},
    {"p_none_fail", "example.org", {{"_dmarc.example.org", "v=DMARC1; p=none"}}},
    {"uppercase_p", "example.org", {{"_dmarc.example.org", "v=DMARC1; p=REJECT"}}},
    {"sp_for_subdomain", "mail.example.org", {{"_dmarc.example.org", "v=DMARC1; p=reject; sp=quarantine"}}},
    {"p_for_subdomain_without_sp", "mail.example.org", {{"_dmarc.example.org", "v=DMARC1; p=quarantine"}}},
    {"sp_not_for_org_itself", "example.org", {{"_dmarc.example.org", "v=DMARC1; p=none; sp=reject"}}},
    {"own_record_on_subdomain", "mail.example.org",
     {{"_dmarc.mail.example.org", "v=DMARC1; p=none"}, {"_dmarc.example.org", kR}}},
    {"no_record", "example.org", {}},
    {"no_record_subdomain", "a.b.example.org", {}},
    {"psl_co_uk_org", "mail.example.co.uk", {{"_dmarc.example.co.uk", "v=DMARC1; p=reject; sp=quarantine"}}},
    {"psl_co_uk_relaxed", "mail.example.co.uk", {{"_dmarc.example.co.uk", kR}}, "", "none",
     {{"other.example.co.uk", "pass"}}},
    {"psl_co_uk_other_org", "mail.example.co.uk", {{"_dmarc.example.co.uk", kR}}, "", "none",
     {{"example2.co.uk", "pass"}}},
    {"psl_private_github_io", "proj.user.github.io", {{"_dmarc.user.github.io", "v=DMARC1; p=quarantine"}}},
    {"pct_100", "example.org", {{"_dmarc.example.org", "v=DMARC1; p=reject; pct=100"}}},
    {"pct_0_reject", "example.org", {{"_dmarc.example.org", "v=DMARC1; p=reject; pct=0"}}},
    {"pct_0_quarantine", "example.org", {{"_dmarc.example.org", "v=DMARC1; p=quarantine; pct=0"}}},
    {"invalid_p_with_rua", "example.org", {{"_dmarc.example.org", "v=DMARC1; p=bogus; rua=mailto:r@example.org"}}},
    {"adkim_invalid_defaults", "example.org", {{"_dmarc.example.org", "v=DMARC1; p=reject; adkim=x"}}, "", "none",
     {{"mail.example.org", "pass"}}},
    {"unknown_tags", "example.org", {{"_dmarc.example.org", "v=DMARC1; p=reject; foo=bar; ri=3600"}}},
    {"spf_record_at_dmarc_name", "example.org", {{"_dmarc.example.org", "v=spf1 -all"}}},
    {"dmarc_among_other_txt", "example.org", {{"_dmarc.example.org", "hello"}, {"_dmarc.example.org", kR}}},
    {"np_is_not_7489", "ghost.example.org", {{"_dmarc.example.org", "v=DMARC1; p=none; np=reject"}}},
    {"t_is_not_7489", "example.org", {{"_dmarc.example.org", "v=DMARC1; p=reject; t=y"}}},
    {"mixed_case_author", "Mail.Example.ORG", {{"_dmarc.example.org", "v=DMARC1; p=reject; sp=quarantine"}}},
    // Known disagreements (see kExpectedDisagreements).
    {"invalid_p_no_rua", "example.org", {{"_dmarc.example.org", "v=DMARC1; p=bogus"}}},
    {"two_records_at_author", "example.org",
     {{"_dmarc.example.org", "v=DMARC1; p=none"}, {"_dmarc.example.org", "v=DMARC1; p=reject"}}},
    {"lowercase_version_tag", "example.org", {{"_dmarc.example.org", "v=dmarc1; p=reject"}}},
    {"author_not_in_dns", "ghost.example.org", {{"_dmarc.example.org", kR}}, "", "none", {}, false},
};

// name -> why the two implementations differ (vouch's answer first).
const std::map<std::string, std::string> kExpectedDisagreements = {
    {"invalid_p_no_rua",
     "vouch: permerror (RFC 9989 9.2 / RFC 7489 6.6.3: an unusable record, no DMARC processing); "
     "Mail::DMARC leaves its initial 'fail' result with disposition none"},
    {"two_records_at_author",
     "vouch: none (RFC 7489 6.6.3 step 3: several records end discovery, no DMARC applies); "
     "Mail::DMARC leaves its initial 'fail' result with disposition none"},
    {"lowercase_version_tag",
     "vouch: none (the v tag value is case-sensitive, %s\"DMARC1\" in RFC 9989 4.8, 'DMARC1' in RFC 7489 6.4); "
     "Mail::DMARC compares case-insensitively and applies p=reject"},
    {"author_not_in_dns",
     "vouch: fail with the organizational domain's policy (existence is not part of RFC 7489 policy discovery); "
     "Mail::DMARC returns none when neither the author nor its organizational domain has MX/NS/A/AAAA"},
};

std::string orgOf(const PublicSuffixList& psl, const std::string& d) { return psl.organizationalDomain(d); }

nlohmann::json toJson(const XCase& c, const PublicSuffixList& psl) {
  nlohmann::json zone = nlohmann::json::array();
  for (const auto& [name, data] : c.txt) zone.push_back({{"name", name}, {"type", "TXT"}, {"data", data}});
  if (c.exists) {
    zone.push_back({{"name", c.author}, {"type", "A"}, {"data", "192.0.2.1"}});
    zone.push_back({{"name", orgOf(psl, c.author)}, {"type", "A"}, {"data", "192.0.2.1"}});
  }
  nlohmann::json dkim = nlohmann::json::array();
  for (const auto& [d, r] : c.dkim) dkim.push_back({{"domain", d}, {"result", r}});
  nlohmann::json j = {{"name", c.name}, {"author", c.author}, {"zone", zone}, {"dkim", dkim}, {"spf_result", c.spfResult}};
  if (!c.spfDomain.empty()) j["spf_domain"] = c.spfDomain;
  return j;
}

core::Result parseResult(const std::string& r) {
  static const std::map<std::string, core::Result> m = {
      {"pass", core::Result::Pass}, {"fail", core::Result::Fail}, {"softfail", core::Result::SoftFail},
      {"none", core::Result::None}, {"neutral", core::Result::Neutral}};
  const auto it = m.find(r);
  return it == m.end() ? core::Result::None : it->second;
}

struct Outcome {
  std::string result;
  std::string disposition;
  bool operator==(const Outcome&) const = default;
};

Outcome ours(const XCase& c, const std::shared_ptr<const PublicSuffixList>& psl) {
  dns::FakeResolver resolver;
  for (const auto& [name, data] : c.txt) resolver.addTxt(name, data);
  if (c.exists) {
    resolver.addA(c.author, "192.0.2.1");
    resolver.addA(orgOf(*psl, c.author), "192.0.2.1");
  }
  core::Findings f;
  if (!c.spfDomain.empty()) {
    core::SpfFinding s;
    s.result = parseResult(c.spfResult);
    s.domain = c.spfDomain;
    f.spf = s;
  }
  for (const auto& [d, r] : c.dkim) {
    core::DkimFinding k;
    k.domain = d;
    k.result = parseResult(r);
    f.dkim.push_back(k);
  }
  EvaluatorConfig cfg;
  cfg.mode = Mode::Rfc7489;
  cfg.psl = psl;
  const Evaluator ev(cfg);
  // pct=0 always samples out and pct=100 always in, whatever the sample: the Perl side
  // uses rand(), so only those two values are compared.
  const core::DmarcFinding got = ev.evaluate(c.author, f, resolver, dns::Clock::now() + std::chrono::seconds(5),
                                             nullptr, [] { return 50; });
  return {std::string(core::toString(got.result)), got.result == core::Result::Fail ? got.policy : "none"};
}

std::map<std::string, Outcome> theirs(const std::vector<XCase>& cases, const PublicSuffixList& psl) {
  nlohmann::json all = nlohmann::json::array();
  for (const auto& c : cases) all.push_back(toJson(c, psl));
  char path[] = "/tmp/vouch-dmarc-xcheck-XXXXXX";
  const int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  ::close(fd);
  std::ofstream(path) << all.dump();
  const std::string cmd = std::string("/usr/bin/perl ") + VOUCH_SOURCE_DIR +
                          "/tests/conformance/dmarc/mail_dmarc_eval.pl < " + path + " 2>&1";
  std::map<std::string, Outcome> out;
  FILE* p = ::popen(cmd.c_str(), "r");
  EXPECT_NE(p, nullptr);
  if (p == nullptr) return out;
  char line[4096];
  while (std::fgets(line, sizeof line, p) != nullptr) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.contains("name")) {
      ADD_FAILURE() << "unexpected output from mail_dmarc_eval.pl: " << line;
      continue;
    }
    if (j.contains("error")) ADD_FAILURE() << j["name"] << ": Mail::DMARC error " << j["error"];
    // Mail::DMARC echoes the record's case ("REJECT"); policy names are case-insensitive.
    std::string dis = j.value("disposition", "");
    for (char& ch : dis) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    out[j["name"]] = Outcome{j.value("result", ""), dis};
  }
  EXPECT_EQ(::pclose(p), 0);
  std::remove(path);
  return out;
}

TEST(DmarcCrossCheck, AgreesWithMailDmarcOnRfc7489) {
  ASSERT_GE(kCases.size(), 30u);
  std::string error;
  const auto psl = PublicSuffixList::load("/usr/share/publicsuffix/public_suffix_list.dat", error);
  ASSERT_TRUE(psl) << error;
  const auto other = theirs(kCases, *psl);
  ASSERT_EQ(other.size(), kCases.size());
  std::set<std::string> disagreements;
  std::size_t agreed = 0;
  for (const auto& c : kCases) {
    const Outcome mine = ours(c, psl);
    const auto it = other.find(c.name);
    ASSERT_NE(it, other.end()) << c.name;
    if (mine == it->second) {
      ++agreed;
      EXPECT_EQ(kExpectedDisagreements.count(c.name), 0u) << c.name << " now agrees: remove it from the list";
      continue;
    }
    disagreements.insert(c.name);
    const auto known = kExpectedDisagreements.find(c.name);
    EXPECT_NE(known, kExpectedDisagreements.end())
        << c.name << ": vouch " << mine.result << "/" << mine.disposition << ", Mail::DMARC " << it->second.result
        << "/" << it->second.disposition;
  }
  std::printf("dmarc cross-check: %zu of %zu cases agree with Mail::DMARC, %zu known disagreements\n", agreed,
              kCases.size(), disagreements.size());
  EXPECT_GE(agreed, 30u);
  EXPECT_EQ(disagreements.size(), kExpectedDisagreements.size());
}

}  // namespace
}  // namespace vouch::dmarc
