// LateResolver (src/milter/late_resolver.h): ServFail (a temporary error, never a wrong
// answer) until the real resolver is installed after the privilege drop, then forwards.
#include "milter/late_resolver.h"

#include <gtest/gtest.h>

#include "dns/fake_resolver.h"

namespace vouch::milter {
namespace {

TEST(LateResolver, ServFailUntilSetThenForwards) {
  LateResolver late;
  const auto deadline = dns::Clock::now() + std::chrono::seconds(5);
  EXPECT_FALSE(late.ready());
  dns::Answer before = late.query("example.com", dns::RrType::TXT, deadline);
  EXPECT_EQ(before.status, dns::Status::ServFail);
  EXPECT_TRUE(before.temporary());
  EXPECT_TRUE(before.records.empty());

  auto fake = std::make_shared<dns::FakeResolver>();
  fake->addTxt("example.com", std::string("v=spf1 -all"));
  late.set(fake);
  EXPECT_TRUE(late.ready());
  dns::Answer after = late.query("example.com", dns::RrType::TXT, deadline);
  ASSERT_EQ(after.status, dns::Status::Ok);
  ASSERT_EQ(after.records.size(), 1u);
  EXPECT_EQ(after.records[0].text, "v=spf1 -all");
  EXPECT_EQ(late.query("missing.example.com", dns::RrType::TXT, deadline).status, dns::Status::NxDomain);
}

}  // namespace
}  // namespace vouch::milter
