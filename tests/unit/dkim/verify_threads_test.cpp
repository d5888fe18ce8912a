// One Library (and one resolver) shared by many threads verifying at once, as milter
// workers do: every thread must get its own, correct results (the DNS hooks find each
// message's context by thread). Run alone under ThreadSanitizer (ctest label "threads").
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "dkim/dkim_library.h"
#include "dkim/verify_message.h"
#include "dns/fake_resolver.h"
#include "verify_test_signer.h"

namespace vouch::dkim {
namespace {

using core::Result;

TEST(VerifyThreads, SharedLibraryGivesEachMessageItsOwnResults) {
  const auto good = testing::makeRsaKey(1024);
  const auto ed = testing::makeEd25519Key();
  auto resolver = std::make_shared<dns::FakeResolver>();
  resolver->addTxt("sel._domainkey.example.org", good.record());
  resolver->addTxt("ed._domainkey.example.org", ed.record());
  resolver->failName("down._domainkey.example.org", dns::Status::ServFail);
  std::string error;
  auto lib = Library::create(config::Config::defaults(), resolver, error);
  ASSERT_TRUE(lib) << error;

  testing::SignSpec edSpec;
  edSpec.selector = "ed";
  edSpec.algorithm = "ed25519-sha256";
  testing::SignSpec downSpec;
  downSpec.selector = "down";
  const std::string msg = testing::sampleMessage();
  struct Job {
    std::string message;
    Result want;
  };
  const std::vector<Job> jobs = {
      {testing::signMessage(msg, good, {}), Result::Pass},
      {testing::signMessage(msg, ed, edSpec), Result::Pass},
      {testing::signMessage(msg, good, downSpec), Result::TempError},
      {testing::signMessage(msg, good, {}) + "tampered\r\n", Result::Fail},
  };

  constexpr int kThreads = 8;
  constexpr int kRounds = 40;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRounds; ++i) {
        const Job& job = jobs[static_cast<std::size_t>(t + i) % jobs.size()];
        const auto got = verifyMessage(lib, VerifyOptions{}, job.message);
        if (got.size() != 1 || got[0].result != job.want) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace vouch::dkim
