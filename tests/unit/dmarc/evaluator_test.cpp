// Table-driven DMARC evaluations over dns::FakeResolver: every policy tag, relaxed and
// strict alignment both ways, sp/np, psd and the tree walk, multiple records, syntax
// errors, t=y, temperror on each lookup, and RFC 7489 mode with the PSL and pct.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dmarc/evaluator.h"
#include "dmarc/tree_walk.h"
#include "dmarc_test_util.h"

namespace vouch::dmarc {
namespace {

using core::Result;
using testing::Ident;
using testing::Zone;

constexpr auto P = Result::Pass;
constexpr auto F = Result::Fail;
constexpr auto T = Result::TempError;
constexpr auto B = Mode::Rfc9989;
constexpr auto L = Mode::Rfc7489;

struct EvalCase {
  const char* name;
  Mode mode;
  Zone zone;
  std::string author;
  std::vector<Ident> spf;
  std::vector<Ident> dkim;
  Result result;
  std::string policy;        // applied policy
  std::string policyDomain;
  std::string orgDomain;
  bool spfAligned = false;
  bool dkimAligned = false;
  int pctSample = 0;
  std::size_t maxWalk = 8;
  bool testing = false;
};

const char* kReject = "v=DMARC1; p=reject";

std::shared_ptr<const PublicSuffixList> psl() {
  static const auto list = [] {
    std::string error;
    return PublicSuffixList::load("/usr/share/publicsuffix/public_suffix_list.dat", error);
  }();
  return list;
}

class EvalCases : public ::testing::TestWithParam<EvalCase> {};

TEST_P(EvalCases, Evaluates) {
  const EvalCase& c = GetParam();
  dns::FakeResolver resolver;
  testing::load(resolver, c.zone);
  EvaluatorConfig cfg;
  cfg.mode = c.mode;
  cfg.maxTreeWalk = c.maxWalk;
  cfg.psl = psl();
  ASSERT_TRUE(cfg.psl);
  const Evaluator ev(cfg);
  const core::Findings findings = testing::makeFindings(c.spf, c.dkim);
  const core::DmarcFinding f = ev.evaluate(c.author, findings, resolver, dns::Clock::now() + std::chrono::seconds(5),
                                           nullptr, [&] { return c.pctSample; });
  EXPECT_EQ(core::toString(f.result), core::toString(c.result)) << f.reason;
  EXPECT_EQ(f.policy, c.policy) << f.reason;
  EXPECT_EQ(f.policyDomain, c.policyDomain) << f.reason;
  EXPECT_EQ(f.orgDomain, c.orgDomain) << f.reason;
  EXPECT_EQ(f.spfAligned, c.spfAligned) << f.reason;
  EXPECT_EQ(f.dkimAligned, c.dkimAligned) << f.reason;
  EXPECT_EQ(f.domain, c.author);
  EXPECT_EQ(f.testing, c.testing);
  EXPECT_LE(resolver.queryCount(), 4 * c.maxWalk) << "unbounded lookups";
}

const EvalCase kEval[] = {
    // alignment, both modes of both identifiers
    {"dkim_relaxed_pass", B, {{{"_dmarc.example.org", kReject}}}, "example.org", {}, {{P, "mail.example.org"}},
     P, "reject", "example.org", "example.org", false, true},
    {"dkim_strict_sub_fails", B, {{{"_dmarc.example.org", "v=DMARC1; p=reject; adkim=s"}}}, "example.org", {},
     {{P, "mail.example.org"}}, F, "reject", "example.org", "example.org"},
    {"dkim_strict_exact_pass", B, {{{"_dmarc.example.org", "v=DMARC1; p=reject; adkim=s"}}}, "example.org", {},
     {{P, "Example.ORG."}}, P, "reject", "example.org", "example.org", false, true},
    {"dkim_relaxed_parent_of_author", B, {{{"_dmarc.example.org", "v=DMARC1; p=quarantine"}}}, "news.example.org", {},
     {{P, "example.org"}}, P, "quarantine", "example.org", "example.org", false, true},
    {"dkim_fail_result_ignored", B, {{{"_dmarc.example.org", kReject}}}, "example.org", {}, {{F, "example.org"}},
     F, "reject", "example.org", "example.org"},
    {"dkim_unchecked_ignored", B, {{{"_dmarc.example.org", kReject}}}, "example.org", {}, {{P, "example.org", false}},
     F, "reject", "example.org", "example.org"},
    {"dkim_other_domain", B, {{{"_dmarc.example.org", kReject}}}, "example.org", {}, {{P, "evil.example"}},
     F, "reject", "example.org", "example.org"},
    {"dkim_second_signature_aligns", B, {{{"_dmarc.example.org", kReject}}}, "example.org", {},
     {{P, "esp.example"}, {P, "example.org"}}, P, "reject", "example.org", "example.org", false, true},
    {"spf_relaxed_pass", B, {{{"_dmarc.example.org", "v=DMARC1; p=quarantine; sp=reject"}}}, "news.example.org",
     {{P, "bounce.example.org"}}, {}, P, "reject", "example.org", "example.org", true, false},
    {"spf_strict_fail", B, {{{"_dmarc.example.org", "v=DMARC1; p=reject; aspf=s"}}}, "example.org",
     {{P, "bounce.example.org"}}, {}, F, "reject", "example.org", "example.org"},
    {"spf_strict_exact", B, {{{"_dmarc.example.org", "v=DMARC1; p=reject; aspf=s"}}}, "example.org",
     {{P, "example.org"}}, {}, P, "reject", "example.org", "example.org", true, false},
    {"spf_softfail_ignored", B, {{{"_dmarc.example.org", kReject}}}, "example.org", {{Result::SoftFail, "example.org"}},
     {}, F, "reject", "example.org", "example.org"},
    // null sender: the SPF finding that decided is the HELO identity (postmaster@helo)
    {"spf_helo_identity_aligns", B, {{{"_dmarc.example.org", kReject}}}, "example.org", {{P, "mx.example.org"}}, {},
     P, "reject", "example.org", "example.org", true, false},
    {"spf_and_dkim_both", B, {{{"_dmarc.example.org", kReject}}}, "example.org", {{P, "example.org"}},
     {{P, "example.org"}}, P, "reject", "example.org", "example.org", true, true},
    // policy discovery and the tree walk
    {"none_anywhere", B, {}, "mail.example.org", {{P, "mail.example.org"}}, {}, Result::None, "none", "",
     "mail.example.org"},
    {"record_only_at_org", B, {{{"_dmarc.example.org", kReject}}, {"a.b.example.org"}}, "a.b.example.org", {}, {},
     F, "reject", "example.org", "example.org"},
    {"sp_applies", B, {{{"_dmarc.example.org", "v=DMARC1; p=none; sp=reject"}}, {"sub.example.org"}},
     "sub.example.org", {}, {}, F, "reject", "example.org", "example.org"},
    {"p_at_author_not_sp", B, {{{"_dmarc.example.org", "v=DMARC1; p=none; sp=reject"}}}, "example.org", {}, {},
     F, "none", "example.org", "example.org"},
    {"np_nonexistent", B, {{{"_dmarc.example.org", "v=DMARC1; p=none; sp=quarantine; np=reject"}}},
     "ghost.example.org", {}, {}, F, "reject", "example.org", "example.org"},
    {"np_existing_uses_sp", B, {{{"_dmarc.example.org", "v=DMARC1; p=none; sp=quarantine; np=reject"}}, {"real.example.org"}},
     "real.example.org", {}, {}, F, "quarantine", "example.org", "example.org"},
    {"np_absent_uses_sp", B, {{{"_dmarc.example.org", "v=DMARC1; p=none; sp=quarantine"}}}, "ghost.example.org", {}, {},
     F, "quarantine", "example.org", "example.org"},
    {"np_absent_sp_absent_uses_p", B, {{{"_dmarc.example.org", "v=DMARC1; p=reject"}}}, "ghost.example.org", {}, {},
     F, "reject", "example.org", "example.org"},
    {"np_existence_servfail", B, {{{"_dmarc.example.org", "v=DMARC1; p=none; np=reject"}}, {}, {{"ghost.example.org", dns::Status::ServFail}}},
     "ghost.example.org", {}, {}, T, "none", "example.org", "example.org"},
    {"multiple_records_at_author_walks_on", B,
     {{{"_dmarc.sub.example.org", "v=DMARC1; p=none"}, {"_dmarc.sub.example.org", "v=DMARC1; p=quarantine"},
       {"_dmarc.example.org", kReject}}, {"sub.example.org"}},
     "sub.example.org", {}, {}, F, "reject", "example.org", "example.org"},
    {"non_dmarc_txt_ignored", B, {{{"_dmarc.example.org", "v=spf1 -all"}, {"_dmarc.example.org", kReject}}},
     "example.org", {}, {}, F, "reject", "example.org", "example.org"},
    {"own_record_beats_org", B, {{{"_dmarc.mail.example.com", "v=DMARC1; p=none"}, {"_dmarc.example.com", kReject}}},
     "mail.example.com", {}, {{P, "evil.example"}}, F, "none", "mail.example.com", "example.com"},
    {"intermediate_record_not_policy", B,
     {{{"_dmarc.mail.example.com", "v=DMARC1; p=none"}, {"_dmarc.example.com", kReject}}, {"a.mail.example.com"}},
     "a.mail.example.com", {}, {{P, "example.com"}}, P, "reject", "example.com", "example.com", false, true},
    {"psd_y_org_one_below", B, {{{"_dmarc.gov", "v=DMARC1; p=reject; psd=y"}}, {"mail.agency.gov"}}, "mail.agency.gov",
     {}, {{P, "agency.gov"}}, P, "reject", "gov", "agency.gov", false, true},
    {"psd_y_sibling_not_aligned", B, {{{"_dmarc.gov", "v=DMARC1; p=reject; psd=y"}}, {"mail.agency.gov"}},
     "mail.agency.gov", {}, {{P, "other.gov"}}, F, "reject", "gov", "agency.gov"},
    {"psd_y_org_record_wins", B, {{{"_dmarc.gov", "v=DMARC1; p=reject; psd=y"}, {"_dmarc.agency.gov", "v=DMARC1; p=none"}},
     {"mail.agency.gov"}}, "mail.agency.gov", {}, {}, F, "none", "agency.gov", "agency.gov"},
    {"psd_n_stops_walk", B,
     {{{"_dmarc.example.org", kReject}, {"_dmarc.dept.example.org", "v=DMARC1; p=quarantine; psd=n"}}, {"x.dept.example.org"}},
     "x.dept.example.org", {}, {{P, "example.org"}}, F, "quarantine", "dept.example.org", "dept.example.org"},
    {"psd_n_sibling_aligns_under_it", B, {{{"_dmarc.dept.example.org", "v=DMARC1; p=reject; psd=n"}}},
     "dept.example.org", {}, {{P, "mail.dept.example.org"}}, P, "reject", "dept.example.org", "dept.example.org", false, true},
    {"psd_y_at_author_is_own_org", B, {{{"_dmarc.example", "v=DMARC1; p=reject; psd=y"}}}, "example", {},
     {{P, "sub.example"}}, F, "reject", "example", "example"},
    {"long_name_bounded", B, {{{"_dmarc.example.com", kReject}}, {"a.b.c.d.e.f.g.h.i.j.mail.example.com"}},
     "a.b.c.d.e.f.g.h.i.j.mail.example.com", {}, {}, F, "reject", "example.com", "example.com"},
    {"walk_limit_skips_labels", B, {{{"_dmarc.c.example.com", kReject}}}, "a.b.c.example.com", {}, {},
     Result::None, "none", "", "a.b.c.example.com", false, false, 0, 3},
    // errors
    {"invalid_p_no_rua_permerror", B, {{{"_dmarc.example.org", "v=DMARC1; p=bogus"}}}, "example.org", {}, {},
     Result::PermError, "none", "example.org", "example.org"},
    {"invalid_p_with_rua_none", B, {{{"_dmarc.example.org", "v=DMARC1; p=bogus; rua=mailto:r@example.org"}}},
     "example.org", {}, {}, F, "none", "example.org", "example.org"},
    {"servfail_at_author", B, {{{"_dmarc.example.org", kReject}}, {}, {{"_dmarc.example.org", dns::Status::ServFail}}},
     "example.org", {{P, "example.org"}}, {}, T, "none", "", ""},
    {"timeout_in_walk", B, {{{"_dmarc.example.org", kReject}}, {}, {{"_dmarc.example.org", dns::Status::Timeout}}},
     "sub.example.org", {}, {}, T, "none", "", ""},
    {"walk_temperror_above_own_record_strict_ok", B,
     {{{"_dmarc.mail.example.com", "v=DMARC1; p=reject; adkim=s"}}, {}, {{"_dmarc.com", dns::Status::ServFail}}},
     "mail.example.com", {}, {{P, "mail.example.com"}}, P, "reject", "mail.example.com", "", false, true},
    {"walk_temperror_relaxed_needed", B,
     {{{"_dmarc.mail.example.com", kReject}}, {}, {{"_dmarc.com", dns::Status::ServFail}}},
     "mail.example.com", {}, {{P, "x.example.com"}}, T, "reject", "mail.example.com", ""},
    {"aligned_identifier_temperror", B, {{{"_dmarc.example.org", kReject}}}, "example.org", {{T, "example.org"}}, {},
     T, "reject", "example.org", "example.org"},
    {"unaligned_identifier_temperror", B, {{{"_dmarc.example.org", kReject}}}, "example.org", {{T, "evil.example"}}, {},
     F, "reject", "example.org", "example.org"},
    {"temperror_but_aligned_pass", B, {{{"_dmarc.example.org", kReject}}}, "example.org", {{T, "example.org"}},
     {{P, "example.org"}}, P, "reject", "example.org", "example.org", false, true},
    {"alignment_walk_temperror", B,
     {{{"_dmarc.example.org", kReject}}, {}, {{"_dmarc.mail.example.org", dns::Status::ServFail}}},
     "example.org", {}, {{P, "mail.example.org"}}, T, "reject", "example.org", "example.org"},
    // testing mode
    {"t_y_reject_reported_not_applied", B, {{{"_dmarc.example.org", "v=DMARC1; p=reject; t=y"}}}, "example.org", {}, {},
     F, "reject", "example.org", "example.org", false, false, 0, 8, true},
    {"t_y_sp_quarantine", B, {{{"_dmarc.example.org", "v=DMARC1; p=reject; sp=quarantine; t=y"}}, {"a.example.org"}},
     "a.example.org", {}, {}, F, "quarantine", "example.org", "example.org", false, false, 0, 8, true},
    // RFC 7489 mode
    {"psl_org_sp", L, {{{"_dmarc.example.co.uk", "v=DMARC1; p=reject; sp=quarantine"}}}, "mail.example.co.uk", {}, {},
     F, "quarantine", "example.co.uk", "example.co.uk"},
    {"psl_relaxed_dkim", L, {{{"_dmarc.example.co.uk", kReject}}}, "mail.example.co.uk", {}, {{P, "other.example.co.uk"}},
     P, "reject", "example.co.uk", "example.co.uk", false, true},
    {"psl_strict_dkim", L, {{{"_dmarc.example.co.uk", "v=DMARC1; p=reject; adkim=s"}}}, "mail.example.co.uk", {},
     {{P, "example.co.uk"}}, F, "reject", "example.co.uk", "example.co.uk"},
    {"psl_pct_sampled_in", L, {{{"_dmarc.example.org", "v=DMARC1; p=reject; pct=50"}}}, "example.org", {}, {},
     F, "reject", "example.org", "example.org", false, false, 10},
    {"psl_pct_sampled_out", L, {{{"_dmarc.example.org", "v=DMARC1; p=reject; pct=50"}}}, "example.org", {}, {},
     F, "quarantine", "example.org", "example.org", false, false, 70},
    {"psl_pct_zero_quarantine", L, {{{"_dmarc.example.org", "v=DMARC1; p=quarantine; pct=0"}}}, "example.org", {}, {},
     F, "none", "example.org", "example.org", false, false, 0},
    {"psl_no_tree_walk_to_tld", L, {{{"_dmarc.gov", "v=DMARC1; p=reject; psd=y"}}}, "mail.agency.gov", {}, {},
     Result::None, "none", "", "agency.gov"},
    {"psl_multiple_at_author_stops", L,
     {{{"_dmarc.sub.example.org", "v=DMARC1; p=none"}, {"_dmarc.sub.example.org", "v=DMARC1; p=none"},
       {"_dmarc.example.org", kReject}}}, "sub.example.org", {}, {}, Result::None, "none", "", "example.org"},
    {"psl_t_ignored", L, {{{"_dmarc.example.org", "v=DMARC1; p=reject; t=y"}}}, "example.org", {}, {},
     F, "reject", "example.org", "example.org"},
    {"psl_np_ignored", L, {{{"_dmarc.example.org", "v=DMARC1; p=none; np=reject"}}}, "ghost.example.org", {}, {},
     F, "none", "example.org", "example.org"},
    {"psl_servfail_org", L, {{}, {}, {{"_dmarc.example.org", dns::Status::ServFail}}}, "mail.example.org", {}, {},
     T, "none", "", "example.org"},
};

INSTANTIATE_TEST_SUITE_P(Table, EvalCases, ::testing::ValuesIn(kEval),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Evaluator, LongNameMakesAtMostEightQueries) {
  dns::FakeResolver resolver;
  resolver.addTxt("_dmarc.com", "v=DMARC1; p=none; psd=y");
  const Evaluator ev(EvaluatorConfig{});
  ev.evaluate("a.b.c.d.e.f.g.h.i.j.mail.example.com", {}, resolver, dns::Clock::now() + std::chrono::seconds(5));
  EXPECT_EQ(resolver.queryCount(), 8u);
  const auto q = resolver.queries();
  ASSERT_FALSE(q.empty());
  EXPECT_EQ(q[1].first, "_dmarc.g.h.i.j.mail.example.com");
}

TEST(Evaluator, PrefetchedAnswersAreUsed) {
  dns::FakeResolver resolver;
  resolver.addTxt("_dmarc.example.org", kReject);
  const Evaluator ev(EvaluatorConfig{});
  Prefetch prefetch;
  for (const auto& d : ev.prefetchDomains("example.org")) prefetch.start(resolver, d);
  EXPECT_EQ(prefetch.size(), 2u);  // example.org and org
  const std::size_t before = resolver.queryCount();
  const auto f = ev.evaluate("example.org", {}, resolver, dns::Clock::now() + std::chrono::seconds(5), &prefetch);
  EXPECT_EQ(resolver.queryCount(), before);  // nothing new asked
  EXPECT_EQ(f.result, Result::Fail);
}

TEST(Evaluator, WalkTargets) {
  EXPECT_EQ(walkTargets("a.b.example.com", 8),
            (std::vector<std::string>{"a.b.example.com", "b.example.com", "example.com", "com"}));
  EXPECT_EQ(walkTargets("com", 8), (std::vector<std::string>{"com"}));
  EXPECT_EQ(walkTargets("1.2.3.4.5.6.7.8.9", 8).size(), 8u);
  EXPECT_EQ(walkTargets("1.2.3.4.5.6.7.8.9", 8)[1], "3.4.5.6.7.8.9");
  EXPECT_EQ(walkTargets("1.2.3.4.5.6.7.8.9", 3), (std::vector<std::string>{"1.2.3.4.5.6.7.8.9", "8.9", "9"}));
  EXPECT_EQ(lastLabels("a.b.c", 2), "b.c");
  EXPECT_EQ(lastLabels("a.b.c", 5), "a.b.c");
  EXPECT_EQ(labelCount("a.b.c"), 3u);
}

}  // namespace
}  // namespace vouch::dmarc
