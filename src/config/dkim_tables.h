// Internal to src/config: the two arrays of tables, [[dkim.keys]] and [[dkim.signing]].
// Entries append across files (drop-ins add keys and rules); each keeps its "file:line"
// origin. Cross-entry checks (duplicate key names, rules naming undeclared keys) run
// once after every file is merged. Input is untrusted file content; every problem
// becomes an Error, nothing throws.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"

namespace toml {
inline namespace v3 {
class node;
}
}  // namespace toml

namespace vouch::config::detail {

// Parses the value of dkim.keys (array of tables) declared in `file`, whose relative
// key_file paths resolve against `dir`; appends good entries to cfg.dkimKeys.
void parseDkimKeys(const toml::node& value, int keyLine, const std::string& file,
                   const std::string& dir, Config& cfg, std::vector<Error>& errors);
// Parses the value of dkim.signing; appends good rules to cfg.dkimSigning.
void parseDkimSigning(const toml::node& value, int keyLine, const std::string& file, Config& cfg,
                      std::vector<Error>& errors);
// After merging: duplicate key names, rules that name undeclared keys.
void checkDkimTables(const Config& cfg, std::vector<Error>& errors);

// "file:line" -> Error at that place.
Error errorAt(const std::string& origin, std::string message);

// True for "user@domain", "*@domain", "domain" (same as *@domain) and ".domain".
bool validFromPattern(std::string_view pattern);

}  // namespace vouch::config::detail
