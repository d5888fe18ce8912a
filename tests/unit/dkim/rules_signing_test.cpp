// Tests for dkim::SigningRules: which key(s) sign which From address, pattern
// validation, first-match order, dual RSA+Ed25519 rules and the parent-domain fallback.
#include <gtest/gtest.h>

#include "dkim/signing_rules.h"

namespace vouch::dkim {
namespace {

using Keys = std::vector<std::string>;

config::Config baseConfig() {
  config::Config c = config::Config::defaults();
  auto key = [](std::string name, std::string domain) {
    return config::DkimKeySpec{std::move(name), std::move(domain), "s1", "/k", "vouch.conf:1"};
  };
  c.dkimKeys = {key("ex-rsa", "example.org"), key("ex-ed", "example.org"),
                key("ceo", "example.org"), key("shop-rsa", "shop.example.net"),
                key("net-rsa", "example.net"), key("org2", "Example.COM.")};
  c.dkimSigning = {
      {{"boss@example.org"}, {"ceo"}, "vouch.conf:10"},
      {{"*@example.org", ".example.org"}, {"ex-rsa", "ex-ed"}, "vouch.conf:12"},
      {{"shop.example.net"}, {"shop-rsa"}, "vouch.conf:14"},
  };
  return c;
}

TEST(SigningRules, MapsFromAddressesToKeys) {
  struct Case { std::string from; bool orgFallback; Keys want; };
  const Case cases[] = {
      {"boss@example.org", false, {"ceo"}},          // exact address, first rule
      {"BOSS@Example.ORG", false, {"ceo"}},          // case-insensitive
      {"alice@example.org", false, {"ex-rsa", "ex-ed"}},  // *@domain: both signatures
      {"bob@mail.example.org", false, {"ex-rsa", "ex-ed"}},  // .domain: subdomain
      {"bob@a.b.example.org", false, {"ex-rsa", "ex-ed"}},
      {"bob@example.org.", false, {"ex-rsa", "ex-ed"}},  // trailing dot
      {"x@shop.example.net", false, {"shop-rsa"}},   // bare domain = *@domain
      {"x@eu.shop.example.net", false, {}},          // bare domain excludes subdomains
      {"x@example.net", false, {}},                  // no rule; key exists but no fallback
      {"x@notexample.org", false, {}},               // suffix but not a subdomain
      {"x@example.com", false, {}},
      {"no-at-sign", false, {}},
      {"@example.org", false, {}},
      {"x@", false, {}},
      {"x@bad..example.org", false, {}},
      // Fallback: the nearest parent's rule, else the nearest parent's keys.
      {"x@eu.shop.example.net", true, {"shop-rsa"}},
      {"x@deep.eu.shop.example.net", true, {"shop-rsa"}},
      {"x@other.example.net", true, {"net-rsa"}},
      {"x@sub.example.com", true, {"org2"}},         // key domain normalised
      {"x@example.net", true, {}},                   // the domain itself is not a subdomain
      {"x@sub.example.edu", true, {}},
      {"x@net", true, {}},
  };
  for (const auto& c : cases) {
    config::Config cfg = baseConfig();
    cfg.dkim_sign_org_domain = c.orgFallback;
    std::vector<config::Error> errors;
    auto rules = SigningRules::build(cfg, errors);
    ASSERT_TRUE(rules) << (errors.empty() ? "" : errors[0].toString());
    EXPECT_EQ(rules->keysFor(c.from), c.want) << c.from << " fallback=" << c.orgFallback;
  }
}

TEST(SigningRules, FirstMatchingRuleWins) {
  config::Config cfg = baseConfig();
  cfg.dkimSigning = {{{".example.org"}, {"ex-ed"}, "a:1"},
                     {{"*@mail.example.org"}, {"ex-rsa"}, "a:2"}};
  std::vector<config::Error> errors;
  auto rules = SigningRules::build(cfg, errors);
  ASSERT_TRUE(rules);
  EXPECT_EQ(rules->keysFor("u@mail.example.org"), Keys{"ex-ed"});
  EXPECT_EQ(rules->keysFor("u@example.org"), Keys{});
}

TEST(SigningRules, RejectsBadPatternsAndUnknownKeysWithFileAndLine) {
  struct Case { std::vector<std::string> from; Keys keys; std::string errorPart; };
  const Case cases[] = {
      {{"*@"}, {"ex-rsa"}, "bad from pattern \"*@\""},
      {{"@example.org"}, {"ex-rsa"}, "bad from pattern"},
      {{"a@b@example.org"}, {"ex-rsa"}, "bad from pattern"},
      {{"..example.org"}, {"ex-rsa"}, "bad from pattern"},
      {{""}, {"ex-rsa"}, "bad from pattern"},
      {{"ex ample.org"}, {"ex-rsa"}, "bad from pattern"},
      {{"*@example.org"}, {"nope"}, "unknown key \"nope\""},
      {{}, {"ex-rsa"}, "needs both from and keys"},
      {{"*@example.org"}, {}, "needs both from and keys"},
  };
  for (const auto& c : cases) {
    config::Config cfg = baseConfig();
    cfg.dkimSigning = {{c.from, c.keys, "/etc/vouch/vouch.conf:42"}};
    std::vector<config::Error> errors;
    EXPECT_FALSE(SigningRules::build(cfg, errors)) << c.errorPart;
    ASSERT_EQ(errors.size(), 1u) << c.errorPart;
    EXPECT_EQ(errors[0].file, "/etc/vouch/vouch.conf");
    EXPECT_EQ(errors[0].line, 42);
    EXPECT_NE(errors[0].message.find(c.errorPart), std::string::npos) << errors[0].message;
  }
}

TEST(FromPattern, ParsesEachKind) {
  struct Case { std::string text; FromPattern::Kind kind; std::string local; std::string domain; };
  const Case cases[] = {
      {"User@Example.org", FromPattern::Kind::Address, "user", "example.org"},
      {"*@example.org", FromPattern::Kind::Domain, "", "example.org"},
      {"example.org.", FromPattern::Kind::Domain, "", "example.org"},
      {".Example.org", FromPattern::Kind::Subdomains, "", "example.org"},
  };
  for (const auto& c : cases) {
    auto p = FromPattern::parse(c.text);
    ASSERT_TRUE(p) << c.text;
    EXPECT_EQ(p->kind, c.kind) << c.text;
    EXPECT_EQ(p->local, c.local) << c.text;
    EXPECT_EQ(p->domain, c.domain) << c.text;
  }
}

}  // namespace
}  // namespace vouch::dkim
