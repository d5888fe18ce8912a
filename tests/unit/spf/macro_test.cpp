// Macro-string parsing and expansion: the examples of RFC 7208 section 7.4, escapes,
// URL escaping, transformers, scope rules and syntax errors.
#include <gtest/gtest.h>

#include "spf/macro.h"

namespace vouch::spf {
namespace {

struct ExpandCase {
  const char* macro;
  const char* ip;
  const char* want;
};

MacroContext rfcContext(const char* ip) {
  MacroContext ctx;
  ctx.sender = "strong-bad@email.example.com";
  ctx.localPart = "strong-bad";
  ctx.senderDomain = "email.example.com";
  ctx.domain = "email.example.com";
  ctx.helo = "mx.example.org";
  ctx.receiver = "mx.example.net";
  ctx.ip = *core::IpAddress::parse(ip);
  ctx.now = 1700000000;
  ctx.validatedName = [] { return std::string("mail.example.com"); };
  return ctx;
}

std::string expand(const char* text, MacroScope scope, const MacroContext& ctx) {
  std::string error;
  auto m = parseMacroString(text, scope, error);
  EXPECT_TRUE(m.has_value()) << text << ": " << error;
  return m ? expandMacroString(*m, ctx) : std::string();
}

TEST(Macro, Rfc7208Section74Examples) {
  const ExpandCase cases[] = {
      {"%{s}", "192.0.2.3", "strong-bad@email.example.com"},
      {"%{o}", "192.0.2.3", "email.example.com"},
      {"%{d}", "192.0.2.3", "email.example.com"},
      {"%{d4}", "192.0.2.3", "email.example.com"},
      {"%{d3}", "192.0.2.3", "email.example.com"},
      {"%{d2}", "192.0.2.3", "example.com"},
      {"%{d1}", "192.0.2.3", "com"},
      {"%{dr}", "192.0.2.3", "com.example.email"},
      {"%{d2r}", "192.0.2.3", "example.email"},
      {"%{l}", "192.0.2.3", "strong-bad"},
      {"%{l-}", "192.0.2.3", "strong.bad"},
      {"%{lr}", "192.0.2.3", "strong-bad"},
      {"%{lr-}", "192.0.2.3", "bad.strong"},
      {"%{l1r-}", "192.0.2.3", "strong"},
      {"%{ir}.%{v}._spf.%{d2}", "192.0.2.3", "3.2.0.192.in-addr._spf.example.com"},
      {"%{lr-}.lp._spf.%{d2}", "192.0.2.3", "bad.strong.lp._spf.example.com"},
      {"%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", "192.0.2.3", "bad.strong.lp.3.2.0.192.in-addr._spf.example.com"},
      {"%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", "192.0.2.3", "3.2.0.192.in-addr.strong.lp._spf.example.com"},
      {"%{d2}.trusted-domains.example.net", "192.0.2.3", "example.com.trusted-domains.example.net"},
      {"%{ir}.%{v}._spf.%{d2}", "2001:db8::cb01",
       "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(expand(c.macro, MacroScope::DomainSpec, rfcContext(c.ip)), c.want) << c.macro << " " << c.ip;
  }
}

TEST(Macro, EscapesLettersAndTransformers) {
  const ExpandCase cases[] = {
      {"a%%b", "192.0.2.3", "a%b"},
      {"a%_b", "192.0.2.3", "a b"},
      {"a%-b", "192.0.2.3", "a%20b"},
      {"%{h}", "192.0.2.3", "mx.example.org"},
      {"%{H}", "192.0.2.3", "mx.example.org"},
      {"%{S}", "192.0.2.3", "strong-bad%40email.example.com"},
      {"%{p}", "192.0.2.3", "mail.example.com"},
      {"%{v}", "2001:db8::1", "ip6"},
      {"%{i}", "2001:db8::1", "2.0.0.1.0.d.b.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1"},
      {"%{d200}", "192.0.2.3", "email.example.com"},
  };
  for (const auto& c : cases) {
    std::string error;
    auto m = parseMacroString(c.macro, MacroScope::DomainSpec, error);
    ASSERT_TRUE(m.has_value()) << c.macro << ": " << error;
    EXPECT_EQ(expandMacroString(*m, rfcContext(c.ip)), c.want) << c.macro;
  }
}

TEST(Macro, ExplanationOnlyLettersAndSpaces) {
  auto ctx = rfcContext("2001:db8::cb01");
  EXPECT_EQ(expand("%{c} via %{r} at %{t}", MacroScope::Explanation, ctx),
            "2001:db8::cb01 via mx.example.net at 1700000000");
  ctx.receiver = "";
  EXPECT_EQ(expand("%{r}", MacroScope::Explanation, ctx), "unknown");
  EXPECT_EQ(expand("http://x/?l=%{L}", MacroScope::Explanation, ctx), "http://x/?l=strong-bad");
  std::string error;
  for (const char* bad : {"%{c}", "%{r}", "%{t}", "a b"}) {
    EXPECT_FALSE(parseMacroString(bad, MacroScope::DomainSpec, error).has_value()) << bad;
  }
}

TEST(Macro, SyntaxErrorsAreRejected) {
  const char* bad[] = {"%", "%x", "%{", "%{d", "%{x}", "%{d0}", "%{dq}", "%(ir)", "foo%",
                       "a\tb", "caf\xc3\xa9", "%{d2r-!}", "%{}", "%{s.@}"};
  for (const char* text : bad) {
    std::string error;
    EXPECT_FALSE(parseMacroString(text, MacroScope::Explanation, error).has_value()) << text;
    EXPECT_FALSE(error.empty()) << text;
  }
}

TEST(Macro, ExpansionIsBounded) {
  std::string record;
  for (int i = 0; i < 2000; ++i) record += "%{s}";
  std::string error;
  auto m = parseMacroString(record, MacroScope::DomainSpec, error);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(expandMacroString(*m, rfcContext("192.0.2.3")).size(), kMaxExpansion);
}

TEST(Macro, ReverseNames) {
  EXPECT_EQ(reverseName(*core::IpAddress::parse("192.0.2.3")), "3.2.0.192.in-addr.arpa");
  EXPECT_EQ(reverseName(*core::IpAddress::parse("2001:db8::1")),
            "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
}

}  // namespace
}  // namespace vouch::spf
