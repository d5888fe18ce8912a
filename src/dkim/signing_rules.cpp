// Matching From addresses against [[dkim.signing]] (see signing_rules.h). Pure value
// code: no I/O, no locks, safe from any thread once built. Addresses are untrusted;
// every comparison is bounded by the strings' own sizes.
#include "dkim/signing_rules.h"

#include <algorithm>
#include <cctype>

#include "dkim/key_table.h"
#include "core/header_text.h"

namespace vouch::dkim {

namespace {

using core::text::lower;

std::string normalDomain(std::string_view d) {
  std::string out = lower(d);
  while (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

bool validDomain(std::string_view d) {
  if (d.empty() || d.front() == '.' || d.find("..") != std::string_view::npos) return false;
  return std::all_of(d.begin(), d.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
  });
}

// True when `domain` is a strict subdomain of `parent`.
bool isSubdomain(std::string_view domain, std::string_view parent) {
  return domain.size() > parent.size() + 1 && domain.ends_with(parent) &&
         domain[domain.size() - parent.size() - 1] == '.';
}

}  // namespace

std::optional<FromPattern> FromPattern::parse(std::string_view text) {
  FromPattern p;
  auto at = text.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view local = text.substr(0, at);
    std::string domain = normalDomain(text.substr(at + 1));
    if (local.empty() || local.find('@') != std::string_view::npos || !validDomain(domain))
      return std::nullopt;
    p.domain = std::move(domain);
    if (local == "*") {
      p.kind = Kind::Domain;
    } else {
      p.kind = Kind::Address;
      p.local = lower(local);
    }
    return p;
  }
  if (!text.empty() && text.front() == '.') {
    p.kind = Kind::Subdomains;
    p.domain = normalDomain(text.substr(1));
  } else {
    p.kind = Kind::Domain;
    p.domain = normalDomain(text);
  }
  if (!validDomain(p.domain)) return std::nullopt;
  return p;
}

bool FromPattern::matches(std::string_view local, std::string_view domain) const {
  switch (kind) {
    case Kind::Address: return domain == this->domain && lower(local) == this->local;
    case Kind::Domain: return domain == this->domain;
    case Kind::Subdomains: return isSubdomain(domain, this->domain);
  }
  return false;
}

bool FromPattern::coversDomain(std::string_view domain) const {
  return kind != Kind::Address && matches({}, domain);
}

std::optional<SigningRules> SigningRules::build(const config::Config& config,
                                                std::vector<config::Error>& errors) {
  std::vector<std::pair<std::string, std::string>> keyDomains;
  for (const auto& k : config.dkimKeys) keyDomains.emplace_back(k.name, normalDomain(k.domain));
  std::vector<SigningRule> rules;
  bool ok = true;
  for (const auto& spec : config.dkimSigning) {
    SigningRule rule;
    if (spec.from.empty() || spec.keys.empty()) {
      errors.push_back(errorAt(spec.origin, "dkim signing rule needs both from and keys"));
      ok = false;
      continue;
    }
    for (const auto& f : spec.from) {
      auto p = FromPattern::parse(f);
      if (!p) {
        errors.push_back(errorAt(spec.origin, "dkim signing rule: bad from pattern \"" + f +
                                                  "\" (want user@domain, *@domain or .domain)"));
        ok = false;
        continue;
      }
      rule.from.push_back(std::move(*p));
    }
    for (const auto& name : spec.keys) {
      bool known = std::any_of(keyDomains.begin(), keyDomains.end(),
                               [&](const auto& kd) { return kd.first == name; });
      if (!known) {
        errors.push_back(errorAt(spec.origin, "dkim signing rule names unknown key \"" + name +
                                                  "\" (not in [[dkim.keys]])"));
        ok = false;
      }
      if (std::find(rule.keys.begin(), rule.keys.end(), name) == rule.keys.end())
        rule.keys.push_back(name);
    }
    rules.push_back(std::move(rule));
  }
  if (!ok) return std::nullopt;
  return SigningRules(std::move(rules), std::move(keyDomains), config.dkim_sign_org_domain);
}

const SigningRule* SigningRules::firstMatch(std::string_view local,
                                            std::string_view domain) const {
  for (const auto& rule : rules_)
    for (const auto& p : rule.from)
      if (p.matches(local, domain)) return &rule;
  return nullptr;
}

std::vector<std::string> SigningRules::keysFor(std::string_view address) const {
  auto at = address.rfind('@');
  if (at == std::string_view::npos || at == 0) return {};
  std::string_view local = address.substr(0, at);
  std::string domain = normalDomain(address.substr(at + 1));
  if (!validDomain(domain)) return {};
  if (const SigningRule* r = firstMatch(local, domain)) return r->keys;
  if (!orgFallback_) return {};
  // Walk up to the nearest parent that has a domain-wide rule or keys of its own; a
  // single label (a TLD) is never used.
  for (auto dot = domain.find('.'); dot != std::string::npos; dot = domain.find('.', dot + 1)) {
    std::string_view parent = std::string_view(domain).substr(dot + 1);
    if (parent.find('.') == std::string_view::npos) break;
    for (const auto& rule : rules_)
      for (const auto& p : rule.from)
        if (p.coversDomain(parent)) return rule.keys;
    std::vector<std::string> keys;
    for (const auto& [name, d] : keyDomains_)
      if (d == parent) keys.push_back(name);
    if (!keys.empty()) return keys;
  }
  return {};
}

}  // namespace vouch::dkim
