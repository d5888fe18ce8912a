// Table tests for the strict RFC 5322 address parser, including the From shapes that
// let other milters and MUAs disagree about the author (the known DMARC bypasses).

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mail/address.h"

namespace vouch::mail {
namespace {

struct Case {
  const char* name;
  std::string input;
  bool ok;
  std::vector<std::string> addresses;  // Mailbox::address() of each mailbox
  std::string firstDisplay = {};
};

class AddressCases : public ::testing::TestWithParam<Case> {};

TEST_P(AddressCases, Parses) {
  const Case& c = GetParam();
  const AddressList got = parseFrom(c.input);
  EXPECT_EQ(got.ok(), c.ok) << c.input << " error=" << got.error;
  std::vector<std::string> addrs;
  for (const Mailbox& m : got.mailboxes) addrs.push_back(m.address());
  EXPECT_EQ(addrs, c.addresses) << c.input;
  if (!c.firstDisplay.empty()) {
    ASSERT_FALSE(got.mailboxes.empty());
    EXPECT_EQ(got.mailboxes[0].displayName, c.firstDisplay);
  }
}

const Case kCases[] = {
    // plain, valid shapes
    {"addr_spec", " user@example.org", true, {"user@example.org"}},
    {"upper_domain", "User@Example.ORG", true, {"User@example.org"}},
    {"name_addr", "Joe Q. Public <john.q.public@example.com>", true, {"john.q.public@example.com"}, "Joe Q. Public"},
    {"angle_only", "<a@b.example>", true, {"a@b.example"}},
    {"quoted_display", "\"Smith, John\" <js@example.net>", true, {"js@example.net"}, "Smith, John"},
    {"quoted_at_in_display", "\"ceo@bank.example\" <x@evil.example>", true, {"x@evil.example"}, "ceo@bank.example"},
    {"comment_with_at", "x@evil.example (ceo@bank.example)", true, {"x@evil.example"}},
    {"comment_before", "(comment) a@b.example", true, {"a@b.example"}},
    {"nested_comment", "a@b.example (outer (inner) more)", true, {"a@b.example"}},
    {"encoded_display", "=?utf-8?b?Y2VvQGJhbmsuZXhhbXBsZQ==?= <x@evil.example>", true, {"x@evil.example"}},
    {"folded_crlf", "Joe\r\n <a@b.example>", true, {"a@b.example"}, "Joe"},
    {"folded_lf", "Joe\n\t<a@b.example>", true, {"a@b.example"}, "Joe"},
    {"two_same_domain", "a@b.example, c@b.example", true, {"a@b.example", "c@b.example"}},
    {"two_domains", "a@b.example, c@d.example", true, {"a@b.example", "c@d.example"}},
    {"group", "Team: a@b.example, c@d.example;", true, {"a@b.example", "c@d.example"}},
    {"empty_group", "undisclosed-recipients:;", true, {}},
    {"group_then_addr", "G: a@b.example; , c@d.example", true, {"a@b.example", "c@d.example"}},
    {"quoted_local", "\"john doe\"@example.org", true, {"\"john doe\"@example.org"}},
    {"quoted_local_at", "\"a@b\"@example.org", true, {"\"a@b\"@example.org"}},
    {"obs_route", "<@relay.example:a@b.example>", true, {"a@b.example"}},
    {"obs_cfws_dots", "a . b @ c . example", true, {"a.b@c.example"}},
    {"domain_literal", "a@[192.0.2.1]", true, {"a@[192.0.2.1]"}},
    {"no_domain_word", "joe", true, {"joe"}},
    {"no_domain_angle", "Joe <joe>", true, {"joe"}},
    {"null_angle", "<>", true, {""}},
    {"empty_members", ", a@b.example ,", true, {"a@b.example"}},
    {"utf8_display", "J\xc3\xb6rg <j@b.example>", true, {"j@b.example"}, "J\xc3\xb6rg"},
    {"trailing_comment", "a@b.example (x) ", true, {"a@b.example"}},
    // bypass shapes and malformed input: all refused
    {"addr_then_angle", "a@b.org <c@d.org>", false, {}},
    {"two_angles", "<a@b.org> <c@d.org>", false, {}},
    {"unbalanced_lt", "Joe <a@b.example", false, {}},
    {"unbalanced_gt", "a@b.example>", false, {}},
    {"lt_in_angle", "<<a@b.example>>", false, {}},
    {"unbalanced_quote", "\"Joe <a@b.example>", false, {}},
    {"unbalanced_comment", "a@b.example (x", false, {}},
    {"unbalanced_close_paren", "a@b.example )", false, {}},
    {"unbalanced_bracket", "a@[192.0.2.1", false, {}},
    {"unquoted_at_display", "ceo@bank.example <x@evil.example>", false, {}},
    {"trailing_garbage", "a@b.example garbage", false, {}},
    {"trailing_semicolon", "a@b.example;", false, {}},
    {"nul_byte", std::string("a@b.example\0c@d.example", 23), false, {}},
    {"nul_in_display", std::string("Jo\0e <a@b.example>", 18), false, {}},
    {"bare_cr", "Joe\r<a@b.example>", false, {}},
    {"bare_lf_no_fold", "a@b.example\nX: y", false, {}},
    {"encoded_word_as_address", "=?utf-8?q?ceo=40bank.example?=", false, {}},
    {"encoded_word_in_angle", "<=?utf-8?q?ceo=40bank.example?=>", false, {}},
    {"encoded_word_with_at", "=?utf-8?q?ceo@bank.example?= <x@evil.example>", false, {}},
    {"trailing_dot_domain", "a@bank.example.", false, {}},
    {"double_dot_domain", "a@bank..example", false, {}},
    {"leading_dot_local", ".a@b.example", false, {}},
    {"double_dot_local", "a..b@b.example", false, {}},
    {"empty_local", "@b.example", false, {}},
    {"missing_domain", "a@", false, {}},
    {"quoted_domain", "a@\"b.example\"", false, {}},
    {"nested_group", "A: B: a@b.example;;", false, {}},
    {"group_unterminated", "A: a@b.example", false, {}},
    {"words_only", "John Smith", false, {}},
    {"empty", "", true, {}},
    {"backslash", "a\\@b.example", false, {}},
    {"deep_comments", "a@b.example " + std::string(40, '(') + std::string(40, ')'), false, {}},
};

INSTANTIATE_TEST_SUITE_P(Table, AddressCases, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(AddressLimits, RefusesInputLongerThanTheLimit) {
  ParseLimits limits;
  limits.maxBytes = 64;
  const std::string longName = std::string(80, 'a') + "@b.example";
  const AddressList got = parseFrom(longName, limits);
  EXPECT_FALSE(got.ok());
  EXPECT_TRUE(got.mailboxes.empty());
  EXPECT_TRUE(parseFrom(longName).ok());  // the default limit is larger
}

TEST(AddressLimits, RefusesTooManyMailboxes) {
  ParseLimits limits;
  limits.maxMailboxes = 3;
  EXPECT_TRUE(parseFrom("a@x.example, b@x.example, c@x.example", limits).ok());
  EXPECT_FALSE(parseFrom("a@x.example, b@x.example, c@x.example, d@x.example", limits).ok());
}

TEST(AddressLimits, VeryLongValidInputIsLinear) {
  std::string many;
  for (int i = 0; i < 90; ++i) many += "user" + std::to_string(i) + "@example.org, ";
  const AddressList got = parseFrom(many);
  ASSERT_TRUE(got.ok()) << got.error;
  EXPECT_EQ(got.mailboxes.size(), 90u);
}

TEST(AddressFields, DomainValidity) {
  const AddressList lit = parseFrom("a@[192.0.2.1]");
  ASSERT_EQ(lit.mailboxes.size(), 1u);
  EXPECT_TRUE(lit.mailboxes[0].domainLiteral);
  EXPECT_FALSE(lit.mailboxes[0].domainValid);
  const AddressList utf = parseFrom("a@B\xc3\x9c.example");
  ASSERT_EQ(utf.mailboxes.size(), 1u);
  EXPECT_TRUE(utf.mailboxes[0].domainValid);
  EXPECT_EQ(utf.mailboxes[0].domain, "xn--b-eha.example");
  EXPECT_EQ(utf.mailboxes[0].unicodeDomain, "b\xc3\x9c.example");
  // Full-width letters a reader takes for ASCII name the ASCII domain (UTS #46).
  const AddressList wide = parseFrom("x@\xef\xbd\x90\xef\xbd\x81\xef\xbd\x99\xef\xbd\x90\xef\xbd\x81\xef\xbd\x8c.com");
  ASSERT_EQ(wide.mailboxes.size(), 1u);
  EXPECT_EQ(wide.mailboxes[0].domain, "paypal.com");
  EXPECT_TRUE(wide.mailboxes[0].domainValid);
  // A joiner IDNA refuses: kept as written, not a usable domain.
  const AddressList zwj = parseFrom("x@ex\xe2\x80\x8d.com");
  ASSERT_EQ(zwj.mailboxes.size(), 1u);
  EXPECT_FALSE(zwj.mailboxes[0].domainValid);
  const AddressList bad = parseFrom("x@\xff\xfe.com");  // not UTF-8
  ASSERT_EQ(bad.mailboxes.size(), 1u);
  EXPECT_FALSE(bad.mailboxes[0].domainValid);
  const AddressList odd = parseFrom("a@b!c.example");
  ASSERT_EQ(odd.mailboxes.size(), 1u);
  EXPECT_FALSE(odd.mailboxes[0].domainValid);
  const AddressList ok = parseFrom("a@Mail_1.Example-2.ORG");
  ASSERT_EQ(ok.mailboxes.size(), 1u);
  EXPECT_TRUE(ok.mailboxes[0].domainValid);
  EXPECT_EQ(ok.mailboxes[0].domain, "mail_1.example-2.org");
}

TEST(AddressFields, GroupNameIsRecorded) {
  const AddressList got = parseFrom("Team: a@b.example;");
  ASSERT_EQ(got.mailboxes.size(), 1u);
  EXPECT_EQ(got.mailboxes[0].group, "Team");
  EXPECT_EQ(got.groups, 1u);
}

TEST(HostName, Table) {
  EXPECT_TRUE(isHostName("example.org"));
  EXPECT_TRUE(isHostName("localhost"));
  EXPECT_FALSE(isHostName(""));
  EXPECT_FALSE(isHostName("a..b"));
  EXPECT_FALSE(isHostName("a.b."));
  EXPECT_FALSE(isHostName(std::string(64, 'a') + ".org"));
  EXPECT_TRUE(isHostName(std::string(63, 'a') + ".org"));
  EXPECT_FALSE(isHostName("a b.org"));
}

}  // namespace
}  // namespace vouch::mail
