// Config: one immutable snapshot of vouch's settings (main file + conf.d drop-ins,
// merged in lexical order), validated against the table in settings.def. Shared across
// threads as std::shared_ptr<const Config> and swapped whole on reload. Loading never
// half-succeeds: it returns every error with file:line, or a complete Config.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace vouch::config {

enum class Type { Bool, Int, String, StringList };

// One row of the settings table (settings.def).
struct SettingSpec {
  std::string_view key;          // "dkim.max_signatures"
  Type type;
  std::string_view defaultToml;  // default as TOML text
  std::int64_t min;
  std::int64_t max;
  bool reloadable;
  std::string_view choices;      // "" or "a|b|c"
  std::string_view help;
};

// Every scalar setting, in table order.
const std::vector<SettingSpec>& settingsTable();

// [[dkim.keys]]
struct DkimKeySpec {
  std::string name;
  std::string domain;
  std::string selector;
  std::string keyFile;  // absolute, or relative to the file that declared it (resolved at load)
  std::string origin;   // "file:line" of the declaration, for error messages
};

// [[dkim.signing]]
struct SigningRuleSpec {
  std::vector<std::string> from;  // "user@d", "*@d", ".d"
  std::vector<std::string> keys;  // key names
  std::string origin;
};

namespace detail {
template <Type T> struct CppType;
template <> struct CppType<Type::Bool> { using type = bool; };
template <> struct CppType<Type::Int> { using type = std::int64_t; };
template <> struct CppType<Type::String> { using type = std::string; };
template <> struct CppType<Type::StringList> { using type = std::vector<std::string>; };
}  // namespace detail

struct Config {
  // Members from the table, initialised to their defaults by Config::defaults().
#define VOUCH_SETTING(member, key, kind, def, lo, hi, reload, choices, help) \
  detail::CppType<Type::kind>::type member{};
#include "config/settings.def"
#undef VOUCH_SETTING

  std::vector<DkimKeySpec> dkimKeys;
  std::vector<SigningRuleSpec> dkimSigning;

  std::vector<std::string> files;  // files merged, in order
  std::string mainFile;            // the --config path
  std::string directory;           // folder of the main file (for relative paths)
  // "toml.key" -> "file:line" where a setting was last given (absent = default).
  std::map<std::string, std::string, std::less<>> origins;

  static Config defaults();
};

struct Error {
  std::string file;
  int line = 0;  // 0 when unknown
  std::string message;
  std::string toString() const;  // "file:line: message"
};

struct LoadResult {
  std::shared_ptr<const Config> config;  // null when errors is non-empty
  std::vector<Error> errors;
};

// Reads `mainFile` and the *.conf files of the conf.d/ folder beside it.
LoadResult load(const std::string& mainFile);
// Parses TOML text as if it came from `name` (tests, fuzzing); no drop-ins.
LoadResult loadString(std::string_view text, const std::string& name);

// Applies "key=value" overrides (e.g. from --set) on top of `cfg`, in order. The value
// is parsed as TOML (a bare word is taken as a string for String settings) and
// validated like a file value; errors name the origin "--set".
void applyOverrides(Config& cfg, const std::vector<std::string>& overrides,
                    std::vector<Error>& errors);

// Settings with reloadable=false whose value differs between `old` and `neu`: a running
// daemon cannot apply them without a restart (it refuses or warns).
std::vector<Error> reloadConflicts(const Config& old, const Config& neu);

inline constexpr std::string_view kDefaultConfigPath = "/etc/vouch/vouch.conf";

}  // namespace vouch::config
