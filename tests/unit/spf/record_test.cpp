// Record selection and parsing: every mechanism with its arguments and dual CIDR
// lengths, modifiers (redirect/exp at most once, unknown ones checked then ignored),
// and a table of syntax errors that must make the whole record a permerror.
#include <gtest/gtest.h>

#include "spf/record.h"

namespace vouch::spf {
namespace {

TEST(Record, SelectsOnlyVersion1) {
  struct Case {
    const char* text;
    bool spf;
  } cases[] = {
      {"v=spf1", true}, {"v=spf1 -all", true}, {"V=SpF1 ~all", true}, {"v=spf10", false},
      {"v=spf1mx", false}, {"spf1 -all", false}, {"", false}, {" v=spf1", false},
      {"v=spf2.0/pra", false},
  };
  for (const auto& c : cases) EXPECT_EQ(isSpfRecord(c.text), c.spf) << c.text;
}

TEST(Record, ParsesMechanismsWithArguments) {
  auto p = parseRecord("v=spf1 +a -mx:mail.example.org/24//64 ~ptr ?ip4:192.0.2.0/24 "
                       "ip6:2001:db8::/32 include:_spf.example.net exists:%{i}.bl.example.com all");
  ASSERT_TRUE(p.record) << p.error;
  const auto& m = p.record->mechanisms;
  ASSERT_EQ(m.size(), 8u);
  EXPECT_EQ(m[0].kind, MechanismKind::A);
  EXPECT_EQ(m[0].qualifier, Qualifier::Pass);
  EXPECT_FALSE(m[0].target);
  EXPECT_EQ(m[1].kind, MechanismKind::Mx);
  EXPECT_EQ(m[1].qualifier, Qualifier::Fail);
  EXPECT_EQ(m[1].target->literalText(), "mail.example.org");
  EXPECT_EQ(m[1].cidr4, 24u);
  EXPECT_EQ(m[1].cidr6, 64u);
  EXPECT_EQ(m[2].qualifier, Qualifier::SoftFail);
  EXPECT_EQ(m[3].qualifier, Qualifier::Neutral);
  EXPECT_EQ(m[3].network, *core::IpAddress::parse("192.0.2.0"));
  EXPECT_EQ(m[3].cidr4, 24u);
  EXPECT_TRUE(m[4].network.v6);
  EXPECT_EQ(m[4].cidr6, 32u);
  EXPECT_EQ(m[5].target->literalText(), "_spf.example.net");
  EXPECT_TRUE(m[6].target->hasMacros());
  EXPECT_EQ(m[7].kind, MechanismKind::All);
  EXPECT_TRUE(p.record->hasAll);
  EXPECT_EQ(std::count_if(m.begin(), m.end(), [](const Mechanism& x) { return x.queriesDns(); }), 5);
}

TEST(Record, DualCidrDefaultsAndZero) {
  struct Case {
    const char* text;
    unsigned cidr4, cidr6;
  } cases[] = {
      {"v=spf1 a", 32, 128}, {"v=spf1 a/0", 0, 128}, {"v=spf1 a//0", 32, 0},
      {"v=spf1 a/24//64", 24, 64}, {"v=spf1 mx:foo.example.com//48", 32, 48},
      {"v=spf1 a:foo:bar/baz.example.com/16", 16, 128},
  };
  for (const auto& c : cases) {
    auto p = parseRecord(c.text);
    ASSERT_TRUE(p.record) << c.text << ": " << p.error;
    EXPECT_EQ(p.record->mechanisms[0].cidr4, c.cidr4) << c.text;
    EXPECT_EQ(p.record->mechanisms[0].cidr6, c.cidr6) << c.text;
  }
}

TEST(Record, Modifiers) {
  auto p = parseRecord("v=spf1 mx redirect=_spf.example.com exp=why.%{d} foo-bar.baz=%{l}x moo=");
  ASSERT_TRUE(p.record) << p.error;
  EXPECT_EQ(p.record->redirect->literalText(), "_spf.example.com");
  EXPECT_TRUE(p.record->exp->hasMacros());
  EXPECT_FALSE(p.record->hasAll);
  EXPECT_EQ(p.record->mechanisms.size(), 1u);
}

TEST(Record, SyntaxErrorsMakeTheRecordUnusable) {
  const char* bad[] = {
      "v=spf1 -all.",                         // all takes no argument
      "v=spf1 all:foo.example.com",           //
      "v=spf1 all/24",                        //
      "v=spf1 foo",                           // unknown mechanism
      "v=spf1 a:",                            // empty domain
      "v=spf1 a:museum",                      // only a top label
      "v=spf1 a:museum.",                     //
      "v=spf1 a:abc.123",                     // numeric top label
      "v=spf1 a:example.-com",                // bad top label
      "v=spf1 a:example.com:8080",            //
      "v=spf1 a/33",                          // cidr too long
      "v=spf1 a//129",                        //
      "v=spf1 a/24/64",                       //
      "v=spf1 ip4:1.2.3.4/032",               // leading zero
      "v=spf1 ip4:1.2.3",                     //
      "v=spf1 ip4:1.2.3.4:8080",              //
      "v=spf1 ip4:1.2.3.4//32",               //
      "v=spf1 ip4",                           //
      "v=spf1 ip6:1.2.3.4",                   //
      "v=spf1 ip6:::1/129",                   //
      "v=spf1 include",                       //
      "v=spf1 include:foo.example.com/24",    //
      "v=spf1 exists",                        //
      "v=spf1 ptr:",                          //
      "v=spf1 ptr/0",                         //
      "v=spf1 redirect=a.example.com redirect=b.example.com",
      "v=spf1 exp=a.example.com exp=b.example.com",
      "v=spf1 exp=",                          //
      "v=spf1 redirect=-all",                 //
      "v=spf1 1up=foo",                       // modifier names start with a letter
      "v=spf1 =all",                          //
      "v=spf1 foo=%abc",                      // unknown modifier, bad macro
      "v=spf1 -exists:%(ir).sbl.example.com",  // parentheses are not braces
      "v=spf1 a:%{r}.example.com",            // r only in explanations
      "v=spf1 a:ctrl.example.com\rptr -all",  // control character
      "v=spf1 \xc2\x80" "a:example.net -all",  // 8-bit
      "v=spf1 ip4:192.0.2.5\n include:x.example.com",
  };
  for (const char* text : bad) {
    auto p = parseRecord(text);
    EXPECT_FALSE(p.record.has_value()) << text;
    EXPECT_FALSE(p.error.empty()) << text;
  }
}

TEST(Record, SpacesBetweenTermsAreFlexible) {
  for (const char* text : {"v=spf1 a  -all", "v=spf1 a -all ", "v=spf1"}) {
    auto p = parseRecord(text);
    ASSERT_TRUE(p.record) << text << ": " << p.error;
  }
}

TEST(Record, DomainChecksAndNormalization) {
  EXPECT_TRUE(isValidDomain("example.com"));
  EXPECT_TRUE(isValidDomain("example.com."));
  EXPECT_FALSE(isValidDomain("com"));
  EXPECT_FALSE(isValidDomain("a..example.com"));
  EXPECT_FALSE(isValidDomain(std::string(64, 'a') + ".example.com"));
  EXPECT_TRUE(isValidDomain(std::string(63, 'a') + ".example.com"));
  EXPECT_EQ(normalizeDomain("example.com."), "example.com");
  std::string longName;
  for (int i = 0; i < 30; ++i) longName += "label" + std::to_string(i) + ".";
  longName += "example.com";
  std::string cut = normalizeDomain(longName);
  EXPECT_LE(cut.size(), 253u);
  EXPECT_TRUE(cut.ends_with(".example.com"));
  EXPECT_NE(cut.front(), '.');
}

}  // namespace
}  // namespace vouch::spf
