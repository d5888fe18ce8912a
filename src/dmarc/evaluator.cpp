// DMARC evaluation: policy discovery (RFC 9989 4.10.1 or RFC 7489 6.6.3), identifier
// alignment (RFC 9989 4.4 / 4.10.2), the result and the policy that applies (p, sp, np,
// pct; t=y is flagged). State lives in one call (a RecordSource); the Evaluator is immutable and
// shared. Untrusted input: findings' domains are normalised and checked before any
// lookup; every walk is bounded by max_tree_walk. Never throws for bad mail or DNS.

#include "dmarc/evaluator.h"

#include <random>

#include "dmarc/tree_walk.h"
#include "dns/names.h"

namespace vouch::dmarc {

namespace {

using core::Result;

enum class Align { No, Yes, TempError };

Policy downgrade(Policy p) { return p == Policy::Reject ? Policy::Quarantine : Policy::None; }

// What policy discovery found for the author domain.
struct Discovery {
  enum class Kind { Found, None, TempError } kind = Kind::None;
  const SiteLookup* site = nullptr;
  std::string policyDomain;
  std::string orgDomain;     // empty when it could not be determined (DNS failure)
  std::string why;
};

class Run {
 public:
  Run(const EvaluatorConfig& cfg, const std::string& author, dns::Resolver& resolver,
      dns::Deadline deadline, Prefetch* prefetch)
      : cfg_(cfg), author_(author), src_(resolver, cfg.mode, deadline, prefetch) {}

  Discovery discover() { return cfg_.mode == Mode::Rfc9989 ? discover9989() : discover7489(); }

  // Whether `identifier` aligns with the author domain under `mode`.
  Align aligned(const std::string& identifier, Alignment mode, const std::string& authorOrg) {
    const std::string x = dns::normalizeName(identifier);
    if (x.empty() || !dns::isValidName(x)) return Align::No;
    if (x == author_) return Align::Yes;
    if (mode == Alignment::Strict) return Align::No;
    if (cfg_.mode == Mode::Rfc7489) return cfg_.psl->organizationalDomain(x) == authorOrg ? Align::Yes : Align::No;
    if (authorOrg.empty()) return Align::TempError;
    // Organizational domains are ancestors-or-self, so only names under the author's
    // one can share it; others need no DNS at all.
    if (!dns::isAtOrBelow(x, authorOrg)) return Align::No;
    const WalkResult walk = treeWalk(src_, x, cfg_.maxTreeWalk);
    if (walk.tempError) return Align::TempError;
    return selectOrgDomain(x, walk) == authorOrg ? Align::Yes : Align::No;
  }

  // RFC 9989 3.2.13 / RFC 8020: NXDOMAIN for the name means it does not exist.
  dns::Status existence() {
    return src_.resolver().query(author_, dns::RrType::A, src_.deadline()).status;
  }

  std::size_t queries() const { return src_.queries(); }

 private:
  Discovery discover9989() {
    Discovery d;
    const WalkResult walk = treeWalk(src_, author_, cfg_.maxTreeWalk);
    const SiteLookup& own = src_.at(author_);  // cached by the walk
    if (own.kind == SiteLookup::Kind::TempError) {
      d.kind = Discovery::Kind::TempError;
      d.why = "DNS failure at _dmarc." + author_ + " (" + own.why + ")";
      return d;
    }
    if (!walk.tempError) d.orgDomain = selectOrgDomain(author_, walk);
    if (own.kind == SiteLookup::Kind::Record) {
      d.kind = Discovery::Kind::Found;
      d.site = &own;
      d.policyDomain = author_;
      return d;
    }
    if (walk.tempError) {
      d.kind = Discovery::Kind::TempError;
      d.why = "DNS failure at _dmarc." + walk.tempDomain;
      return d;
    }
    for (const auto& [domain, site] : walk.records) {
      if (domain == d.orgDomain) { d.site = site; d.policyDomain = domain; }
    }
    if (d.site == nullptr && !walk.records.empty() && walk.records.back().second->parsed.record.psd == Psd::Yes) {
      d.site = walk.records.back().second;  // the Public Suffix Domain's policy
      d.policyDomain = walk.records.back().first;
    }
    d.kind = d.site != nullptr ? Discovery::Kind::Found : Discovery::Kind::None;
    if (d.site == nullptr) d.why = "no DMARC record in " + std::to_string(walk.queried) + " lookups";
    return d;
  }

  Discovery discover7489() {
    Discovery d;
    d.orgDomain = cfg_.psl->organizationalDomain(author_);
    const SiteLookup* site = &src_.at(author_);
    d.policyDomain = author_;
    if (site->kind == SiteLookup::Kind::None && site->dmarcRecords > 1) {
      d.why = site->why + " at _dmarc." + author_;  // RFC 7489 6.6.3 step 3: stop
      return d;
    }
    if (site->kind == SiteLookup::Kind::None && d.orgDomain != author_) {
      site = &src_.at(d.orgDomain);
      d.policyDomain = d.orgDomain;
    }
    if (site->kind == SiteLookup::Kind::TempError) {
      d.kind = Discovery::Kind::TempError;
      d.why = "DNS failure at _dmarc." + d.policyDomain + " (" + site->why + ")";
    } else if (site->kind == SiteLookup::Kind::Record) {
      d.kind = Discovery::Kind::Found;
      d.site = site;
    } else {
      d.why = "no DMARC record";
    }
    return d;
  }

