// One DmarcCheckFactory (its Evaluator, Public Suffix List and resolver) shared by many
// threads, each with its own checks, as the milter's worker pool uses them. Run under
// ThreadSanitizer by the `threads` label; here it also checks every thread gets the
// same answers.

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "config/config.h"
#include "core/actions.h"
#include "dmarc/dmarc_check.h"
#include "dns/fake_resolver.h"

namespace vouch::dmarc {
namespace {

void runMany(const std::string& mode) {
  auto resolver = std::make_shared<dns::FakeResolver>();
  resolver->addTxt("_dmarc.example.org", "v=DMARC1; p=reject; sp=quarantine");
  resolver->addTxt("_dmarc.example.co.uk", "v=DMARC1; p=reject");
  resolver->addA("sub.example.org", "192.0.2.1");
  config::Config cfg = config::Config::defaults();
  cfg.dmarc_mode = mode;
  std::vector<config::Error> errors;
  const auto factory = DmarcCheckFactory::create(cfg, resolver, errors);
  ASSERT_TRUE(factory);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      auto check = factory->makeCheck();
      for (int i = 0; i < 200; ++i) {
        core::Connection conn;
        core::Transaction txn;
        core::RecordingActions actions;
        const bool sub = (i + t) % 2 == 0;
        check->onMailFrom(conn, txn);
        txn.headers.push_back({"From", sub ? " a@sub.example.org" : " b@mail.example.co.uk"});
        check->onHeader(conn, txn, txn.headers.back());
        check->onEndOfMessage(conn, txn, actions);
        const std::string want = sub ? "quarantine" : "reject";  // sp at example.org, p at example.co.uk
        if (!txn.findings.dmarc || txn.findings.dmarc->result != core::Result::Fail ||
            txn.findings.dmarc->policy != want) {
          ++wrong;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(DmarcThreads, SharedFactoryRfc9989) { runMany("rfc9989"); }
TEST(DmarcThreads, SharedFactoryAndPslRfc7489) { runMany("rfc7489"); }

}  // namespace
}  // namespace vouch::dmarc
