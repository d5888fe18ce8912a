// Command-line overrides (--set key=value) and reload checks. Overrides go through the
// same per-setting validation as file values, so `--set` cannot smuggle in a value a
// file could not hold. reloadConflicts compares two immutable snapshots. Pure
// functions; override text is untrusted and every problem becomes an Error.
#include <toml++/toml.h>

#include "config/dkim_tables.h"
#include "config/setting_access.h"

namespace vouch::config {
namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

std::vector<std::string> knownKeys() {
  std::vector<std::string> out;
  for (const auto& row : detail::settingAccess()) out.emplace_back(row.spec.key);
  return out;
}

}  // namespace

void applyOverrides(Config& cfg, const std::vector<std::string>& overrides, std::vector<Error>& errors) {
  for (const auto& item : overrides) {
    const auto eq = item.find('=');
    if (eq == std::string::npos) {
      errors.push_back({"--set", 0, "'" + item + "' is not key=value"});
      continue;
    }
    const std::string key = trim(std::string_view(item).substr(0, eq));
    const std::string value = trim(std::string_view(item).substr(eq + 1));
    const auto* row = detail::findSetting(key);
    if (!row) {
      const bool structured = key == "dkim.keys" || key == "dkim.signing";
      errors.push_back({"--set", 0, structured ? key + " can only be set in a config file"
                                               : "unknown setting '" + key + "'" + detail::didYouMean(key, knownKeys())});
      continue;
    }
    std::string problem;
    try {
      const toml::table t = toml::parse("v = " + value, std::string_view("--set"));
      const toml::node* v = t.get("v");
      problem = v ? detail::assign(cfg, *row, *v) : "no value";
    } catch (const toml::parse_error& e) {
      // `--set policy.name=strict` should not need shell-quoted TOML quotes.
      if (row->spec.type == Type::String && value.find_first_of("\"'\n") == std::string::npos) {
        toml::table t;
        t.insert("v", value);
        problem = detail::assign(cfg, *row, *t.get("v"));
      } else {
        problem = "value is not TOML: " + std::string(e.description());
      }
    }
    if (!problem.empty()) {
      errors.push_back({"--set", 0, key + ": " + problem});
    } else {
      cfg.origins[key] = "--set";
    }
  }
}

std::vector<Error> reloadConflicts(const Config& old, const Config& neu) {
  std::vector<Error> out;
  for (const auto& row : detail::settingAccess()) {
    if (row.spec.reloadable) continue;
    const std::string before = detail::renderValue(old, row);
    const std::string after = detail::renderValue(neu, row);
    if (before == after) continue;
    const std::string key(row.spec.key);
    auto it = neu.origins.find(key);
    Error e = it != neu.origins.end() ? detail::errorAt(it->second, {}) : Error{neu.mainFile, 0, {}};
    e.message = key + " changed from " + before + " to " + after + "; it takes effect only after a restart";
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace vouch::config
