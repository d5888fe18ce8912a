// One Policy shared by many threads, as every Session of a snapshot shares it: decide()
// and annotate() on per-thread transactions must agree with the single-threaded answer
// (and be race-free under TSan, where the `policy.threads` ctest runs this alone).
// Config::defaults() is first used here from several threads at once on purpose.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "policy_fixture.h"

namespace vouch::policy {
namespace {

using namespace vouch::policy::testing;

TEST(PolicyThreads, SharedPolicyGivesTheSameVerdictsEverywhere) {
  std::vector<std::thread> starters;
  for (int i = 0; i < 4; ++i) starters.emplace_back([] { (void)config::Config::defaults(); });
  for (auto& t : starters) t.join();

  auto p = fromText(R"(
[defaults]
dmarc_reject = "reject"
spf_temperror = "tempfail"
[[allowlist]]
name = "fwd"
networks = ["192.0.2.0/24"]
)");
  ASSERT_TRUE(p);
  const char* findings[] = {"dmarc_fail_reject", "spf_temperror", "all_pass", "from_none"};
  const char* ips[] = {"192.0.2.9", "198.51.100.9"};
  std::map<std::string, core::Action> want;
  for (const char* f : findings) {
    for (const char* ip : ips) {
      want[std::string(f) + ip] =
          p->decide(core::Stage::EndOfMessage, conn(core::ClientClass::External, ip), txnWith(f)).action;
    }
  }
  EXPECT_EQ(want["dmarc_fail_reject192.0.2.9"], core::Action::Accept);
  EXPECT_EQ(want["dmarc_fail_reject198.51.100.9"], core::Action::Reject);

  std::atomic<int> mismatches{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < 4; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const char* f = findings[(i + t) % 4];
        const char* ip = ips[i % 2];
        auto txn = txnWith(f);
        const auto c = conn(core::ClientClass::External, ip);
        txn.verdict = p->decide(core::Stage::EndOfMessage, c, txn);
        p->annotate(c, txn);
        if (txn.verdict.action != want.at(std::string(f) + ip)) ++mismatches;
      }
    });
  }
  for (auto& w : workers) w.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace vouch::policy
