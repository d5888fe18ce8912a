// The settings table (settings.def) as data: rows with their Config member, the
// defaults parsed from each row's TOML literal, and Error rendering. The table is
// immutable after first use (function-local statics); safe from any thread. A default
// that does not parse or validate is a programming error and aborts at start-up.
#include <cstdio>
#include <cstdlib>
#include <toml++/toml.h>

#include "config/setting_access.h"

namespace vouch::config {
namespace detail {

const std::vector<SettingAccess>& settingAccess() {
  static const std::vector<SettingAccess> rows = {
#define VOUCH_SETTING(member, key, type, def, lo, hi, reload, choices, help) \
  SettingAccess{SettingSpec{key, Type::type, def, lo, hi, reload, choices, help}, MemberPtr{&Config::member}},
#include "config/settings.def"
#undef VOUCH_SETTING
  };
  return rows;
}

const SettingAccess* findSetting(std::string_view key) {
  for (const auto& row : settingAccess()) {
    if (row.spec.key == key) return &row;
  }
  return nullptr;
}

bool isSection(std::string_view prefix) {
  for (const auto& row : settingAccess()) {
    const auto k = row.spec.key;
    if (k.size() > prefix.size() && k.substr(0, prefix.size()) == prefix && k[prefix.size()] == '.') {
      return true;
    }
  }
  return prefix == "dkim";  // dkim.keys / dkim.signing live there even if no scalar did
}

}  // namespace detail

const std::vector<SettingSpec>& settingsTable() {
  static const std::vector<SettingSpec> specs = [] {
    std::vector<SettingSpec> out;
    for (const auto& row : detail::settingAccess()) out.push_back(row.spec);
    return out;
  }();
  return specs;
}

Config Config::defaults() {
  static const Config base = [] {
    Config cfg;
    for (const auto& row : detail::settingAccess()) {
      std::string text = "v = ";
      text += row.spec.defaultToml;
      std::string problem;
      try {
        const toml::table t = toml::parse(text, std::string_view("settings.def"));
        const toml::node* v = t.get("v");
        problem = v ? detail::assign(cfg, row, *v) : "no value";
      } catch (const toml::parse_error& e) {
        problem = std::string(e.description());
      }
      if (!problem.empty()) {
        // A broken table row: nothing sensible can run, so stop loudly.
        std::fprintf(stderr, "vouch: settings.def default of %.*s is invalid: %s\n",
                     static_cast<int>(row.spec.key.size()), row.spec.key.data(), problem.c_str());
        std::abort();
      }
    }
    return cfg;
  }();
  return base;
}

std::string Error::toString() const {
  std::string out = file.empty() ? std::string("vouch") : file;
  if (line > 0) out += ":" + std::to_string(line);
  out += ": ";
  out += message;
  return out;
}

}  // namespace vouch::config
