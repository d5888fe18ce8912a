// The subcommands of the `vouch` executable. Each add*Command registers one
// subcommand (with its own --help) on the app; when it runs, its callback stores the
// process exit code in `exitCode`: 0 ok, 1 the thing checked is bad, 2 usage or config
// error. Subcommands print their own errors; none lets an exception escape.
#pragma once

#include <CLI/CLI.hpp>

namespace vouch::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitBad = 1;
inline constexpr int kExitUsage = 2;

void addConfigCommand(CLI::App& app, int& exitCode);   // config check | defaults
void addDnsCommand(CLI::App& app, int& exitCode);      // dns TYPE NAME [--dns-file]
void addCheckCommand(CLI::App& app, int& exitCode);    // check MESSAGE.eml
void addMilterCommand(CLI::App& app, int& exitCode);   // milter (the daemon)
void addPolicyCommand(CLI::App& app, int& exitCode);   // policy (delegation server alone)
void addSignCommand(CLI::App& app, int& exitCode);     // sign MESSAGE.eml
void addKeygenCommand(CLI::App& app, int& exitCode);   // keygen
void addTestkeyCommand(CLI::App& app, int& exitCode);  // testkey

}  // namespace vouch::cli
