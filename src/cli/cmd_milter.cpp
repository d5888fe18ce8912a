// `vouch milter`: the mail filter daemon, in the foreground (systemd or `make run` keep
// it there). Parses the command line only; everything else lives in src/milter
// (server.h). Runs on the main thread; start-up problems are printed and give exit
// status 2, a dead listener 1; a requested stop (SIGTERM/SIGINT) ends the process with 0.
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "config/config.h"
#include "milter/server.h"

namespace vouch::cli {

void addMilterCommand(CLI::App& app, int& exitCode) {
  auto opts = std::make_shared<milter::MilterOptions>();
  opts->configPath = std::string(config::kDefaultConfigPath);
  CLI::App* cmd = app.add_subcommand(
      "milter", "run the mail filter for Postfix/Sendmail (foreground; SIGHUP reloads, SIGTERM stops)");
  cmd->add_option("-c,--config", opts->configPath, "main configuration file (conf.d/ beside it is merged)")
      ->capture_default_str();
  cmd->add_option("--set", opts->overrides,
                  "override a setting, KEY=VALUE (repeatable; kept across reloads)");
  cmd->add_option("--dns-file", opts->dnsFile,
                  "answer DNS from this zone file instead of libunbound (testing)");
  cmd->callback([opts, &exitCode] { exitCode = milter::runMilter(*opts); });
}

}  // namespace vouch::cli
