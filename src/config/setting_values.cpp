// Checks one TOML value against its settings-table row and stores it: type, Int
// bounds, String choices, and the syntax of values whose shape matters (sockets, CIDR
// lists, nameservers, octal modes). Also renders values back as TOML and suggests the
// closest known name for a typo. Pure functions; the values come from config files or
// the command line and are checked completely; failures are returned as messages.
#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <toml++/toml.h>

#include "config/setting_access.h"

namespace vouch::config::detail {
namespace {

std::string typeName(toml::node_type t) {
  switch (t) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    default: return "a date/time";
  }
}

bool validPort(std::string_view p) {
  int port = 0;
  auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
  return ec == std::errc() && ptr == p.data() + p.size() && port >= 1 && port <= 65535;
}

bool validIp(std::string_view text) {
  std::string s(text);
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

// "inet:PORT@HOST", "inet6:PORT@HOST", "unix:/path" or "local:/path" (libmilter syntax).
std::string checkSocket(std::string_view s, bool emptyOk) {
  if (s.empty()) return emptyOk ? "" : "must not be empty";
  const auto colon = s.find(':');
  const auto kind = s.substr(0, colon);
  const auto rest = colon == std::string_view::npos ? std::string_view{} : s.substr(colon + 1);
  if (kind == "unix" || kind == "local") {
    return rest.empty() ? "needs a path after '" + std::string(kind) + ":'" : "";
  }
  if (kind == "inet" || kind == "inet6") {
    const auto at = rest.find('@');
    if (!validPort(rest.substr(0, at))) return "needs a port 1-65535, as inet:PORT@HOST";
    if (at != std::string_view::npos && rest.substr(at + 1).empty()) return "has an empty host after '@'";
    return "";
  }
  return "must be inet:PORT@HOST, inet6:PORT@HOST or unix:PATH";
}

// Extra checks for String settings whose value has a syntax.
std::string checkShape(std::string_view key, const std::string& v) {
  if (key == "milter.socket") return checkSocket(v, false);
  if (key == "policyd.socket") return checkSocket(v, true);
  if (key == "milter.socket_mode") {
    const bool ok = !v.empty() && v.size() <= 4 &&
                    std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '7'; });
    return ok ? "" : "must be an octal mode such as \"0660\"";
  }
  return "";
}

// Extra checks for StringList settings whose elements have a syntax.
std::string checkShape(std::string_view key, const std::vector<std::string>& list) {
  for (const auto& n : list) {
    if (key == "outbound.internal_networks" && !validCidr(n)) return "'" + n + "' is not an IP address or CIDR block";
    if (key == "dns.nameservers") {
      const auto at = n.find('@');
      const bool ok = validIp(std::string_view(n).substr(0, at)) &&
                      (at == std::string::npos || validPort(std::string_view(n).substr(at + 1)));
      if (!ok) return "'" + n + "' is not \"IP\" or \"IP@PORT\"";
    }
  }
  return "";
}

bool inChoices(std::string_view choices, std::string_view v) {
  while (true) {
    const auto bar = choices.find('|');
    if (choices.substr(0, bar) == v) return true;
    if (bar == std::string_view::npos) return false;
    choices.remove_prefix(bar + 1);
  }
}

std::size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::string assign(Config& cfg, const SettingAccess& row, const toml::node& node) {
  // Every check runs before the store, so a refused value leaves cfg untouched.
  const auto key = row.spec.key;
  switch (row.spec.type) {
    case Type::Bool:
      if (!node.is_boolean()) return "expected a boolean (true/false), got " + typeName(node.type());
      cfg.*std::get<bool Config::*>(row.member) = node.as_boolean()->get();
      break;
    case Type::Int: {
      if (!node.is_integer()) return "expected an integer, got " + typeName(node.type());
      const std::int64_t v = node.as_integer()->get();
      if (v < row.spec.min || v > row.spec.max) {
        return std::to_string(v) + " is out of range [" + std::to_string(row.spec.min) + ", " +
               std::to_string(row.spec.max) + "]";
      }
      cfg.*std::get<std::int64_t Config::*>(row.member) = v;
      break;
    }
    case Type::String: {
      if (!node.is_string()) return "expected a string, got " + typeName(node.type());
      const std::string& v = node.as_string()->get();
      if (!row.spec.choices.empty() && !inChoices(row.spec.choices, v)) {
        return tomlQuote(v) + " is not one of " + std::string(row.spec.choices);
      }
      if (auto problem = checkShape(key, v); !problem.empty()) return problem;
      cfg.*std::get<std::string Config::*>(row.member) = v;
      break;
    }
    case Type::StringList: {
      if (!node.is_array()) return "expected an array of strings, got " + typeName(node.type());
      std::vector<std::string> v;
      for (const auto& e : *node.as_array()) {
        if (!e.is_string()) return "expected an array of strings, found " + typeName(e.type()) + " in it";
        v.push_back(e.as_string()->get());
      }
      if (auto problem = checkShape(key, v); !problem.empty()) return problem;
      cfg.*std::get<std::vector<std::string> Config::*>(row.member) = std::move(v);
      break;
    }
  }
  return "";
}

std::string tomlQuote(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string renderValue(const Config& cfg, const SettingAccess& row) {
  return std::visit(
      [&](auto ptr) -> std::string {
        const auto& v = cfg.*ptr;
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, bool>) {
          return v ? "true" : "false";
        } else if constexpr (std::is_same_v<V, std::int64_t>) {
          return std::to_string(v);
        } else if constexpr (std::is_same_v<V, std::string>) {
          return tomlQuote(v);
        } else {
          std::string out = "[";
          for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + tomlQuote(v[i]);
          return out + "]";
        }
      },
      row.member);
}

std::string closest(std::string_view unknown, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t bestDist = std::string::npos;
  for (const auto& c : candidates) {
    const std::size_t d = editDistance(unknown, c);
    if (d < bestDist) {
      bestDist = d;
      best = c;
    }
  }
  // Close enough: a couple of typos, more for long names, never most of the word.
  const std::size_t allowed = std::max<std::size_t>(2, unknown.size() / 4);
  return bestDist <= allowed && bestDist < unknown.size() ? best : std::string();
}

std::string didYouMean(std::string_view unknown, const std::vector<std::string>& candidates) {
  const auto c = closest(unknown, candidates);
  return c.empty() ? std::string() : " (did you mean '" + c + "'?)";
}

bool validDomain(std::string_view d) {
  if (!d.empty() && d.back() == '.') d.remove_suffix(1);
  if (d.empty() || d.size() > 253) return false;
  while (true) {
    const auto dot = d.find('.');
    const auto label = d.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_';
      if (!ok) return false;
    }
    if (dot == std::string_view::npos) return true;
    d.remove_prefix(dot + 1);
  }
}

bool validCidr(std::string_view text) {
  const auto slash = text.find('/');
  const std::string addr(text.substr(0, slash));
  unsigned char buf[16];
  int maxPrefix = 0;
  if (inet_pton(AF_INET, addr.c_str(), buf) == 1) {
    maxPrefix = 32;
  } else if (inet_pton(AF_INET6, addr.c_str(), buf) == 1) {
    maxPrefix = 128;
  } else {
    return false;
  }
  if (slash == std::string_view::npos) return true;
  const auto p = text.substr(slash + 1);
  int prefix = -1;
  auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), prefix);
  return ec == std::errc() && ptr == p.data() + p.size() && !p.empty() && prefix >= 0 &&
         prefix <= maxPrefix;
}

}  // namespace vouch::config::detail
