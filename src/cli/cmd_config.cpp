// `vouch config check | show | defaults`: validate a configuration (main file,
// drop-ins, --set overrides, the local policy it names, and every module's view of it by
// building a full snapshot without DNS), print the effective values with their origins,
// or print the settings table.
// Runs once in the CLI thread. Config files are checked, never trusted; every problem
// is printed as file:line: message and the exit code is 2 (kExitUsage), 0 when clean.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "config/config.h"
#include "config/describe.h"
#include "dns/fake_resolver.h"
#include "pipeline/snapshot.h"
#include "policy/policy.h"

namespace vouch::cli {
namespace {

struct ConfigOptions {
  std::string file = std::string(config::kDefaultConfigPath);
  std::vector<std::string> sets;
  std::string format = "text";
};

int runCheck(const ConfigOptions& o) {
  auto loaded = config::load(o.file);
  std::vector<config::Error> errors = std::move(loaded.errors);
  std::shared_ptr<const policy::Policy> pol;
  if (loaded.config) {
    config::Config cfg = *loaded.config;
    config::applyOverrides(cfg, o.sets, errors);
    if (errors.empty()) pol = policy::Policy::load(cfg, errors);
    if (errors.empty() && !cfg.policyd_policy.empty()) {
      // The policy-delegation server may answer with another local policy: check it too,
      // with errors pointing at policyd.policy.
      config::Config alt = cfg;
      alt.policy_name = cfg.policyd_policy;
      alt.origins.erase("policy.name");
      if (auto it = cfg.origins.find("policyd.policy"); it != cfg.origins.end()) alt.origins["policy.name"] = it->second;
      (void)policy::Policy::load(alt, errors);
    }
    if (errors.empty()) {
      // Build the whole snapshot too, so every module checks its part (DKIM key files,
      // signing rules, ...) exactly as the daemon would, but against a resolver that never
      // touches the network.
      auto snapshot = pipeline::Snapshot::build(std::make_shared<const config::Config>(cfg),
                                                std::make_shared<dns::FakeResolver>(), errors);
      (void)snapshot;
    }
    if (errors.empty()) {
      std::cout << "ok: " << cfg.files.size() << " file(s):";
      for (const auto& f : cfg.files) std::cout << " " << f;
      std::cout << "; " << cfg.dkimKeys.size() << " DKIM key(s), " << cfg.dkimSigning.size()
                << " signing rule(s); policy " << pol->name() << " (" << pol->file() << ")\n";
      return kExitOk;
    }
  }
  for (const auto& e : errors) std::cerr << e.toString() << "\n";
  std::cerr << "vouch config check: " << errors.size() << " error(s)\n";
  return kExitUsage;
}

int runShow(const ConfigOptions& o) {
  auto loaded = config::load(o.file);
  std::vector<config::Error> errors = std::move(loaded.errors);
  if (loaded.config) {
    config::Config cfg = *loaded.config;
    config::applyOverrides(cfg, o.sets, errors);
    if (errors.empty()) {
      std::cout << config::describeConfig(cfg, true);
      return kExitOk;
    }
  }
  for (const auto& e : errors) std::cerr << e.toString() << "\n";
  return kExitUsage;
}

int runDefaults(const ConfigOptions& o) {
  config::DescribeFormat f = config::DescribeFormat::Text;
  if (o.format == "toml") f = config::DescribeFormat::Toml;
  if (o.format == "markdown") f = config::DescribeFormat::Markdown;
  std::cout << config::describeSettings(f);
  return kExitOk;
}

}  // namespace

void addConfigCommand(CLI::App& app, int& exitCode) {
  auto opts = std::make_shared<ConfigOptions>();
  CLI::App* cmd = app.add_subcommand("config", "check the configuration, or print every setting");
  cmd->require_subcommand(1);

  CLI::App* check = cmd->add_subcommand(
      "check", "validate the main file, its conf.d drop-ins and the local policy; exit 0 or 2");
  check->add_option("-c,--config", opts->file, "main config file")->capture_default_str();
  check->add_option("--set", opts->sets, "override a setting: key=value (TOML value); repeatable")
      ->allow_extra_args(false);
  check->callback([opts, &exitCode] {
    try {
      exitCode = runCheck(*opts);
    } catch (const std::exception& e) {
      std::cerr << "vouch config check: " << e.what() << "\n";
      exitCode = kExitUsage;
    }
  });

  CLI::App* show = cmd->add_subcommand(
      "show", "print the effective configuration (files merged, --set applied) as TOML, with origins");
  show->add_option("-c,--config", opts->file, "main config file")->capture_default_str();
  show->add_option("--set", opts->sets, "override a setting: key=value (TOML value); repeatable")
      ->allow_extra_args(false);
  show->callback([opts, &exitCode] { exitCode = runShow(*opts); });

  CLI::App* defaults = cmd->add_subcommand(
      "defaults", "print every setting with its default, bounds or choices, reloadability and help");
  defaults->add_option("--format", opts->format, "text, toml or markdown")
      ->check(CLI::IsMember({"text", "toml", "markdown"}))
      ->capture_default_str();
  defaults->callback([opts, &exitCode] { exitCode = runDefaults(*opts); });
}

}  // namespace vouch::cli
