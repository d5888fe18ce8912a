// SignThreads: one SignCheckFactory (key table, rules, shared Library) used by many
// threads at once, each driving its own SignCheck, as milter workers do. Every message
// must come out with both signatures, each verifying with our verifier. Run under
// ThreadSanitizer by the tsan mode (ctest label `threads`, see CMakeLists.txt).
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "core/actions.h"
#include "dkim/sign_check.h"
#include "dkim/verify_message.h"
#include "dns/fake_resolver.h"

namespace vouch::dkim {
namespace {

namespace fs = std::filesystem;

TEST(SignThreads, SharedFactorySignsConcurrently) {
  char tmpl[] = "/tmp/vouch-signthreads-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  auto resolver = std::make_shared<dns::FakeResolver>();
  config::Config cfg = config::Config::defaults();
  cfg.mainFile = dir + "/vouch.conf";
  std::string err;
  for (const auto& [name, alg, sel] : {std::tuple{"r", KeyAlgorithm::Rsa, "r1"}, std::tuple{"e", KeyAlgorithm::Ed25519, "e1"}}) {
    auto k = PrivateKey::generate(alg, 2048, err);
    ASSERT_TRUE(k) << err;
    const std::string path = dir + "/" + name + ".private";
    std::ofstream(path) << k->pem();
    ::chmod(path.c_str(), 0600);
    cfg.dkimKeys.push_back({name, "example.org", sel, path, cfg.mainFile + ":1"});
    const std::string rec = k->dnsRecord();
    std::vector<std::string> strings;
    for (std::size_t p = 0; p < rec.size(); p += 255) strings.push_back(rec.substr(p, 255));
    resolver->addTxt(std::string(sel) + "._domainkey.example.org", strings);
  }
  cfg.dkimSigning = {{{"*@example.org"}, {"r", "e"}, cfg.mainFile + ":20"}};
  auto library = Library::create(cfg, resolver, err);
  ASSERT_TRUE(library) << err;
  std::vector<config::Error> errors;
  auto factory = SignCheckFactory::create(cfg, library, errors);
  ASSERT_TRUE(factory) << (errors.empty() ? "" : errors[0].toString());

  constexpr int kThreads = 8;
  constexpr int kPerThread = 10;
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto check = factory->makeCheck();
      for (int i = 0; i < kPerThread; ++i) {
        core::Connection conn;
        core::Transaction txn;
        core::RecordingActions actions;
        txn.outbound = true;
        const std::string subject = " message " + std::to_string(t) + "/" + std::to_string(i);
        txn.headers = {{"From", " u" + std::to_string(t) + "@example.org"}, {"Subject", subject}};
        const std::string body = "thread " + std::to_string(t) + " message " + std::to_string(i) + "\r\n";
        check->onMailFrom(conn, txn);
        if (check->onEndOfHeaders(conn, txn) != core::Flow::Continue) continue;
        if (check->onBody(conn, txn, body) != core::Flow::Continue) continue;
        if (check->onEndOfMessage(conn, txn, actions) != core::Flow::Continue) continue;
        if (actions.edits().size() != 2) continue;
        std::string msg;
        for (auto it = actions.edits().rbegin(); it != actions.edits().rend(); ++it)
          msg += "DKIM-Signature:" + it->value + "\n";
        for (const auto& h : txn.headers) msg += h.name + ":" + h.value + "\n";
        msg += "\n" + body;
        auto findings = verifyMessage(library, VerifyOptions{}, msg);
        if (findings.size() == 2 && findings[0].result == core::Result::Pass &&
            findings[1].result == core::Result::Pass)
          ++good;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(good.load(), kThreads * kPerThread);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace vouch::dkim
