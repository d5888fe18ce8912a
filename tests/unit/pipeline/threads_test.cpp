// Threads test (ctest label "threads", run under TSan): one immutable Snapshot shared by
// many threads, each driving its own Sessions through whole messages with the real
// checks over one FakeResolver, and one Logger shared by all of them. Every thread must
// get the same, correct results as a single thread.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/log.h"
#include "dns/fake_resolver.h"
#include "pipeline/replay.h"
#include "pipeline/snapshot.h"

namespace vouch::pipeline {
namespace {

class CountingSink final : public core::LogSink {
 public:
  std::atomic<int> lines{0};
  std::atomic<int> withSpfPass{0};
  void write(core::LogLevel, std::string_view line) override {
    ++lines;
    if (line.find(" spf=pass ") != std::string_view::npos) ++withSpfPass;
  }
};

TEST(SnapshotThreads, SharedSnapshotResolverAndLogger) {
  auto resolver = std::make_shared<dns::FakeResolver>();
  resolver->addTxt("example.org", "v=spf1 ip4:192.0.2.0/24 -all");
  resolver->addTxt("_dmarc.example.org", "v=DMARC1; p=reject");
  config::Config cfg = config::Config::defaults();
  cfg.authserv_id = "mx.example.net";
  cfg.policy_dir = VOUCH_SOURCE_DIR "/policies";
  std::vector<config::Error> errors;
  auto snap = Snapshot::build(std::make_shared<const config::Config>(cfg), resolver, errors);
  for (const auto& e : errors) ADD_FAILURE() << e.toString();
  ASSERT_NE(snap, nullptr);

  auto sinkOwned = std::make_unique<CountingSink>();
  CountingSink* sink = sinkOwned.get();
  const core::Logger logger(core::LogOptions{}, std::move(sinkOwned));
  const StoredMessage msg = parseStoredMessage(
      "From: Alice <alice@example.org>\nTo: bob@example.net\nSubject: t\n\nbody\n");

  constexpr int kThreads = 6;
  constexpr int kMessages = 40;
  std::atomic<int> passes{0};
  std::atomic<int> fails{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kMessages; ++i) {
        Envelope env;
        // Even messages come from inside the SPF range, odd ones from outside.
        env.clientIp = i % 2 == 0 ? "192.0.2." + std::to_string(t + 1) : "198.51.100.9";
        env.helo = "client.example";
        env.mailFrom = "<alice@example.org>";
        env.rcpts = {"<bob@example.net>"};
        auto session = snap->newSession();
        ReplayOutcome out = replay(*session, env, msg);
        const auto& spf = session->transaction().findings.spf;
        if (spf && spf->result == core::Result::Pass) ++passes;
        if (spf && spf->result == core::Result::Fail) ++fails;
        logger.logMessage(session->connection(), session->transaction(), 1.0);
        if (!out.verdict.decided()) ADD_FAILURE() << "undecided verdict";
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(passes.load(), kThreads * kMessages / 2);
  EXPECT_EQ(fails.load(), kThreads * kMessages / 2);
  EXPECT_EQ(sink->lines.load(), kThreads * kMessages);
  EXPECT_EQ(sink->withSpfPass.load(), kThreads * kMessages / 2);
}

}  // namespace
}  // namespace vouch::pipeline
