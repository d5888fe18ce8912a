// Snapshot::build: the composition root. Reads one Config, builds every check factory
// in the declared order and the local policy (the Decider), and hands out Sessions.
// Immutable once built and shared across threads; newSession() only reads. Config is
// trusted-but-checked: any problem is a config::Error (file:line) and no Snapshot is
// returned, so a reload never half-applies.
#include "pipeline/snapshot.h"

#include "core/check.h"
#include "dkim/sign_check.h"
#include "dkim/verify_check.h"
#include "dmarc/dmarc_check.h"
#include "pipeline/session_options.h"
#include "policy/policy.h"
#include "spf/spf_check.h"

namespace vouch::pipeline {
namespace {

class BuiltSnapshot final : public Snapshot {
 public:
  BuiltSnapshot(std::shared_ptr<const config::Config> config, std::shared_ptr<dns::Resolver> resolver,
                core::SessionOptions options,
                std::vector<std::shared_ptr<const core::CheckFactory>> factories,
                std::shared_ptr<const core::Decider> decider)
      : config_(std::move(config)),
        resolver_(std::move(resolver)),
        options_(std::move(options)),
        factories_(std::move(factories)),
        decider_(std::move(decider)) {}

  std::unique_ptr<core::Session> newSession() const override {
    std::vector<std::unique_ptr<core::Check>> checks;
    checks.reserve(factories_.size());
    for (const auto& f : factories_) checks.push_back(f->makeCheck());
    return std::make_unique<core::Session>(options_, std::move(checks), decider_);
  }
  const config::Config& config() const override { return *config_; }
  dns::Resolver& resolver() const override { return *resolver_; }
  bool refusesBeforeData() const override {
    return decider_ && (decider_->needsFindings(core::Stage::MailFrom) ||
                        decider_->needsFindings(core::Stage::Rcpt));
  }

 private:
  std::shared_ptr<const config::Config> config_;
  std::shared_ptr<dns::Resolver> resolver_;
  core::SessionOptions options_;
  std::vector<std::shared_ptr<const core::CheckFactory>> factories_;
  std::shared_ptr<const core::Decider> decider_;
};

}  // namespace

std::shared_ptr<const Snapshot> Snapshot::build(std::shared_ptr<const config::Config> config,
                                                std::shared_ptr<dns::Resolver> resolver,
                                                std::vector<config::Error>& errors) {
  const std::size_t errorsBefore = errors.size();
  if (!config || !resolver) {
    errors.push_back({"", 0, config ? "no DNS resolver" : "no configuration"});
    return nullptr;
  }
  const config::Config& cfg = *config;
  core::SessionOptions options = sessionOptionsFrom(cfg, errors);

  // A factory is null when its check is disabled (and then adds no error) or when the
  // config is unusable (and then it has appended errors).
  std::vector<std::shared_ptr<const core::CheckFactory>> factories;
  auto addFactory = [&factories](std::shared_ptr<const core::CheckFactory> f) {
    if (f) factories.push_back(std::move(f));
  };
  // ---- checks, one line each, in this order: spf, dkim verify, dmarc, dkim sign ----
  addFactory(spf::SpfCheckFactory::create(cfg, resolver, errors));
  auto dkimLibrary = dkim::Library::create(cfg, resolver, errors);  // shared: dkim verify + sign
  addFactory(dkim::VerifyCheckFactory::create(cfg, resolver, dkimLibrary, errors));
  addFactory(dmarc::DmarcCheckFactory::create(cfg, resolver, errors));
  addFactory(dkim::SignCheckFactory::create(cfg, dkimLibrary, errors));
  // ---- end of checks ----

  // The local policy decides; it reads every finding the checks above record.
  std::shared_ptr<const core::Decider> decider = policy::Policy::load(cfg, errors);

  if (errors.size() != errorsBefore) return nullptr;
  return std::make_shared<BuiltSnapshot>(std::move(config), std::move(resolver), std::move(options),
                                         std::move(factories), std::move(decider));
}

}  // namespace vouch::pipeline
