// One engine shared by many threads (as the milter's worker pool shares it): native and
// libspf2 engines over one FakeResolver, each thread checking its own clients. Also run
// alone under ThreadSanitizer (ctest label "threads": spf.threads).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "dns/fake_resolver.h"
#include "spf/engine.h"

namespace vouch::spf {
namespace {

TEST(SpfThreads, SharedEnginesGiveEveryThreadItsOwnAnswer) {
  auto dns = std::make_shared<dns::FakeResolver>();
  dns->addTxt("example.com", "v=spf1 a:mail.example.com include:inc.example.com -all exp=why.example.com");
  dns->addA("mail.example.com", "192.0.2.1");
  dns->addTxt("inc.example.com", "v=spf1 ip4:198.51.100.0/24 ~all");
  dns->addTxt("why.example.com", "%{i} may not send");
  for (const char* name : {"native", "libspf2"}) {
    auto engine = makeEngine(name, dns, Limits{});
    ASSERT_NE(engine, nullptr);
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 100; ++i) {
          bool good = (i + t) % 2 == 0;
          std::string ip = good ? "192.0.2.1" : "203.0.113." + std::to_string(1 + (i % 200));
          Request req{*core::IpAddress::parse(ip), "u@example.com", "h.example.com", {}, 0};
          Outcome o = engine->check(req, dns::Clock::now() + std::chrono::seconds(10));
          core::Result want = good ? core::Result::Pass : core::Result::Fail;
          bool expOk = good || std::string_view(name) == "libspf2" || o.explanation == ip + " may not send";
          if (o.result != want || !expOk) ++wrong;
        }
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(wrong.load(), 0) << name;
  }
}

}  // namespace
}  // namespace vouch::spf
