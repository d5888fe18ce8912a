// Internal to src/config: the settings table joined with the Config members it fills,
// and the one routine that checks a TOML value against a row (type, bounds, choices,
// syntax of socket/CIDR/nameserver values) and stores it. Used by the file loader and
// by --set overrides so both accept exactly the same values. Pure functions over
// immutable tables; the TOML nodes come from outside and are fully checked.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/config.h"

namespace toml {
inline namespace v3 {
class node;
}
}  // namespace toml

namespace vouch::config::detail {

using MemberPtr = std::variant<bool Config::*, std::int64_t Config::*, std::string Config::*,
                               std::vector<std::string> Config::*>;

struct SettingAccess {
  SettingSpec spec;
  MemberPtr member;
};

// Every row of settings.def, in table order.
const std::vector<SettingAccess>& settingAccess();
// The row for a dotted key, or null.
const SettingAccess* findSetting(std::string_view key);
// True when some setting lives below `prefix` (e.g. "dkim" or "milter").
bool isSection(std::string_view prefix);

// Checks `node` against the row and stores it in cfg. Returns "" on success, else the
// message (without file:line) and leaves cfg untouched.
std::string assign(Config& cfg, const SettingAccess& row, const toml::node& node);

// The member's current value as TOML text ("5", "\"x\"", "[\"a\", \"b\"]").
std::string renderValue(const Config& cfg, const SettingAccess& row);
// A TOML string literal for s (basic string with escapes).
std::string tomlQuote(std::string_view s);

// The closest candidate to `unknown` (edit distance), or "" when none is close enough.
std::string closest(std::string_view unknown, const std::vector<std::string>& candidates);
// " (did you mean 'x'?)" or "".
std::string didYouMean(std::string_view unknown, const std::vector<std::string>& candidates);

// Plain syntax checks shared with the structured tables.
bool validDomain(std::string_view d);   // LDH labels, 1..253 chars, no empty label
bool validCidr(std::string_view text);  // "192.0.2.0/24", "2001:db8::/32", bare address

}  // namespace vouch::config::detail
