// SpfCheck: the SPF step of a Session (RFC 7208 section 2.4). At MAIL FROM it starts
// the HELO identity and the MAIL FROM identity (postmaster@HELO for the null sender) on
// the factory's TaskPool and returns at once, so the MTA does not wait for DNS; the two
// evaluations overlap. When every answer an evaluation needs is already in the
// resolver's memory it runs right here instead: a hand-off to the pool would cost more
// than the evaluation. settle() (called by the Session before anyone reads findings)
// joins them and records core::SpfFinding(s) and the Authentication-Results entry; at
// end of message it adds Received-SPF when configured. One instance per connection (one
// thread at a time) with a small cache of outcomes, possibly still being computed,
// keyed by (client IP, sender, HELO), so a connection sending many messages asks DNS
// once. SpfCheckFactory is immutable and shared; outcomes are values, never exceptions.
#pragma once

#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/check.h"
#include "core/task_pool.h"
#include "dns/resolver.h"
#include "spf/engine.h"

namespace vouch::spf {

struct CheckSettings {
  bool checkHelo = true;
  bool judgeOutbound = false;
  bool receivedSpf = false;
  std::string receiver;  // our name in Received-SPF and %{r}
  std::chrono::milliseconds timeBudget{15000};
};

class SpfCheckFactory final : public core::CheckFactory {
 public:
  // Null without errors when spf.enabled is false; null with an error for an unusable
  // spf.engine.
  static std::shared_ptr<const core::CheckFactory> create(const config::Config& cfg,
                                                          std::shared_ptr<dns::Resolver> resolver,
                                                          std::vector<config::Error>& errors);
  // Evaluations in flight across every connection of this factory; beyond it the
  // connection's own thread evaluates (the serial behaviour), never a queue.
  static constexpr std::size_t kMaxThreads = 64;

  SpfCheckFactory(std::shared_ptr<const Engine> engine, CheckSettings settings)
      : engine_(std::move(engine)), settings_(std::move(settings)),
        pool_(std::make_shared<core::TaskPool>(kMaxThreads)) {}
  std::unique_ptr<core::Check> makeCheck() const override;

 private:
  std::shared_ptr<const Engine> engine_;
  CheckSettings settings_;
  // Shared with the checks, so a check outliving a reloaded snapshot still has it.
  std::shared_ptr<core::TaskPool> pool_;
};

class SpfCheck final : public core::Check {
 public:
  // Outcomes remembered per connection; a client rarely uses more than a few senders.
  static constexpr std::size_t kCacheSize = 32;

  SpfCheck(std::shared_ptr<const Engine> engine, CheckSettings settings,
           std::shared_ptr<core::TaskPool> pool)
      : engine_(std::move(engine)), settings_(std::move(settings)), pool_(std::move(pool)) {}
  std::string_view name() const override { return "spf"; }

  core::Flow onMailFrom(core::Connection& conn, core::Transaction& txn) override;
  core::Flow onEndOfMessage(core::Connection& conn, core::Transaction& txn, core::Actions& actions) override;
  void onAbort(core::Connection&, core::Transaction&) override { pending_.reset(); }
  void settle(core::Connection& conn, core::Transaction& txn) override;

  std::size_t evaluations() const { return evaluations_; }  // engine calls (cache misses)

 private:
  using Future = std::shared_future<Outcome>;
  struct CacheEntry {
    std::string key;
    Future outcome;  // may still be running; a later message waits for the same one
  };
  // What onMailFrom started for the current message; settle() turns it into findings.
  struct Pending {
    unsigned message = 0;  // conn.messages when started: settles only that message
    bool nullSender = false;
    std::string helo;
    std::optional<Future> heloOutcome;
    std::optional<Future> mailOutcome;
  };
  Future evaluate(const core::IpAddress& ip, const std::string& sender, const std::string& helo);
  Outcome join(const Future& f);
  core::SpfFinding finding(const Outcome& o, std::string_view identity) const;
  core::SpfFinding unchecked(const std::string& sender, std::string_view identity, std::string reason) const;
  void record(core::Transaction& txn, bool nullSender, const std::string& helo) const;  // the A-R entry

  std::shared_ptr<const Engine> engine_;
  CheckSettings settings_;
  std::shared_ptr<core::TaskPool> pool_;
  std::vector<CacheEntry> cache_;  // oldest first
  std::optional<Pending> pending_;
  std::size_t evaluations_ = 0;
};

}  // namespace vouch::spf
