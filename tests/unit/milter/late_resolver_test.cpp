// LateResolver (src/milter/late_resolver.h): ServFail (a temporary error, never a wrong
// answer) until the real resolver is installed after the privilege drop, then forwards.
#include "milter/late_resolver.h"

#include <gtest/gtest.h>

#include "dns/caching_resolver.h"
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

// What the installed resolver holds in memory is offered through the forwarder too
// (the SPF check's inline path depends on it); nothing before one is installed.
class OneAnswer final : public dns::Resolver {
 public:
  dns::PendingPtr start(std::string_view, dns::RrType) override {
    dns::Answer a;
    a.status = dns::Status::Ok;
    a.ttl = 60;
    a.records.push_back({"v=spf1 -all", {"v=spf1 -all"}, 0});
    return std::make_shared<dns::ReadyPending>(a);
  }
};

TEST(LateResolver, ForwardsWhatIsInMemory) {
  LateResolver late;
  dns::Answer a;
  EXPECT_FALSE(late.cached("example.com", dns::RrType::TXT, a));
  late.set(std::make_shared<dns::CachingResolver>(std::make_shared<OneAnswer>()));
  EXPECT_FALSE(late.cached("example.com", dns::RrType::TXT, a));  // not asked yet
  late.query("example.com", dns::RrType::TXT, dns::Clock::now() + std::chrono::seconds(5));
  ASSERT_TRUE(late.cached("example.com", dns::RrType::TXT, a));
  EXPECT_EQ(a.records.at(0).text, "v=spf1 -all");
}

}  // namespace
}  // namespace vouch::milter
