// Raw <-> presentation names at the resolver boundary: a macro may put spaces, '%' or
// 8-bit bytes into a label (OpenSPF macro-mania-in-domain), and PTR/MX answers come back
// escaped the way ldns and libunbound print them.
#include <gtest/gtest.h>

#include "spf/dns_name.h"

namespace vouch::spf {
namespace {

TEST(DnsName, RoundTrip) {
  struct Case {
    std::string raw;
    std::string presentation;
  } cases[] = {
      {"mail.example.com", "mail.example.com"},
      {"macro%percent  space%20url-space.example.com", "macro%percent\\032\\032space%20url-space.example.com"},
      {"a;b(c)d\\e.example.com", "a\\;b\\(c\\)d\\\\e.example.com"},
      {"caf\xc3\xa9.example.com", "caf\\195\\169.example.com"},
      {"tab\there.example.com", "tab\\009here.example.com"},
      {"\"quoted\"@$.example.com", "\"quoted\"@$.example.com"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(presentationName(c.raw), c.presentation) << c.raw;
    auto back = rawName(c.presentation);
    ASSERT_TRUE(back) << c.presentation;
    EXPECT_EQ(*back, c.raw);
  }
}

TEST(DnsName, MalformedEscapes) {
  for (const char* bad : {"a\\", "a\\1", "a\\12", "a\\1x3.b", "a\\000.b", "a\\256.b", "a\\.b.example.com"}) {
    EXPECT_FALSE(rawName(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace vouch::spf
