// vouch: one executable, several subcommands (see commands.h). Thin on purpose: every
// piece of behaviour lives in the folder libraries so tests and fuzzers reach it too.
#include <iostream>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"vouch: SPF, DKIM, DMARC and DKIM signing for Postfix, in one milter"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "vouch 0.1.0");
  int exitCode = vouch::cli::kExitOk;
  vouch::cli::addConfigCommand(app, exitCode);
  vouch::cli::addSignCommand(app, exitCode);
  vouch::cli::addKeygenCommand(app, exitCode);
  vouch::cli::addTestkeyCommand(app, exitCode);
  vouch::cli::addDnsCommand(app, exitCode);
  vouch::cli::addCheckCommand(app, exitCode);
  vouch::cli::addMilterCommand(app, exitCode);
  vouch::cli::addPolicyCommand(app, exitCode);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return vouch::cli::kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "vouch: " << e.what() << "\n";
    return vouch::cli::kExitUsage;
  }
  return exitCode;
}