  const EvaluatorConfig& cfg_;
  const std::string& author_;
  RecordSource src_;
};

// Stateless on purpose (no shared generator to lock): pct sampling is rare, only for
// failing messages of domains publishing pct < 100.
int randomPercent() {
  std::random_device rd;
  return static_cast<int>(rd() % 100);
}

}  // namespace

std::vector<std::string> Evaluator::prefetchDomains(const std::string& author) const {
  if (config_.mode == Mode::Rfc9989) return walkTargets(author, config_.maxTreeWalk);
  std::vector<std::string> out{author};
  const std::string org = config_.psl->organizationalDomain(author);
  if (org != author) out.push_back(org);
  return out;
}

core::DmarcFinding Evaluator::evaluate(const std::string& authorDomain, const core::Findings& findings,
                                       dns::Resolver& resolver, dns::Deadline deadline, Prefetch* prefetch,
                                       const PctSampler& sampler) const {
  core::DmarcFinding f;
  const std::string author = dns::normalizeName(authorDomain);
  f.domain = author;
  f.policy = "none";
  Run run(config_, author, resolver, deadline, prefetch);
  const Discovery d = run.discover();
  f.orgDomain = d.orgDomain;
  if (d.kind == Discovery::Kind::TempError) {
    f.result = Result::TempError;
    f.reason = d.why;
    return f;
  }
  if (d.kind == Discovery::Kind::None) {
    f.result = Result::None;
    f.reason = d.why;
    return f;
  }
  f.policyDomain = d.policyDomain;
  if (d.site->parsed.status == ParseStatus::NoPolicy) {
    f.result = Result::PermError;
    f.reason = "_dmarc." + d.policyDomain + ": " + d.site->parsed.error;
    return f;
  }
  const Record& rec = d.site->parsed.record;
  f.publishedP = std::string(toString(rec.p));
  f.testing = rec.testing;

  bool sawTemp = false;
  auto consider = [&](Result r, const std::string& domain, Alignment mode, bool& alignedOut) {
    if (r != Result::Pass && r != Result::TempError) return;
    const Align a = run.aligned(domain, mode, f.orgDomain);
    if (a == Align::TempError) sawTemp = true;
    if (a == Align::Yes && r == Result::Pass) alignedOut = true;
    if (a == Align::Yes && r == Result::TempError) sawTemp = true;  // an aligned identifier in temperror
  };
  if (findings.spf) consider(findings.spf->result, findings.spf->domain, rec.aspf, f.spfAligned);
  for (const core::DkimFinding& k : findings.dkim) {
    if (k.checked) consider(k.result, k.domain, rec.adkim, f.dkimAligned);
  }

  const bool atAuthor = d.policyDomain == author;
  Policy applied = atAuthor ? rec.p : (rec.hasSp ? rec.sp : rec.p);
  std::string why = atAuthor ? "p" : (rec.hasSp ? "sp" : "p (subdomain)");
  if (f.spfAligned || f.dkimAligned) {
    f.result = Result::Pass;
    f.reason = std::string(f.dkimAligned ? "dkim" : "spf") + " aligned";
  } else if (sawTemp) {
    f.result = Result::TempError;
    f.reason = "aligned identifier in temperror, no aligned pass";
  } else {
    f.result = Result::Fail;
    f.reason = "no aligned pass";
    if (!atAuthor && rec.hasNp) {
      const dns::Status st = run.existence();
      if (st == dns::Status::ServFail || st == dns::Status::Timeout) {
        f.result = Result::TempError;
        f.reason = "DNS failure checking whether " + author + " exists";
      } else if (st == dns::Status::NxDomain) {
        applied = rec.np;
        why = "np (non-existent domain)";
      }
    }
    if (config_.mode == Mode::Rfc7489 && rec.pct < 100 && f.result == Result::Fail) {
      const int sample = sampler ? sampler() : randomPercent();
      if (sample >= rec.pct) {
        applied = downgrade(applied);
        why += ", pct=" + std::to_string(rec.pct) + " sampled out";
      }
    }
  }
  // t=y is reported (f.testing), not applied here: core::DmarcFinding::policy is the
  // policy after sp/np/pct, and the local policy softens it one step for testing.
  if (rec.testing) why += ", t=y (testing)";
  f.policy = std::string(toString(applied));
  f.reason += "; policy " + f.policy + " from " + why + " at " + d.policyDomain;
  return f;
}

}  // namespace vouch::dmarc
