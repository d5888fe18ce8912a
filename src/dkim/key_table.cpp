// Builds the KeyTable from [[dkim.keys]] (see key_table.h). Runs at snapshot build, on
// one thread, before privileges are dropped; the result is read-only afterwards.
// Every key is tried so that one run reports all broken keys at once.
#include "dkim/key_table.h"

#include <algorithm>
#include <cctype>

namespace vouch::dkim {

namespace {

std::string normalDomain(std::string_view d) {
  std::string out(d);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

}  // namespace

config::Error errorAt(const std::string& origin, std::string message) {
  config::Error e;
  e.message = std::move(message);
  auto colon = origin.rfind(':');
  if (colon != std::string::npos && colon + 1 < origin.size() &&
      std::all_of(origin.begin() + static_cast<std::ptrdiff_t>(colon) + 1, origin.end(),
                  [](char c) { return c >= '0' && c <= '9'; })) {
    e.file = origin.substr(0, colon);
    e.line = std::stoi(origin.substr(colon + 1));
  } else {
    e.file = origin;
  }
  return e;
}

KeyPolicy KeyTable::policyFrom(const config::Config& config) {
  KeyPolicy p;
  p.allowGroupReadable = config.dkim_allow_group_readable;
  return p;
}

std::shared_ptr<const KeyTable> KeyTable::build(const config::Config& config,
                                                std::vector<config::Error>& errors,
                                                std::vector<std::string>& warnings) {
  const KeyPolicy policy = policyFrom(config);
  std::vector<KeyEntry> entries;
  bool ok = true;
  for (const auto& spec : config.dkimKeys) {
    auto fail = [&](std::string msg) {
      errors.push_back(errorAt(spec.origin, "dkim key \"" + spec.name + "\": " + std::move(msg)));
      ok = false;
    };
    if (spec.name.empty() || spec.domain.empty() || spec.selector.empty() ||
        spec.keyFile.empty()) {
      fail("name, domain, selector and key_file are all required");
      continue;
    }
    auto dup = std::find_if(entries.begin(), entries.end(),
                            [&](const KeyEntry& e) { return e.name == spec.name; });
    if (dup != entries.end()) {
      fail("declared twice");
      continue;
    }
    std::string error;
    auto key = PrivateKey::load(spec.keyFile, policy, error, warnings);
    if (!key) {
      fail(error);
      continue;
    }
    entries.push_back({spec.name, normalDomain(spec.domain), spec.selector, spec.keyFile,
                       std::move(key)});
  }
  if (!ok) return nullptr;
  return std::make_shared<const KeyTable>(std::move(entries));
}

const KeyEntry* KeyTable::find(std::string_view name) const {
  for (const auto& e : entries_)
    if (e.name == name) return &e;
  return nullptr;
}

}  // namespace vouch::dkim
