// [[dkim.keys]] and [[dkim.signing]]: shape checks of each entry (required fields,
// unknown fields with a suggestion, domain/selector/pattern syntax) and the cross-entry
// checks after merging. Untrusted file content; problems become Errors with file:line.
// Key files are not opened here: the DKIM signer loads them and reports its own errors.
#include "config/dkim_tables.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <toml++/toml.h>

#include "config/setting_access.h"
#include "core/header_text.h"

namespace vouch::config::detail {
namespace {

int lineOf(const toml::node& n, int fallback) {
  const int l = static_cast<int>(n.source().begin.line);
  return l > 0 ? l : fallback;
}

using core::text::lower;

bool validName(std::string_view n) {
  if (n.empty() || n.size() > 64) return false;
  for (char c : n) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// Calls fn(table, line) for each table of an array of tables; reports other shapes.
template <typename Fn>
void eachTable(const toml::node& value, int keyLine, const std::string& file, const char* what,
               std::vector<Error>& errors, Fn&& fn) {
  const toml::array* arr = value.as_array();
  if (!arr) {
    errors.push_back({file, lineOf(value, keyLine), std::string(what) + " must be an array of tables ([[" + what + "]])"});
    return;
  }
  for (const auto& e : *arr) {
    if (const toml::table* t = e.as_table()) {
      fn(*t, lineOf(e, keyLine));
    } else {
      errors.push_back({file, lineOf(e, keyLine), std::string(what) + " entries must be tables"});
    }
  }
}

// A string field, or a string / array of strings when `list` is set.
bool readStrings(const toml::node& n, bool list, std::vector<std::string>& out) {
  if (n.is_string()) {
    out.push_back(n.as_string()->get());
    return true;
  }
  if (!list || !n.is_array()) return false;
  for (const auto& e : *n.as_array()) {
    if (!e.is_string()) return false;
    out.push_back(e.as_string()->get());
  }
  return true;
}

}  // namespace

Error errorAt(const std::string& origin, std::string message) {
  const auto colon = origin.rfind(':');
  Error e{origin, 0, std::move(message)};
  if (colon != std::string::npos) {
    try {
      e.line = std::stoi(origin.substr(colon + 1));
      e.file = origin.substr(0, colon);
    } catch (const std::exception&) {
      e.line = 0;  // not "file:line": keep the whole origin as the file
    }
  }
  return e;
}

bool validFromPattern(std::string_view p) {
  if (p.size() > 1 && p.front() == '.') return validDomain(p.substr(1));
  const auto at = p.rfind('@');
  if (at == std::string_view::npos) return validDomain(p);  // bare domain = *@domain
  if (at == 0) return false;
  const auto local = p.substr(0, at);
  for (char c : local) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '@') return false;
  }
  if (local.find('*') != std::string_view::npos && local != "*") return false;
  return validDomain(p.substr(at + 1));
}

void parseDkimKeys(const toml::node& value, int keyLine, const std::string& file,
                   const std::string& dir, Config& cfg, std::vector<Error>& errors) {
  static const std::vector<std::string> kFields = {"name", "domain", "selector", "key_file"};
  eachTable(value, keyLine, file, "dkim.keys", errors, [&](const toml::table& t, int line) {
    std::map<std::string, std::string> got;
    bool bad = false;
    for (auto&& [k, v] : t) {
      const std::string field(k.str());
      const int fl = lineOf(v, line);
      if (std::find(kFields.begin(), kFields.end(), field) == kFields.end()) {
        errors.push_back({file, fl, "unknown field '" + field + "' in dkim.keys" + didYouMean(field, kFields)});
        bad = true;
      } else if (!v.is_string() || v.as_string()->get().empty()) {
        errors.push_back({file, fl, "dkim.keys " + field + " must be a non-empty string"});
        bad = true;
      } else {
        got[field] = v.as_string()->get();
      }
    }
    for (const auto& f : kFields) {
      if (!got.count(f) && !t.contains(f)) {
        errors.push_back({file, line, "dkim.keys entry is missing '" + f + "'"});
        bad = true;
      }
    }
    if (bad) return;
    if (!validName(got["name"])) {
      errors.push_back({file, line, "dkim.keys name '" + got["name"] + "' may use only letters, digits, '.', '-', '_'"});
      return;
    }
    if (!validDomain(got["domain"])) {
      errors.push_back({file, line, "dkim.keys domain '" + got["domain"] + "' is not a domain name"});
      return;
    }
    if (!validDomain(got["selector"])) {
      errors.push_back({file, line, "dkim.keys selector '" + got["selector"] + "' is not a valid selector"});
      return;
    }
    std::filesystem::path kf(got["key_file"]);
    if (kf.is_relative() && !dir.empty()) kf = std::filesystem::path(dir) / kf;
    cfg.dkimKeys.push_back({got["name"], lower(got["domain"]), lower(got["selector"]),
                            kf.lexically_normal().string(), file + ":" + std::to_string(line)});
  });
}

void parseDkimSigning(const toml::node& value, int keyLine, const std::string& file, Config& cfg,
                      std::vector<Error>& errors) {
  static const std::vector<std::string> kFields = {"from", "keys"};
  eachTable(value, keyLine, file, "dkim.signing", errors, [&](const toml::table& t, int line) {
    SigningRuleSpec rule;
    bool bad = false;
    for (auto&& [k, v] : t) {
      const std::string field(k.str());
      const int fl = lineOf(v, line);
      if (std::find(kFields.begin(), kFields.end(), field) == kFields.end()) {
        errors.push_back({file, fl, "unknown field '" + field + "' in dkim.signing" + didYouMean(field, kFields)});
        bad = true;
      } else if (!readStrings(v, true, field == "from" ? rule.from : rule.keys)) {
        errors.push_back({file, fl, "dkim.signing " + field + " must be a string or an array of strings"});
        bad = true;
      }
    }
    for (const char* f : {"from", "keys"}) {
      if (!t.contains(f)) {
        errors.push_back({file, line, std::string("dkim.signing rule is missing '") + f + "'"});
        bad = true;
      }
    }
    for (auto& p : rule.from) {
      if (!validFromPattern(p)) {
        errors.push_back({file, line, "dkim.signing from pattern '" + p +
                                          "' is not user@domain, *@domain, domain or .domain"});
        bad = true;
      }
      const auto at = p.rfind('@');
      p = at == std::string::npos ? lower(p) : p.substr(0, at + 1) + lower(p.substr(at + 1));
    }
    if (!bad && (rule.from.empty() || rule.keys.empty())) {
      errors.push_back({file, line, "dkim.signing rule needs at least one from pattern and one key"});
      bad = true;
    }
    if (bad) return;
    rule.origin = file + ":" + std::to_string(line);
    cfg.dkimSigning.push_back(std::move(rule));
  });
}

void checkDkimTables(const Config& cfg, std::vector<Error>& errors) {
  std::map<std::string, std::string> firstSeen;  // name -> origin
  std::vector<std::string> names;
  for (const auto& k : cfg.dkimKeys) {
    auto [it, fresh] = firstSeen.emplace(k.name, k.origin);
    if (!fresh) {
      errors.push_back(errorAt(k.origin, "duplicate dkim.keys name '" + k.name + "' (first declared at " + it->second + ")"));
    } else {
      names.push_back(k.name);
    }
  }
  for (const auto& r : cfg.dkimSigning) {
    for (const auto& key : r.keys) {
      if (!firstSeen.count(key)) {
        errors.push_back(errorAt(r.origin, "dkim.signing rule names unknown key '" + key + "'" + didYouMean(key, names)));
      }
    }
  }
}

}  // namespace vouch::config::detail
