// Evaluation: the state of one check_host() run (counters, deadline, cached PTR
// validation), private to src/spf. Created on the caller's stack by Evaluator::check and
// used by one thread. Every DNS answer is untrusted; every failure becomes a Result
// (temperror/permerror) carried back up in a HostResult, never an exception.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "spf/evaluator.h"
#include "spf/record.h"

namespace vouch::spf::detail {

struct HostResult {
  core::Result result = core::Result::None;
  std::string reason;
  std::string explanation;
  std::string mechanism;
};

class Evaluation {
 public:
  Evaluation(dns::Resolver& resolver, const Limits& limits, const Request& request,
             dns::Deadline deadline);
  Outcome run();

 private:
  enum class Match { No, Yes, TempError, PermError };
  struct MatchResult {
    Match match = Match::No;
    std::string why;  // for errors
  };

  // evaluator.cpp: records, include/redirect, explanations
  HostResult checkHost(const std::string& domain, bool inInclude);
  HostResult fetchRecord(const std::string& domain, std::optional<Record>& record);
  HostResult evaluateRecord(const Record& record, const std::string& domain, bool inInclude);
  MatchResult matchInclude(const Mechanism& m, const std::string& domain);
  std::string explain(const Record& record, const std::string& domain);

  // mechanisms.cpp: one function per mechanism, DNS with counters
  MatchResult matchMechanism(const Mechanism& m, const std::string& domain);
  // countVoid: false for the address lookups of MX names (only the MX query is a term).
  MatchResult matchAddresses(const std::string& name, unsigned cidr4, unsigned cidr6, bool countVoid);
  MatchResult matchMx(const Mechanism& m, const std::string& domain);
  MatchResult matchPtr(const Mechanism& m, const std::string& domain);
  MatchResult matchExists(const Mechanism& m, const std::string& domain);
  // `name` is raw label bytes; it is escaped for the resolver here.
  dns::Answer query(const std::string& name, dns::RrType type);
  bool voidLimitExceeded(const dns::Answer& answer);
  const std::vector<std::string>& validatedNames();
  std::string validatedNameFor(const std::string& domain);
  std::string target(const Mechanism& m, const std::string& domain);
  std::string expandDomain(const MacroString& macro, const std::string& domain);
  MacroContext context(const std::string& domain);

  dns::Resolver& resolver_;
  const Limits& limits_;
  const Request& request_;
  core::IpAddress ip_;  // the client, IPv4-mapped IPv6 unmapped
  dns::Deadline deadline_;
  std::string sender_;
  std::string localPart_;
  std::string senderDomain_;
  std::int64_t now_ = 0;
  Outcome out_;
  bool ptrEmpty_ = false;                                // the client's PTR query was void
  std::optional<std::vector<std::string>> validated_;    // %{p} / ptr, computed once
};

}  // namespace vouch::spf::detail
