// Table tests for the From-header reduction to core::FromFinding and for unfolding.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mail/from_header.h"
#include "mail/header_unfold.h"

namespace vouch::mail {
namespace {

struct FromCase {
  const char* name;
  std::vector<core::Header> headers;
  std::string problem;
  std::string domain;
  int headerCount;
  std::size_t addresses;
};

class FromCases : public ::testing::TestWithParam<FromCase> {};

TEST_P(FromCases, Reduces) {
  const FromCase& c = GetParam();
  const FromAnalysis a = analyzeFrom(c.headers);
  EXPECT_EQ(a.finding.problem, c.problem) << a.detail;
  EXPECT_EQ(a.finding.domain, c.domain);
  EXPECT_EQ(a.finding.headerCount, c.headerCount);
  EXPECT_EQ(a.finding.addresses.size(), c.addresses);
  if (!c.problem.empty()) {
    EXPECT_FALSE(a.detail.empty());
  }
}

const FromCase kFrom[] = {
    {"one", {{"Subject", " hi"}, {"From", " Joe <joe@Example.ORG>"}}, "", "example.org", 1, 1},
    {"lowercase_name", {{"from", " joe@example.org"}}, "", "example.org", 1, 1},
    {"name_with_space", {{"From ", " joe@example.org"}}, "", "example.org", 1, 1},
    {"none", {{"Subject", " hi"}}, "none", "", 0, 0},
    {"multiple_same", {{"From", " a@example.org"}, {"FROM", " b@example.org"}}, "multiple", "example.org", 2, 2},
    {"multiple_diff", {{"From", " a@example.org"}, {"From", " b@evil.example"}}, "multiple", "", 2, 2},
    {"same_domain_list", {{"From", " a@example.org, B <b@EXAMPLE.org>"}}, "", "example.org", 1, 2},
    {"multiple_domains", {{"From", " a@example.org, b@evil.example"}}, "multiple-domains", "", 1, 2},
    {"no_domain", {{"From", " joe"}}, "no-domain", "", 1, 1},
    {"empty_group", {{"From", " undisclosed:;"}}, "no-domain", "", 1, 0},
    {"empty_value", {{"From", " "}}, "no-domain", "", 1, 0},
    {"unparsable", {{"From", " a@b.org <c@d.org>"}}, "unparsable", "", 1, 0},
    {"literal", {{"From", " a@[192.0.2.1]"}}, "unparsable", "", 1, 1},
    {"idn_utf8", {{"From", " a@b\xc3\xbc.example"}}, "", "xn--b-eha.example", 1, 1},
    {"idn_fullwidth_is_ascii", {{"From", " a@\xef\xbd\x90\xef\xbd\x81\xef\xbd\x99\xef\xbd\x90\xef\xbd\x81\xef\xbd\x8c.com, b@paypal.com"}},
     "", "paypal.com", 1, 2},
    {"idn_refused", {{"From", " a@ex\xe2\x80\x8d.com"}}, "unparsable", "", 1, 1},
    {"group_one_domain", {{"From", " G: a@x.example, b@x.example;"}}, "", "x.example", 1, 2},
};

INSTANTIATE_TEST_SUITE_P(Table, FromCases, ::testing::ValuesIn(kFrom),
                         [](const auto& info) { return std::string(info.param.name); });

struct SuspectCase {
  const char* name;
  std::string value;
  std::vector<std::string> domains;
};

class SuspectCases : public ::testing::TestWithParam<SuspectCase> {};

TEST_P(SuspectCases, Finds) { EXPECT_EQ(suspectDomains(GetParam().value, 10), GetParam().domains); }

const SuspectCase kSuspects[] = {
    {"addr_then_angle", " service@Bank.example <x@attacker.example>", {"bank.example", "attacker.example"}},
    {"unbalanced", " Boss <boss@bank.example", {"bank.example"}},
    {"trailing_dot", " a@bank.example.", {"bank.example"}},
    {"quoted_and_comment", " \"a@one.example\" (b@two.example) c@one.example", {"one.example", "two.example"}},
    {"fullwidth", " a@\xef\xbd\x82\xef\xbd\x81\xef\xbd\x8e\xef\xbd\x8b.example <", {"bank.example"}},
    {"literal_skipped", " a@[192.0.2.1] <", {}},
    {"no_at", " Joe Smith", {}},
};

INSTANTIATE_TEST_SUITE_P(Table, SuspectCases, ::testing::ValuesIn(kSuspects),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Suspects, OnlyForUnparsableHeaders) {
  EXPECT_TRUE(analyzeFromValues({" a@bank.example"}).suspectDomains.empty());
  const FromAnalysis a = analyzeFromValues({" a@bank.example <b@evil.example>"});
  EXPECT_EQ(a.finding.problem, "unparsable");
  EXPECT_EQ(a.suspectDomains, (std::vector<std::string>{"bank.example", "evil.example"}));
  EXPECT_EQ(suspectDomains(" a@x.example b@y.example c@z.example", 2).size(), 2u);
}

struct UnfoldCase {
  const char* name;
  std::string in;
  std::string out;
};

class UnfoldCases : public ::testing::TestWithParam<UnfoldCase> {};

TEST_P(UnfoldCases, Unfolds) { EXPECT_EQ(unfold(GetParam().in), GetParam().out); }

const UnfoldCase kUnfold[] = {
    {"plain", " a b", " a b"},
    {"crlf_space", " a\r\n b", " a b"},
    {"crlf_tab", " a\r\n\tb", " a\tb"},
    {"lf_space", " a\n b", " a b"},
    {"cr_space", " a\r b", " a b"},
    {"double_fold", " a\r\n \r\n b", " a  b"},
    {"trailing_crlf", " a\r\n", " a"},
    {"trailing_lf_lf", " a\n\n", " a"},
    {"unfolded_break_kept", " a\r\nb", " a\r\nb"},
    {"break_run_then_wsp", " a\n\r b", " a b"},
    {"lf_cr_crlf_run", " a\n\r\r\n\tb", " a\tb"},
    {"empty", "", ""},
};

INSTANTIATE_TEST_SUITE_P(Table, UnfoldCases, ::testing::ValuesIn(kUnfold),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(HeaderText, TrimAndNames) {
  EXPECT_EQ(trimWsp(" \t a b \r\n"), "a b");
  EXPECT_EQ(trimWsp(""), "");
  EXPECT_TRUE(headerNameEquals("From", "fROM"));
  EXPECT_FALSE(headerNameEquals("From", "From:"));
  EXPECT_FALSE(headerNameEquals("Fro", "From"));
  EXPECT_EQ(asciiLower("AbC\xc3\x9c"), "abc\xc3\x9c");
}

}  // namespace
}  // namespace vouch::mail
