// SigningRules: the ordered [[dkim.signing]] table mapping an author (From) address to
// key names. Patterns: "user@domain", "*@domain" or "domain" (that domain), ".domain"
// (strict subdomains). First matching rule wins; optional fallback for subdomains to the
// nearest parent's rule or keys (dkim.sign_subdomains_with_org_key). Built once per
// snapshot, immutable, shared by all threads. The address asked about is untrusted;
// matching is case-insensitive and never throws.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace vouch::dkim {

struct FromPattern {
  enum class Kind { Address, Domain, Subdomains };
  Kind kind = Kind::Domain;
  std::string local;   // Address only, lowercase
  std::string domain;  // lowercase, no trailing dot

  // Nullopt for an unusable pattern (empty, "@", "*@", "a@b@c", "..x").
  static std::optional<FromPattern> parse(std::string_view text);
  bool matches(std::string_view local, std::string_view domain) const;
  // Matches every address at `domain` (used for the parent-domain fallback).
  bool coversDomain(std::string_view domain) const;
};

struct SigningRule {
  std::vector<FromPattern> from;
  std::vector<std::string> keys;
};

class SigningRules {
 public:
  // Validates patterns and key names (every name must be in config.dkimKeys).
  // Nullopt with errors (file:line of the rule) when anything is wrong.
  static std::optional<SigningRules> build(const config::Config& config,
                                           std::vector<config::Error>& errors);

  SigningRules(std::vector<SigningRule> rules,
               std::vector<std::pair<std::string, std::string>> keyDomains, bool orgFallback)
      : rules_(std::move(rules)), keyDomains_(std::move(keyDomains)), orgFallback_(orgFallback) {}

  // Key names that sign mail whose author is `address` (local@domain); empty = unsigned.
  std::vector<std::string> keysFor(std::string_view address) const;
  bool empty() const { return rules_.empty() && !orgFallback_; }

 private:
  const SigningRule* firstMatch(std::string_view local, std::string_view domain) const;

  std::vector<SigningRule> rules_;
  std::vector<std::pair<std::string, std::string>> keyDomains_;  // (key name, domain)
  bool orgFallback_ = false;
};

}  // namespace vouch::dkim
