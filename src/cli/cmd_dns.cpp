// `vouch dns TYPE NAME`: one lookup through the same resolver the milter uses (libunbound,
// or a zone file with --dns-file), printed like a tiny dig: status, DNSSEC security, then
// one line per record. Runs once in the CLI thread. Answers are untrusted: TXT bytes are
// shown escaped. Exit 0 for an answer (Ok/NoData/NxDomain), 1 for SERVFAIL/timeout, 2 for
// usage or set-up errors.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "config/config.h"
#include "dns/resolver.h"
#include "dns/unbound_resolver.h"
#include "dns/zone_resolver.h"

namespace vouch::cli {
namespace {

struct DnsOptions {
  std::string type;
  std::string name;
  std::vector<std::string> zoneFiles;
  std::vector<std::string> servers;
  int timeoutMs = 0;  // 0 = from the config (or its default)
  std::string configFile;
};

// A character-string as zone-file text: quoted, with " and \ escaped and bytes outside
// printable ASCII as \DDD, so hostile records cannot drive the terminal.
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c > 0x7e) {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\%03u", static_cast<unsigned>(c));
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string rdataText(dns::RrType type, const dns::Record& r) {
  switch (type) {
    case dns::RrType::TXT:
    case dns::RrType::SPF: {
      std::string out;
      if (r.strings.empty()) {
        return quoted(r.text);
      }
      for (const auto& s : r.strings) {
        out += (out.empty() ? "" : " ") + quoted(s);
      }
      return out;
    }
    case dns::RrType::MX:
      return std::to_string(r.preference) + " " + r.text + ".";
    case dns::RrType::NS:
    case dns::RrType::CNAME:
    case dns::RrType::PTR:
      return r.text + ".";
    default:
      return r.text;
  }
}

std::shared_ptr<dns::Resolver> makeResolver(const DnsOptions& o, int& timeoutMs,
                                            std::string& error) {
  if (!o.zoneFiles.empty()) {
    timeoutMs = o.timeoutMs > 0 ? o.timeoutMs : 5000;
    return dns::ZoneResolver::fromFiles(o.zoneFiles, error);
  }
  dns::UnboundOptions uo;
  if (!o.configFile.empty()) {
    auto loaded = config::load(o.configFile);
    if (!loaded.config) {
      for (const auto& e : loaded.errors) {
        error += (error.empty() ? "" : "\n") + e.toString();
      }
      return nullptr;
    }
    uo = dns::UnboundOptions::fromConfig(*loaded.config);
  }
  if (!o.servers.empty()) {
    uo.nameservers = o.servers;
  }
  if (o.timeoutMs > 0) {
    uo.timeoutMs = o.timeoutMs;
  }
  timeoutMs = uo.timeoutMs;
  return dns::UnboundResolver::create(uo, error);
}

int runDns(const DnsOptions& o) {
  dns::RrType type{};
  if (!dns::parseRrType(o.type, type)) {
    std::cerr << "vouch dns: unknown record type '" << o.type
              << "' (A, AAAA, MX, TXT, SPF, PTR, CNAME, NS, SOA)\n";
    return kExitUsage;
  }
  std::string error;
  int timeoutMs = 0;
  auto resolver = makeResolver(o, timeoutMs, error);
  if (!resolver) {
    std::cerr << "vouch dns: " << error << "\n";
    return kExitUsage;
  }
  dns::Answer a =
      resolver->query(o.name, type, dns::Clock::now() + std::chrono::milliseconds(timeoutMs));
  std::ostringstream out;
  out << ";; status: " << dns::toString(a.status) << ", security: " << dns::toString(a.security)
      << ", records: " << a.records.size() << ", ttl: " << a.ttl << "\n";
  if (!a.canonicalName.empty()) {
    out << ";; canonical name: " << a.canonicalName << ".\n";
  }
  if (!a.why.empty()) {
    out << ";; why: " << a.why << "\n";
  }
  std::string owner = a.canonicalName.empty() ? o.name : a.canonicalName;
  if (owner.empty() || owner.back() != '.') {
    owner += '.';
  }
  for (const auto& r : a.records) {
    out << owner << "\t" << a.ttl << "\tIN\t" << dns::toString(type) << "\t" << rdataText(type, r)
        << "\n";
  }
  std::cout << out.str();
  return a.temporary() ? kExitBad : kExitOk;
}

}  // namespace

void addDnsCommand(CLI::App& app, int& exitCode) {
  auto opts = std::make_shared<DnsOptions>();
  CLI::App* cmd = app.add_subcommand(
      "dns", "look up TYPE NAME through vouch's resolver; exit 0 answer, 1 SERVFAIL/timeout");
  cmd->add_option("type", opts->type, "record type: A, AAAA, MX, TXT, SPF, PTR, CNAME, NS, SOA")
      ->required();
  cmd->add_option("name", opts->name, "domain name")->required();
  cmd->add_option("--dns-file", opts->zoneFiles, "answer from this zone file instead (repeatable)");
  cmd->add_option("--server", opts->servers, "upstream resolver IP or IP@PORT (repeatable)");
  cmd->add_option("--timeout-ms", opts->timeoutMs, "longest wait for the answer")
      ->check(CLI::Range(1, 120000));
  cmd->add_option("-c,--config", opts->configFile, "take dns.* settings from this config");
  cmd->callback([opts, &exitCode] {
    try {
      exitCode = runDns(*opts);
    } catch (const std::exception& e) {
      std::cerr << "vouch dns: " << e.what() << "\n";
      exitCode = kExitUsage;
    }
  });
}

}  // namespace vouch::cli
