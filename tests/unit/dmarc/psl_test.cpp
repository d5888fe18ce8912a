// The Public Suffix List owner: organizational domains as RFC 7489 defines them, with
// the input normalisation notes/libraries.md 5 asks for (case, trailing dot, IPs).

#include <gtest/gtest.h>

#include <string>

#include "dmarc/psl.h"

namespace vouch::dmarc {
namespace {

struct PslCase {
  const char* name;
  std::string in;
  std::string out;
};

class PslCases : public ::testing::TestWithParam<PslCase> {};

TEST_P(PslCases, OrganizationalDomain) {
  std::string error;
  static const auto psl = PublicSuffixList::load("/usr/share/publicsuffix/public_suffix_list.dat", error);
  ASSERT_TRUE(psl) << error;
  EXPECT_EQ(psl->organizationalDomain(GetParam().in), GetParam().out);
}

const PslCase kPsl[] = {
    {"plain", "example.com", "example.com"},
    {"sub", "a.b.example.com", "example.com"},
    {"two_label_suffix", "a.b.example.co.uk", "example.co.uk"},
    {"uppercase", "Mail.Example.Co.UK", "example.co.uk"},
    {"trailing_dot", "mail.example.com.", "example.com"},
    {"private_section", "foo.bar.github.io", "bar.github.io"},
    {"wildcard_rule", "www.city.kawasaki.jp", "city.kawasaki.jp"},
    {"unknown_tld", "mail.example.invalidtld", "example.invalidtld"},
    {"suffix_itself", "co.uk", "co.uk"},
    {"tld_itself", "com", "com"},
    {"ipv4_untouched", "192.0.2.1", "192.0.2.1"},
    {"ipv6_untouched", "2001:db8::1", "2001:db8::1"},
    {"empty", "", ""},
};

INSTANTIATE_TEST_SUITE_P(Table, PslCases, ::testing::ValuesIn(kPsl),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Psl, MissingFileIsAnError) {
  std::string error;
  EXPECT_FALSE(PublicSuffixList::load("/nonexistent/list.dat", error));
  EXPECT_NE(error.find("/nonexistent/list.dat"), std::string::npos);
}

}  // namespace
}  // namespace vouch::dmarc
