// `vouch sign --key FILE --domain D --selector S MESSAGE.eml` or
// `vouch sign --config FILE MESSAGE.eml`: DKIM-signs one stored message, with one key or
// with the keys the config's signing rules pick for its From, and prints it with the
// DKIM-Signature header(s) on top (line ends as in the input). Same signer, self-check
// and key checks as the milter. Runs once in the CLI thread; the message is untrusted.
// Exit 0 signed, 1 not signable (no rule, bad From, signing failed), 2 usage/config.
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "config/config.h"
#include "dkim/sign_check.h"
#include "dns/zone_resolver.h"
#include "mail/from_header.h"
#include "pipeline/replay.h"

namespace vouch::cli {
namespace {

struct SignOptions {
  std::string key;
  std::string domain;
  std::string selector;
  std::string configFile;
  std::string message;
};

// Signing never looks anything up (the self-check uses the key's own record), so the
// Library gets a resolver that knows no names.
std::shared_ptr<dkim::Library> offlineLibrary(const config::Config& cfg, std::string& error) {
  auto none = dns::ZoneResolver::fromString("", error, "<no dns>");
  if (!none) return nullptr;
  return dkim::Library::create(cfg, none, error);
}

std::string readFile(const std::string& path, bool& ok) {
  std::ifstream in(path, std::ios::binary);
  ok = static_cast<bool>(in);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

int runSign(const SignOptions& o) {
  const bool withKey = !o.key.empty();
  if (withKey == !o.configFile.empty() ||
      (withKey && (o.domain.empty() || o.selector.empty()))) {
    std::cerr << "vouch sign: give either --key with --domain and --selector, or --config\n";
    return kExitUsage;
  }
  bool ok = false;
  const std::string text = readFile(o.message, ok);
  if (!ok) {
    std::cerr << "vouch sign: cannot read " << o.message << "\n";
    return kExitUsage;
  }
  const pipeline::StoredMessage msg = pipeline::parseStoredMessage(text);

  std::shared_ptr<const config::Config> cfg;
  if (withKey) {
    cfg = std::make_shared<const config::Config>(config::Config::defaults());
  } else {
    auto loaded = config::load(o.configFile);
    for (const auto& e : loaded.errors) std::cerr << e.toString() << "\n";
    if (!loaded.config) return kExitUsage;
    cfg = loaded.config;
  }
  std::string error;
  auto library = offlineLibrary(*cfg, error);
  if (!library) {
    std::cerr << "vouch sign: " << error << "\n";
    return kExitUsage;
  }

  dkim::Canonicalization canon;
  dkim::Canonicalization::parse(cfg->dkim_canonicalization, canon);
  std::vector<const dkim::KeyEntry*> keys;
  dkim::KeyEntry single;
  std::shared_ptr<const dkim::SignCheckFactory> factory;
  if (withKey) {
    std::vector<std::string> warnings;
    single.key = dkim::PrivateKey::load(o.key, dkim::KeyTable::policyFrom(*cfg), error, warnings);
    for (const auto& w : warnings) std::cerr << "vouch sign: warning: " << w << "\n";
    if (!single.key) {
      std::cerr << "vouch sign: " << error << "\n";
      return kExitUsage;
    }
    single.name = o.key;
    single.domain = o.domain;
    single.selector = o.selector;
    keys.push_back(&single);
  } else {
    std::vector<config::Error> errors;
    std::vector<std::string> warnings;
    factory = dkim::SignCheckFactory::build(*cfg, library, errors, warnings);
    for (const auto& w : warnings) std::cerr << "vouch sign: warning: " << w << "\n";
    for (const auto& e : errors) std::cerr << e.toString() << "\n";
    if (!factory) {
      if (errors.empty()) std::cerr << "vouch sign: signing is off (dkim.sign = false)\n";
      return kExitUsage;
    }
    std::vector<core::Header> headers;
    for (const auto& [n, v] : msg.headers) headers.push_back({n, v});
    mail::FromAnalysis from = mail::analyzeFrom(headers);
    if (!from.finding.problem.empty() || from.finding.addresses.empty()) {
      std::cerr << "vouch sign: From is " << from.finding.problem << "; not signed\n";
      return kExitBad;
    }
    keys = factory->keysFor(from.finding.addresses.front());
    if (keys.empty()) {
      std::cerr << "vouch sign: no signing rule matches " << from.finding.addresses.front() << "\n";
      return kExitBad;
    }
  }

  dkim::MessageSigner signer(library, canon, cfg->dkim_self_check,
                            dkim::HeaderPolicy::fromConfig(*cfg));
  ok = signer.start(keys, "cli", error);
  for (std::size_t i = 0; ok && i < msg.headers.size(); ++i)
    ok = signer.header(msg.headers[i].first, msg.headers[i].second, error);
  if (ok) ok = signer.endOfHeaders(error);
  for (std::size_t pos = 0; ok && pos < msg.body.size(); pos += pipeline::kBodyChunk)
    ok = signer.body(std::span<const char>(msg.body).subspan(
                         pos, std::min(pipeline::kBodyChunk, msg.body.size() - pos)),
                     error);
  std::vector<dkim::SignedHeader> sigs;
  if (ok) ok = signer.finish(sigs, error);
  if (!ok) {
    std::cerr << "vouch sign: " << error << "\n";
    return kExitBad;
  }
  const auto eol = text.find('\n');
  const bool crlf = eol != std::string::npos && eol > 0 && text[eol - 1] == '\r';
  std::string out;
  for (const auto& s : sigs) {
    out += "DKIM-Signature:";
    for (char c : s.value) {
      if (c == '\n' && crlf) out += '\r';
      out += c;
    }
    out += crlf ? "\r\n" : "\n";
  }
  std::cout << out << text;
  std::cout.flush();
  return std::cout ? kExitOk : kExitUsage;
}

}  // namespace

void addSignCommand(CLI::App& app, int& exitCode) {
  auto opts = std::make_shared<SignOptions>();
  CLI::App* cmd = app.add_subcommand("sign", "DKIM-sign a message and print it");
  cmd->add_option("--key", opts->key, "private key file (PEM, RSA or Ed25519)");
  cmd->add_option("--domain", opts->domain, "signing domain (d=) for --key");
  cmd->add_option("--selector", opts->selector, "selector (s=) for --key");
  cmd->add_option("--config", opts->configFile, "use the keys and signing rules of this config");
  cmd->add_option("message", opts->message, "message file (.eml)")->required();
  cmd->callback([opts, &exitCode] { exitCode = runSign(*opts); });
}

}  // namespace vouch::cli
