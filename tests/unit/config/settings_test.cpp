// The settings table as the single source: defaults equal each row's literal, bounds
// and choices are accepted at their edges and refused past them, --set overrides are
// validated like file values, reloadConflicts finds exactly the restart-only changes,
// and the TOML rendering of the table loads back to the defaults.
#include <gtest/gtest.h>

#include <set>

#include "config/config.h"
#include "config/describe.h"

namespace vouch::config {
namespace {

std::string sectionText(std::string_view key, const std::string& value) {
  const auto dot = key.find('.');
  return "[" + std::string(key.substr(0, dot)) + "]\n" + std::string(key.substr(dot + 1)) + " = " + value + "\n";
}

TEST(SettingsTable, KeysAreUniqueDottedAndDocumented) {
  std::set<std::string_view> seen;
  for (const auto& s : settingsTable()) {
    EXPECT_TRUE(seen.insert(s.key).second) << s.key;
    EXPECT_NE(s.key.find('.'), std::string_view::npos) << s.key;
    EXPECT_FALSE(s.help.empty()) << s.key;
    if (s.type == Type::Int) {
      EXPECT_LE(s.min, s.max) << s.key;
    }
  }
  EXPECT_GT(settingsTable().size(), 40u);
}

// Each default literal, written into a file, gives the same Config as defaults().
TEST(SettingsTable, EveryDefaultRoundTripsThroughAFile) {
  const Config d = Config::defaults();
  for (const auto& s : settingsTable()) {
    const auto r = loadString(sectionText(s.key, std::string(s.defaultToml)), "d.conf");
    ASSERT_TRUE(r.config) << s.key << ": " << r.errors[0].toString();
    EXPECT_EQ(r.config->origins.count(std::string(s.key)), 1u) << s.key;
    EXPECT_TRUE(reloadConflicts(d, *r.config).empty()) << s.key;
  }
}

TEST(SettingsTable, KnownDefaults) {
  const Config d = Config::defaults();
  EXPECT_EQ(d.dkim_max_signatures, 5);
  EXPECT_EQ(d.spf_max_dns_terms, 10);
  EXPECT_EQ(d.milter_socket, "inet:8893@127.0.0.1");
  EXPECT_EQ(d.policy_name, "default");
  EXPECT_EQ(d.limits_action, "tempfail");
  EXPECT_EQ(d.internal_networks, (std::vector<std::string>{"127.0.0.0/8", "::1/128"}));
  EXPECT_EQ(d.dkim_oversign_headers, std::vector<std::string>{"from"});
  EXPECT_TRUE(d.spf_enabled);
  EXPECT_FALSE(d.allow_root);
  EXPECT_TRUE(d.files.empty());
}

// Every Int row: min and max load, min-1 and max+1 are refused with the bounds named.
TEST(SettingsTable, IntBoundsAreInclusive) {
  for (const auto& s : settingsTable()) {
    if (s.type != Type::Int) continue;
    for (auto v : {s.min, s.max}) {
      EXPECT_TRUE(loadString(sectionText(s.key, std::to_string(v)), "b.conf").config) << s.key << "=" << v;
    }
    for (auto v : {s.min - 1, s.max + 1}) {
      const auto r = loadString(sectionText(s.key, std::to_string(v)), "b.conf");
      ASSERT_EQ(r.errors.size(), 1u) << s.key << "=" << v;
      EXPECT_EQ(r.errors[0].line, 2);
      EXPECT_NE(r.errors[0].message.find("out of range [" + std::to_string(s.min) + ", " + std::to_string(s.max) + "]"),
                std::string::npos);
    }
  }
}

// Every String row with choices: each choice loads, anything else is refused.
TEST(SettingsTable, ChoicesAreEnforced) {
  for (const auto& s : settingsTable()) {
    if (s.choices.empty()) continue;
    std::string_view c = s.choices;
    while (!c.empty()) {
      const auto bar = c.find('|');
      const std::string choice(c.substr(0, bar));
      EXPECT_TRUE(loadString(sectionText(s.key, "\"" + choice + "\""), "c.conf").config) << s.key << "=" << choice;
      if (bar == std::string_view::npos) break;
      c.remove_prefix(bar + 1);
    }
    const auto r = loadString(sectionText(s.key, "\"no-such-choice\""), "c.conf");
    ASSERT_EQ(r.errors.size(), 1u) << s.key;
    EXPECT_NE(r.errors[0].message.find(std::string(s.choices)), std::string::npos);
  }
}

TEST(Describe, TomlFormLoadsBackToDefaults) {
  const auto r = loadString(describeSettings(DescribeFormat::Toml), "defaults.conf");
  ASSERT_TRUE(r.config) << r.errors[0].toString();
  EXPECT_TRUE(reloadConflicts(Config::defaults(), *r.config).empty());
  EXPECT_EQ(r.config->origins.size(), settingsTable().size());
}

TEST(Describe, EveryFormatNamesEverySetting) {
  for (auto f : {DescribeFormat::Text, DescribeFormat::Toml, DescribeFormat::Markdown}) {
    const auto out = describeSettings(f);
    for (const auto& s : settingsTable()) {
      const auto leaf = s.key.substr(s.key.find('.') + 1);
      EXPECT_NE(out.find(f == DescribeFormat::Toml ? leaf : s.key), std::string::npos) << s.key;
    }
  }
  const auto md = describeSettings(DescribeFormat::Markdown);
  EXPECT_NE(md.find("| `general.log_target` | string | `\"syslog\"` | syslog, stderr | yes |"), std::string::npos);
  EXPECT_NE(md.find("| `dkim.max_signatures` | integer | `5` | 1..50 | yes |"), std::string::npos);
}

struct OverrideCase {
  const char* set;
  bool ok;
  const char* fragment;  // in the error, or the rendered check below
};

TEST(Overrides, ParsedAsTomlAndValidatedLikeFiles) {
  const OverrideCase cases[] = {
      {"dkim.max_signatures=7", true, ""},
      {"policy.name=strict", true, ""},               // bare word accepted for strings
      {"policy.name = \"monitor\"", true, ""},
      {"dns.nameservers=[\"192.0.2.1@5353\"]", true, ""},
      {"spf.enabled=false", true, ""},
      {"dkim.max_signatures=0", false, "dkim.max_signatures: 0 is out of range [1, 50]"},
      {"dkim.max_signatures=lots", false, "value is not TOML"},
      {"general.log_target=file", false, "is not one of syslog|stderr"},
      {"spf.enabled=yes", false, "value is not TOML"},
      {"dkim.max_signature=3", false, "unknown setting 'dkim.max_signature' (did you mean 'dkim.max_signatures'?)"},
      {"no-equals-sign", false, "is not key=value"},
      {"dkim.keys=[]", false, "can only be set in a config file"},
      {"milter.socket=unix:", false, "needs a path"},
  };
  for (const auto& c : cases) {
    Config cfg = Config::defaults();
    std::vector<Error> errors;
    applyOverrides(cfg, {c.set}, errors);
    if (c.ok) {
      EXPECT_TRUE(errors.empty()) << c.set << ": " << errors[0].toString();
    } else {
      ASSERT_EQ(errors.size(), 1u) << c.set;
      EXPECT_EQ(errors[0].file, "--set");
      EXPECT_NE(errors[0].message.find(c.fragment), std::string::npos) << errors[0].toString();
    }
  }
}

TEST(Overrides, ApplyInOrderAndRecordOrigin) {
  Config cfg = Config::defaults();
  std::vector<Error> errors;
  applyOverrides(cfg, {"dkim.max_signatures=7", "policy.name=strict", "dkim.max_signatures=8",
                       "dns.nameservers=[\"192.0.2.1@5353\"]", "dkim.max_signatures=99"},
                 errors);
  EXPECT_EQ(errors.size(), 1u);
  EXPECT_EQ(cfg.dkim_max_signatures, 8);  // the refused 99 leaves the last good value
  EXPECT_EQ(cfg.policy_name, "strict");
  EXPECT_EQ(cfg.dns_nameservers, std::vector<std::string>{"192.0.2.1@5353"});
  EXPECT_EQ(cfg.origins.at("policy.name"), "--set");
}

TEST(Reload, ReportsOnlyRestartOnlySettingsThatChanged) {
  const auto old = loadString("[milter]\nsocket = \"inet:8893@127.0.0.1\"\n", "old.conf");
  const auto neu = loadString(
      "[milter]\nsocket = \"inet:9999@127.0.0.1\"\n[dkim]\nmax_signatures = 9\n[dns]\ncache_mb = 64\n"
      "[general]\nuser = \"vouch\"\n",
      "new.conf");
  ASSERT_TRUE(old.config && neu.config);
  const auto c = reloadConflicts(*old.config, *neu.config);
  ASSERT_EQ(c.size(), 2u);  // dkim.max_signatures is reloadable; general.user did not change
  EXPECT_EQ(c[0].toString(),
            "new.conf:2: milter.socket changed from \"inet:8893@127.0.0.1\" to \"inet:9999@127.0.0.1\"; "
            "it takes effect only after a restart");
  EXPECT_EQ(c[1].file, "new.conf");
  EXPECT_EQ(c[1].line, 6);
  EXPECT_NE(c[1].message.find("dns.cache_mb changed from 32 to 64"), std::string::npos);
  EXPECT_TRUE(reloadConflicts(*neu.config, *neu.config).empty());
}

TEST(Reload, ListChangesAreSeen) {
  Config a = Config::defaults();
  Config b = a;
  b.dns_nameservers = {"192.0.2.53"};
  const auto c = reloadConflicts(a, b);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_NE(c[0].message.find("dns.nameservers changed from [] to [\"192.0.2.53\"]"), std::string::npos);
}

}  // namespace
}  // namespace vouch::config
