// Test helpers for the policy engine: shipped policies loaded from the source tree,
// policies parsed from text, and transactions carrying exactly one kind of finding,
// named as in the test tables (the names follow the policy's rule names). Plain values;
// a policy that fails to load fails the calling test.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "config/config.h"
#include "policy/policy.h"

namespace vouch::policy::testing {

inline std::shared_ptr<const Policy> shipped(const std::string& name, std::string limitsAction = "tempfail") {
  config::Config cfg = config::Config::defaults();
  cfg.policy_dir = VOUCH_SOURCE_DIR "/policies";
  cfg.policy_name = name;
  cfg.limits_action = std::move(limitsAction);
  std::vector<config::Error> errors;
  auto p = Policy::load(cfg, errors);
  EXPECT_TRUE(errors.empty()) << errors[0].toString();
  return p;
}

inline std::shared_ptr<const Policy> fromText(const std::string& text, std::vector<config::Error>* errorsOut = nullptr) {
  std::vector<config::Error> errors;
  auto p = Policy::parse(text, "/etc/vouch/policies/t.toml", config::Config::defaults(), errors);
  if (errorsOut) {
    *errorsOut = errors;
  } else {
    EXPECT_TRUE(errors.empty()) << errors[0].toString();
  }
  return p;
}

inline core::DmarcFinding dmarc(core::Result r, std::string policy, bool testing = false) {
  core::DmarcFinding d;
  d.result = r;
  d.domain = "example.org";
  d.orgDomain = "example.org";
  d.policy = std::move(policy);
  d.publishedP = d.policy;
  d.testing = testing;
  return d;
}

inline core::SpfFinding spf(core::Result r) {
  core::SpfFinding s;
  s.result = r;
  s.identity = "mailfrom";
  s.domain = "sender.example";
  s.sender = "bob@sender.example";
  s.explanation = "not permitted";
  return s;
}

inline core::DkimFinding dkim(core::Result r, std::string domain = "example.org") {
  core::DkimFinding k;
  k.result = r;
  k.domain = std::move(domain);
  k.selector = "s1";
  k.algorithm = "rsa-sha256";
  return k;
}

// A transaction with one named finding (see the tables in policy_matrix_test.cpp).
inline core::Transaction txnWith(const std::string& finding) {
  using core::Result;
  core::Transaction t;
  t.mailFrom = "bob@sender.example";
  core::FromFinding from;
  from.addresses = {"alice@example.org"};
  from.domain = "example.org";
  from.headerCount = 1;
  auto& f = t.findings;
  f.from = from;
  if (finding == "dmarc_fail_reject") f.dmarc = dmarc(Result::Fail, "reject");
  if (finding == "dmarc_fail_quarantine") f.dmarc = dmarc(Result::Fail, "quarantine");
  if (finding == "dmarc_fail_none") f.dmarc = dmarc(Result::Fail, "none");
  if (finding == "dmarc_fail_reject_testing") f.dmarc = dmarc(Result::Fail, "reject", true);
  if (finding == "dmarc_temperror") f.dmarc = dmarc(Result::TempError, "");
  if (finding == "dmarc_permerror") f.dmarc = dmarc(Result::PermError, "");
  if (finding == "spf_fail") f.spf = spf(Result::Fail);
  if (finding == "spf_softfail") f.spf = spf(Result::SoftFail);
  if (finding == "spf_temperror") f.spf = spf(Result::TempError);
  if (finding == "spf_permerror") f.spf = spf(Result::PermError);
  if (finding == "spf_fail_dmarc_pass") {
    f.spf = spf(Result::Fail);
    f.dmarc = dmarc(Result::Pass, "reject");
    f.dkim = {dkim(Result::Pass)};
  }
  if (finding == "dkim_fail") f.dkim = {dkim(Result::Fail), dkim(Result::Fail, "other.example")};
  if (finding == "dkim_fail_one_pass") f.dkim = {dkim(Result::Fail), dkim(Result::Pass, "other.example")};
  if (finding == "from_multiple_same_domain") {
    f.from->problem = "multiple";
    f.from->headerCount = 2;
    f.from->addresses.push_back("carol@example.org");
    return t;
  }
  const std::string fromPrefix = "from_";
  if (finding.rfind(fromPrefix, 0) == 0) {
    std::string problem = finding.substr(fromPrefix.size());
    for (auto& c : problem) c = c == '_' ? '-' : c;
    f.from->problem = problem;
    // src/mail reports an author domain only when there is exactly one usable domain.
    f.from->domain.clear();
  }
  if (finding == "header_limit") t.headersTruncated = true;
  if (finding == "all_pass") {
    f.spf = spf(Result::Pass);
    f.dkim = {dkim(Result::Pass)};
    f.dmarc = dmarc(Result::Pass, "reject");
  }
  return t;
}

inline core::Connection conn(core::ClientClass cls, std::string ip = "198.51.100.7") {
  core::Connection c;
  c.clientIp = std::move(ip);
  c.clientClass = cls;
  return c;
}

}  // namespace vouch::policy::testing
