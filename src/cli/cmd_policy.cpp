// `vouch policy`: the Postfix policy-delegation server alone (check_policy_service),
// for sites that want SPF verdicts at RCPT time without the milter. Same start-up as
// the milter daemon: control signals blocked before any thread, config and policy read
// and the socket bound as root, then the privilege drop, then libunbound. SIGHUP and
// SIGUSR1 reload (a broken config is refused, the old one keeps serving); SIGTERM and
// SIGINT stop. Exit status 2 for start-up errors.
#include <unistd.h>

#include <iostream>

#include "cli/commands.h"
#include "config/config.h"
#include "milter/late_resolver.h"
#include "milter/privileges.h"
#include "milter/signals.h"
#include "pipeline/snapshot.h"
#include "policyd/service.h"

namespace vouch::cli {

namespace {

struct PolicyArgs {
  std::string config{config::kDefaultConfigPath};
  std::vector<std::string> overrides;
  std::string dnsFile;
  std::string socket;
};

std::shared_ptr<const config::Config> loadConfig(const PolicyArgs& a,
                                                 std::vector<config::Error>& errors) {
  auto r = config::load(a.config);
  if (!r.config) {
    errors = r.errors;
    return nullptr;
  }
  auto cfg = std::make_shared<config::Config>(*r.config);
  config::applyOverrides(*cfg, a.overrides, errors);
  return errors.empty() ? cfg : nullptr;
}

int fail(const std::string& message, const std::vector<config::Error>& errors = {}) {
  for (const auto& e : errors) std::cerr << e.toString() << "\n";
  std::cerr << "vouch policy: " << message << "\n";
  return kExitUsage;
}

int runPolicy(const PolicyArgs& a) {
  std::string error;
  if (!milter::blockControlSignals(error)) return fail(error);
  std::vector<config::Error> errors;
  auto cfg = loadConfig(a, errors);
  if (!cfg) return fail("configuration has errors", errors);
  auto late = std::make_shared<milter::LateResolver>();
  auto snapshot = pipeline::Snapshot::build(cfg, late, errors);
  if (!snapshot) return fail("cannot build the checks from the configuration", errors);
  auto service = policyd::Service::open(*cfg, error, a.socket);
  if (!service) {
    return fail(error.empty() ? "no socket: set policyd.socket or pass --socket" : error);
  }
  const bool root = geteuid() == 0;
  if (root && !cfg->allow_root) {
    milter::RunAs who;
    if (!milter::resolveRunAs(cfg->user, cfg->group, who, error) ||
        !milter::dropPrivileges(who, error))
      return fail(error);
  }
  auto real = pipeline::makeResolver(*cfg, a.dnsFile, error);
  if (!real) return fail("DNS resolver: " + error);
  late->set(std::move(real));
  if (!service->start(snapshot, late, errors)) return fail("policyd.policy", errors);
  std::cerr << "vouch policy: listening on "
            << (a.socket.empty() ? cfg->policyd_socket : a.socket) << " (port " << service->port()
            << "), uid " << geteuid() << "\n";
  for (;;) {
    int signo = 0;
    auto s = milter::waitControlSignal(&signo);
    if (s == milter::ControlSignal::Stop) break;
    if (s != milter::ControlSignal::Reload) continue;
    std::vector<config::Error> reloadErrors;
    auto next = loadConfig(a, reloadErrors);
    std::shared_ptr<const pipeline::Snapshot> built;
    if (next) built = pipeline::Snapshot::build(next, late, reloadErrors);
    if (!built) {
      for (const auto& e : reloadErrors) std::cerr << "reload: " << e.toString() << "\n";
      std::cerr << "vouch policy: reload refused; the previous configuration keeps serving\n";
      continue;
    }
    if (!service->update(built, late, reloadErrors)) {
      for (const auto& e : reloadErrors) std::cerr << "reload: " << e.toString() << "\n";
      std::cerr << "vouch policy: reload refused; the previous configuration keeps serving\n";
      continue;
    }
    std::cerr << "vouch policy: reloaded configuration (policy "
              << (next->policyd_policy.empty() ? next->policy_name : next->policyd_policy) << ")\n";
  }
  service->stop();
  std::cerr << "vouch policy: stopped\n";
  return kExitOk;
}

}  // namespace

void addPolicyCommand(CLI::App& app, int& exitCode) {
  auto args = std::make_shared<PolicyArgs>();
  auto* cmd = app.add_subcommand(
      "policy", "Run the Postfix policy-delegation server alone (SPF verdicts at RCPT time)");
  cmd->add_option("--config", args->config, "main configuration file")->capture_default_str();
  cmd->add_option("--set", args->overrides, "override a setting: key=value (TOML value)");
  cmd->add_option("--socket", args->socket, "listen here instead of policyd.socket (inet:PORT@HOST or unix:PATH)");
  cmd->add_option("--dns-file", args->dnsFile, "answer DNS from this zone file (tests)");
  cmd->callback([args, &exitCode] { exitCode = runPolicy(*args); });
}

}  // namespace vouch::cli
