// The vocabulary of a local policy: the rules (one per kind of finding), the client
// classes they may differ by, and the parsed model of one policies/*.toml file. Plain
// immutable values once parsed; shared read-only across threads by Policy.
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/connection.h"
#include "core/ip.h"
#include "core/verdict.h"

namespace vouch::policy {

// One rule per finding a policy can act on. The TOML names are in ruleName().
enum class Rule {
  DmarcReject,          // DMARC fail, the policy that applies is p=reject
  DmarcQuarantine,      // DMARC fail, p=quarantine (or p=reject in t=y testing mode)
  DmarcNone,            // DMARC fail, p=none (or p=quarantine in testing mode): never rejects
  DmarcTempError,       // DMARC could not be decided for a DNS failure
  DmarcPermError,       // the DMARC record is broken
  SpfFail,
  SpfSoftFail,
  SpfTempError,
  SpfPermError,
  DkimFail,             // signatures present, none passed, at least one failed
  FromNone,             // no From header
  FromMultiple,         // several From headers
  FromMultipleDomains,  // one From with addresses in different domains
  FromNoDomain,         // an address without a domain
  FromUnparsable,       // From that does not parse as RFC 5322
  HeaderLimit,          // limits.max_headers / max_header_bytes exceeded
};
inline constexpr std::size_t kRuleCount = 16;

std::string_view ruleName(Rule r);
std::optional<Rule> ruleFromName(std::string_view name);
std::vector<std::string> ruleNames();

inline constexpr std::size_t kClassCount = 4;
std::string_view className(core::ClientClass c);  // "external", "internal", ...
std::optional<core::ClientClass> classFromName(std::string_view name);

std::optional<core::Action> actionFromName(std::string_view name);  // accept..discard

// When SPF rules run: at MAIL FROM (an early reject, before any data) or at end of message.
enum class SpfStage { MailFrom, EndOfMessage };

// Actions set by one layer of the policy (defaults, a class, a domain); unset = inherit.
struct RuleSet {
  std::array<std::optional<core::Action>, kRuleCount> action{};
  std::optional<SpfStage> spfStage;
};

// Reply for a rule: SMTP code, enhanced code and a text with {placeholders}.
struct ReplyTemplate {
  std::string code;      // "550"
  std::string enhanced;  // "5.7.26"
  std::string text;
};

// Trusted forwarders and mailing lists whose DMARC failures are forgiven.
struct AllowEntry {
  std::string name;
  std::vector<core::Cidr> networks;      // client addresses (these clients are trusted_forwarder)
  std::vector<std::string> dkimDomains;  // or a passing DKIM signature with one of these d=
  core::Action dmarcAction = core::Action::Accept;  // accept or quarantine
  std::string reason;                    // policy.override value: trusted_forwarder, mailing_list, ...
  std::string origin;                    // file:line
};

struct PolicyModel {
  std::string name;         // file stem, e.g. "default"
  std::string file;         // path it was read from
  std::string description;
  RuleSet defaults;
  std::array<RuleSet, kClassCount> classes{};  // indexed by core::ClientClass
  std::map<std::string, RuleSet> domains;       // lowercased domain -> overrides
  std::array<ReplyTemplate, kRuleCount> replies{};
  ReplyTemplate internalError;
  std::vector<AllowEntry> allowlist;
  core::Action headerLimitFromConfig = core::Action::TempFail;  // limits.action
};

// The reply every policy starts from for each rule (RFC 3463 / RFC 7372 codes).
ReplyTemplate defaultReply(Rule r);
ReplyTemplate defaultInternalErrorReply();

}  // namespace vouch::policy
