// Table tests for the prefetch/reporting tag reader: real signature shapes, folding,
// odd spacing, duplicates, bad base64, oversized and hostile values.
#include <gtest/gtest.h>

#include <string>

#include "dkim/verify_signature_tags.h"

namespace vouch::dkim {
namespace {

struct TagCase {
  std::string name;
  std::string value;
  std::string domain, selector, algorithm, identity, bPrefix, keyName;
  bool hasLength = false;
  bool duplicate = false;
  bool badBase64 = false;
};

class SignatureTagsTable : public ::testing::TestWithParam<TagCase> {};

TEST_P(SignatureTagsTable, Parses) {
  const auto& c = GetParam();
  const SignatureTags t = parseSignatureTags(c.value);
  EXPECT_EQ(t.domain, c.domain);
  EXPECT_EQ(t.selector, c.selector);
  EXPECT_EQ(t.algorithm, c.algorithm);
  EXPECT_EQ(t.identity, c.identity);
  EXPECT_EQ(t.bPrefix(), c.bPrefix);
  EXPECT_EQ(t.keyName(), c.keyName);
  EXPECT_EQ(t.hasLength, c.hasLength);
  EXPECT_EQ(t.duplicateTag, c.duplicate);
  EXPECT_EQ(t.badBase64, c.badBase64);
}

INSTANTIATE_TEST_SUITE_P(
    Dkim, SignatureTagsTable,
    ::testing::Values(
        TagCase{"typical",
                " v=1; a=rsa-sha256; c=relaxed/relaxed; d=Example.ORG; s=Sel2024;\n\tt=1; "
                "bh=abc=; h=from:to; b=dGVzdCBzaWduYXR1cmU=",
                "example.org", "sel2024", "rsa-sha256", "", "dGVzdCBz",
                "sel2024._domainkey.example.org"},
        TagCase{"folded_b_and_spaces_around_equals",
                "d = example.com ;s= brisbane; a=ed25519-sha256; i=joe@football.example.com;"
                " b=AuUo\r\n   FEfD xTDk; bh=x",
                "example.com", "brisbane", "ed25519-sha256", "joe@football.example.com",
                "AuUoFEfD", "brisbane._domainkey.example.com"},
        TagCase{"trailing_dot_and_l", "d=example.net.; s=k1; l=120; b=QUJD", "example.net", "k1",
                "", "", "QUJD", "k1._domainkey.example.net", true},
        TagCase{"duplicate_d_keeps_first", "d=first.example; d=second.example; s=s; b=",
                "first.example", "s", "", "", "", "s._domainkey.first.example", false, true},
        TagCase{"b_not_base64", "d=example.org; s=s; b=!!!!QUJD", "example.org", "s", "", "",
                "!!!!QUJD", "s._domainkey.example.org", false, false, true},
        TagCase{"bh_not_base64", "d=example.org; s=s; bh=*; b=QUJD", "example.org", "s", "", "",
                "QUJD", "s._domainkey.example.org", false, false, true},
        TagCase{"no_d_no_key_name", "s=sel; b=QUJD", "", "sel", "", "", "QUJD", ""},
        TagCase{"selector_cannot_be_a_name", "d=example.org; s=a..b", "example.org", "a..b",
                "", "", "", ""},
        TagCase{"label_over_63_octets",
                "d=example.org; s=" + std::string(64, 'a'), "example.org", std::string(64, 'a'),
                "", "", "", ""},
        TagCase{"garbage", ";;;==;;a;=;", "", "", "", "", "", ""},
        TagCase{"empty", "", "", "", "", "", "", ""}),
    [](const auto& info) { return info.param.name; });

TEST(SignatureTags, ValuesAreBounded) {
  const std::string huge(200000, 'A');
  const SignatureTags t = parseSignatureTags("d=" + huge + "; b=" + huge);
  EXPECT_LE(t.domain.size(), kMaxTagValue);
  EXPECT_LE(t.b.size(), kMaxTagValue);
  EXPECT_EQ(t.keyName(), "");
}

TEST(SignatureTags, HeaderName) {
  EXPECT_TRUE(isSignatureHeader("DKIM-Signature"));
  EXPECT_TRUE(isSignatureHeader("dkim-signature "));
  EXPECT_FALSE(isSignatureHeader("X-DKIM-Signature"));
  EXPECT_FALSE(isSignatureHeader("DKIM-Signatures"));
  EXPECT_FALSE(isSignatureHeader(""));
}

}  // namespace
}  // namespace vouch::dkim
