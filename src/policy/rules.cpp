// Names of rules, classes and actions as written in policies/*.toml, and the default
// reply of each rule. Stateless tables; safe from any thread. Enhanced codes follow
// RFC 7372 where it has one (5.7.23 SPF fail, 4.7.24 SPF error, 5.7.20 no passing DKIM
// signature, 5.7.26 several checks failed = DMARC) and RFC 3463 otherwise.
#include "policy/rules.h"

namespace vouch::policy {
namespace {

constexpr std::array<std::string_view, kRuleCount> kRuleNames = {
    "dmarc_reject", "dmarc_quarantine", "dmarc_none",      "dmarc_temperror",
    "dmarc_permerror", "spf_fail",       "spf_softfail",    "spf_temperror",
    "spf_permerror",   "dkim_fail",      "from_none",       "from_multiple",
    "from_multiple_domains", "from_no_domain", "from_unparsable", "header_limit",
};

constexpr std::array<std::string_view, kClassCount> kClassNames = {
    "external", "internal", "authenticated", "trusted_forwarder"};

}  // namespace

std::string_view ruleName(Rule r) { return kRuleNames[static_cast<std::size_t>(r)]; }

std::optional<Rule> ruleFromName(std::string_view name) {
  for (std::size_t i = 0; i < kRuleCount; ++i) {
    if (kRuleNames[i] == name) return static_cast<Rule>(i);
  }
  return std::nullopt;
}

std::vector<std::string> ruleNames() { return {kRuleNames.begin(), kRuleNames.end()}; }

std::string_view className(core::ClientClass c) { return kClassNames[static_cast<std::size_t>(c)]; }

std::optional<core::ClientClass> classFromName(std::string_view name) {
  for (std::size_t i = 0; i < kClassCount; ++i) {
    if (kClassNames[i] == name) return static_cast<core::ClientClass>(i);
  }
  return std::nullopt;
}

std::optional<core::Action> actionFromName(std::string_view name) {
  if (name == "accept") return core::Action::Accept;
  if (name == "quarantine") return core::Action::Quarantine;
  if (name == "tempfail") return core::Action::TempFail;
  if (name == "reject") return core::Action::Reject;
  if (name == "discard") return core::Action::Discard;
  return std::nullopt;
}

ReplyTemplate defaultReply(Rule r) {
  switch (r) {
    // X.7.26 "multiple authentication checks failed": DMARC fails only when SPF and DKIM
    // both fail to give an aligned pass; large receivers use it for DMARC rejects too.
    case Rule::DmarcReject:
    case Rule::DmarcQuarantine:
    case Rule::DmarcNone:
      return {"550", "5.7.26", "Unauthenticated mail from {domain} is refused by its DMARC policy ({policy})"};
    // X.7.0 "other or undefined security status": RFC 7372 has no DMARC-error code,
    // X.7.24 is SPF's own, and X.7.26 says the checks failed, which a DNS error is not.
    case Rule::DmarcTempError:
      return {"451", "4.7.0", "DMARC check of {domain} could not be completed (DNS error); try again later"};
    case Rule::DmarcPermError:
      return {"550", "5.7.0", "The DMARC record of {domain} is invalid"};
    case Rule::SpfFail:
    case Rule::SpfSoftFail:
      return {"550", "5.7.23", "SPF check failed for {domain} from {client_ip}: {explanation}"};
    case Rule::SpfTempError:
      return {"451", "4.7.24", "SPF check of {domain} could not be completed (DNS error); try again later"};
    case Rule::SpfPermError:
      return {"550", "5.7.24", "The SPF record of {domain} is invalid"};
    case Rule::DkimFail:
      return {"550", "5.7.20", "No valid DKIM signature found"};
    case Rule::FromNone:
      return {"550", "5.7.1", "Message has no From header"};
    case Rule::FromMultiple:
      return {"550", "5.7.1", "Message has more than one From header"};
    case Rule::FromMultipleDomains:
      return {"550", "5.7.1", "From header names authors in more than one domain"};
    case Rule::FromNoDomain:
      return {"550", "5.7.1", "From header has an address without a domain"};
    case Rule::FromUnparsable:
      return {"550", "5.7.1", "From header cannot be parsed"};
    // X.3.4 "message too big for system": the header section exceeded our limits.
    case Rule::HeaderLimit:
      return {"552", "5.3.4", "Message header section is too large"};
  }
  return {"550", "5.7.0", "Message refused by local policy"};
}

ReplyTemplate defaultInternalErrorReply() {
  return {"451", "4.3.0", "Temporary authentication failure; try again later"};
}

}  // namespace vouch::policy
