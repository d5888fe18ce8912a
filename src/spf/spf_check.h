// SpfCheck: the SPF step of a Session (RFC 7208 section 2.4). At MAIL FROM it checks
// the HELO identity and the MAIL FROM identity (postmaster@HELO for the null sender),
// records core::SpfFinding(s) and the Authentication-Results entry, and at end of
// message adds Received-SPF when configured. One instance per connection (one thread
// at a time) with a small cache of outcomes keyed by (client IP, sender, HELO), so a
// connection sending many messages asks DNS once. SpfCheckFactory is immutable and
// shared; outcomes are values, never exceptions.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/check.h"
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
  SpfCheckFactory(std::shared_ptr<const Engine> engine, CheckSettings settings)
      : engine_(std::move(engine)), settings_(std::move(settings)) {}
  std::unique_ptr<core::Check> makeCheck() const override;

 private:
  std::shared_ptr<const Engine> engine_;
  CheckSettings settings_;
};

class SpfCheck final : public core::Check {
 public:
  // Outcomes remembered per connection; a client rarely uses more than a few senders.
  static constexpr std::size_t kCacheSize = 32;

  SpfCheck(std::shared_ptr<const Engine> engine, CheckSettings settings)
      : engine_(std::move(engine)), settings_(std::move(settings)) {}
  std::string_view name() const override { return "spf"; }

  core::Flow onMailFrom(core::Connection& conn, core::Transaction& txn) override;
  core::Flow onEndOfMessage(core::Connection& conn, core::Transaction& txn, core::Actions& actions) override;

  std::size_t evaluations() const { return evaluations_; }  // engine calls (cache misses)

 private:
  struct CacheEntry {
    std::string key;
    Outcome outcome;
  };
  const Outcome& evaluate(const core::IpAddress& ip, const std::string& sender, const std::string& helo);
  core::SpfFinding finding(const Outcome& o, std::string_view identity) const;
  core::SpfFinding unchecked(const std::string& sender, std::string_view identity, std::string reason) const;

  std::shared_ptr<const Engine> engine_;
  CheckSettings settings_;
  std::vector<CacheEntry> cache_;  // oldest first
  std::size_t evaluations_ = 0;
};

}  // namespace vouch::spf
