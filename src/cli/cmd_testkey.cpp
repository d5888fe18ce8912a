// `vouch testkey [--config FILE] [--dns-file ZONE]`: for every [[dkim.keys]] entry, loads
// the private key with the same checks as the daemon (permissions, type, size), fetches
// selector._domainkey.domain through the configured resolver (or a zone file) and says
// what is wrong: missing, mismatch, revoked, weak, wrong k=, key file permissions.
// Runs once in the CLI thread; DNS answers are untrusted and only parsed.
// Exit 0 when every key is good, 1 when any is not, 2 for usage or config errors.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "config/config.h"
#include "core/log.h"
#include "dkim/key_check.h"
#include "dkim/key_table.h"
#include "pipeline/snapshot.h"

namespace vouch::cli {
namespace {

struct TestkeyOptions {
  std::string configFile = std::string(config::kDefaultConfigPath);
  std::string dnsFile;
};

int runTestkey(const TestkeyOptions& o) {
  auto loaded = config::load(o.configFile);
  for (const auto& e : loaded.errors) std::cerr << e.toString() << "\n";
  if (!loaded.config) return kExitUsage;
  const config::Config& cfg = *loaded.config;
  if (cfg.dkimKeys.empty()) {
    std::cerr << "vouch testkey: " << o.configFile << " declares no [[dkim.keys]]\n";
    return kExitUsage;
  }
  std::string error;
  auto resolver = pipeline::makeResolver(cfg, o.dnsFile, error);
  if (!resolver) {
    std::cerr << "vouch testkey: " << error << "\n";
    return kExitUsage;
  }
  const dkim::KeyPolicy policy = dkim::KeyTable::policyFrom(cfg);
  const auto timeout = std::chrono::milliseconds(cfg.dns_timeout_ms);
  bool allGood = true;
  for (const auto& spec : cfg.dkimKeys) {
    const std::string qname = spec.selector + "._domainkey." + spec.domain;
    // Names and DNS text are printed; keep them printable and bounded.
    const std::string head = core::logSafe(spec.name) + " " + core::logSafe(qname);
    std::vector<std::string> warnings;
    std::string loadError;
    auto key = dkim::PrivateKey::load(spec.keyFile, policy, loadError, warnings);
    if (!key) {
      std::cout << "FAIL " << head << ": " << core::logSafe(loadError, 1024) << "\n";
      allGood = false;
      continue;
    }
    dns::Answer answer = resolver->query(qname, dns::RrType::TXT, dns::Clock::now() + timeout);
    dkim::PublishedKeyReport report = dkim::checkPublishedKey(*key, answer, policy);
    std::string what = std::string(dkim::toString(key->algorithm()));
    if (key->algorithm() == dkim::KeyAlgorithm::Rsa) what += " " + std::to_string(key->bits()) + " bits";
    if (report.ok()) {
      std::cout << "ok   " << head << " (" << what << ")";
    } else {
      allGood = false;
      std::cout << "FAIL " << head << " (" << what << "):";
      for (std::size_t i = 0; i < report.problems.size(); ++i)
        std::cout << (i ? "; " : " ") << core::logSafe(report.problems[i], 512);
    }
    for (const auto& n : report.notes) std::cout << " [note: " << n << "]";
    std::cout << "\n";
  }
  return allGood ? kExitOk : kExitBad;
}

}  // namespace

void addTestkeyCommand(CLI::App& app, int& exitCode) {
  auto opts = std::make_shared<TestkeyOptions>();
  CLI::App* cmd = app.add_subcommand("testkey", "check every configured DKIM key against DNS");
  cmd->add_option("--config", opts->configFile, "configuration file")->capture_default_str();
  cmd->add_option("--dns-file", opts->dnsFile, "answer from this zone file instead of DNS");
  cmd->callback([opts, &exitCode] { exitCode = runTestkey(*opts); });
}

}  // namespace vouch::cli
