// Table tests for IpAddress/Cidr: strict parsing (inet_pton), IPv4-mapped unmapping,
// bracket and "IPv6:" forms, CIDR bounds and prefix matching.
#include <gtest/gtest.h>

#include <string>

#include "core/ip.h"

namespace vouch::core {
namespace {

struct ParseCase {
  std::string input;
  bool ok;
  std::string canonical;  // toString() when ok
  bool v6;
};

class IpParseTest : public ::testing::TestWithParam<ParseCase> {};

TEST_P(IpParseTest, Parses) {
  const auto& c = GetParam();
  auto ip = IpAddress::parse(c.input);
  ASSERT_EQ(ip.has_value(), c.ok) << c.input;
  if (!c.ok) return;
  EXPECT_EQ(ip->toString(), c.canonical);
  EXPECT_EQ(ip->v6, c.v6);
}

INSTANTIATE_TEST_SUITE_P(
    Table, IpParseTest,
    ::testing::Values(ParseCase{"192.0.2.1", true, "192.0.2.1", false},
                      ParseCase{"0.0.0.0", true, "0.0.0.0", false},
                      ParseCase{"255.255.255.255", true, "255.255.255.255", false},
                      ParseCase{"2001:db8::1", true, "2001:db8::1", true},
                      ParseCase{"2001:DB8:0:0:0:0:0:1", true, "2001:db8::1", true},
                      ParseCase{"[2001:db8::1]", true, "2001:db8::1", true},
                      ParseCase{"IPv6:2001:db8::1", true, "2001:db8::1", true},
                      ParseCase{"[IPv6:2001:db8::2]", true, "2001:db8::2", true},
                      ParseCase{"::ffff:192.0.2.7", true, "192.0.2.7", false},
                      ParseCase{"::FFFF:c000:0207", true, "192.0.2.7", false},
                      ParseCase{"::1", true, "::1", true},
                      ParseCase{"::", true, "::", true},
                      ParseCase{"[192.0.2.1]", true, "192.0.2.1", false},
                      ParseCase{"", false, "", false},
                      ParseCase{"[]", false, "", false},
                      ParseCase{"192.0.2", false, "", false},
                      ParseCase{"192.0.2.256", false, "", false},
                      ParseCase{"192.0.2.01", false, "", false},
                      ParseCase{"0x7f.0.0.1", false, "", false},
                      ParseCase{" 192.0.2.1", false, "", false},
                      ParseCase{"192.0.2.1 ", false, "", false},
                      ParseCase{std::string("192.0.2.1\0junk", 14), false, "", false},
                      ParseCase{"fe80::1%eth0", false, "", false},
                      ParseCase{"IPv6:192.0.2.1", false, "", false},
                      ParseCase{"2001:db8:::1", false, "", false},
                      ParseCase{"unknown", false, "", false},
                      ParseCase{std::string(100, '1'), false, "", false}));

struct CidrCase {
  std::string cidr;
  std::string ip;
  bool parses;
  bool contains;
};

class CidrTest : public ::testing::TestWithParam<CidrCase> {};

TEST_P(CidrTest, Contains) {
  const auto& c = GetParam();
  auto cidr = Cidr::parse(c.cidr);
  ASSERT_EQ(cidr.has_value(), c.parses) << c.cidr;
  if (!c.parses) return;
  auto ip = IpAddress::parse(c.ip);
  ASSERT_TRUE(ip.has_value()) << c.ip;
  EXPECT_EQ(cidr->contains(*ip), c.contains) << c.cidr << " " << c.ip;
}

INSTANTIATE_TEST_SUITE_P(
    Table, CidrTest,
    ::testing::Values(CidrCase{"192.0.2.0/24", "192.0.2.200", true, true},
                      CidrCase{"192.0.2.0/24", "192.0.3.1", true, false},
                      CidrCase{"192.0.2.0/25", "192.0.2.128", true, false},
                      CidrCase{"192.0.2.0/25", "192.0.2.127", true, true},
                      CidrCase{"10.0.0.0/8", "::ffff:10.1.2.3", true, true},
                      CidrCase{"0.0.0.0/0", "203.0.113.9", true, true},
                      CidrCase{"0.0.0.0/0", "2001:db8::1", true, false},
                      CidrCase{"192.0.2.1", "192.0.2.1", true, true},
                      CidrCase{"192.0.2.1", "192.0.2.2", true, false},
                      CidrCase{"192.0.2.0/32", "192.0.2.0", true, true},
                      CidrCase{"2001:db8::/32", "2001:db8:ffff::1", true, true},
                      CidrCase{"2001:db8::/32", "2001:db9::1", true, false},
                      CidrCase{"2001:db8::/127", "2001:db8::1", true, true},
                      CidrCase{"2001:db8::/128", "2001:db8::1", true, false},
                      CidrCase{"::1/128", "::1", true, true},
                      CidrCase{"::ffff:10.0.0.0/104", "10.9.9.9", true, true},
                      CidrCase{"::ffff:10.0.0.0/104", "11.0.0.1", true, false},
                      CidrCase{"::ffff:10.0.0.0/90", "10.0.0.1", false, false},
                      CidrCase{"192.0.2.0/33", "", false, false},
                      CidrCase{"192.0.2.0/", "", false, false},
                      CidrCase{"192.0.2.0/-1", "", false, false},
                      CidrCase{"192.0.2.0/2x", "", false, false},
                      CidrCase{"192.0.2.0/0024", "", false, false},
                      CidrCase{"2001:db8::/129", "", false, false},
                      CidrCase{"nonsense/8", "", false, false}));

TEST(PrefixMatch, FamiliesNeverMatch) {
  auto a = IpAddress::parse("0.0.0.0");
  auto b = IpAddress::parse("::");
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(prefixMatch(*a, *b, 0));
  EXPECT_TRUE(prefixMatch(*a, *a, 0));
}

}  // namespace
}  // namespace vouch::core
