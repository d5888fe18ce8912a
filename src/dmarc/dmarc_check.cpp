// DmarcCheck and its factory. The factory owns what a config snapshot shares (the
// Evaluator with its Public Suffix List, the resolver, the limits); each check owns the
// lookups prefetched for its current message, cleared at MAIL FROM and abort. Headers
// are untrusted: From goes through the strict parser, several author domains are each
// evaluated (bounded) and the strictest outcome kept, so adding a second address can
// never weaken the verdict.

#include "dmarc/dmarc_check.h"

#include <algorithm>
#include <chrono>

#include "dmarc/auth_result.h"
#include "dmarc/evaluator.h"
#include "mail/from_header.h"
#include "mail/header_unfold.h"

namespace vouch::dmarc {

namespace {

// Higher is stricter; the outcome kept when a From names several domains.
int severity(const core::DmarcFinding& f) {
  switch (f.result) {
    case core::Result::Fail:
      return f.policy == "reject" ? 7 : f.policy == "quarantine" ? 6 : 5;
    case core::Result::TempError: return 4;
    case core::Result::PermError: return 3;
    case core::Result::None: return 2;
    default: return 1;
  }
}

struct Shared {
  Evaluator evaluator;
  std::shared_ptr<dns::Resolver> resolver;
  bool enabled;
  bool judgeOutbound;
  std::size_t maxAuthorDomains;
  std::chrono::milliseconds deadline;
};

class DmarcCheck final : public core::Check {
 public:
  explicit DmarcCheck(std::shared_ptr<const Shared> shared) : shared_(std::move(shared)) {}

  std::string_view name() const override { return "dmarc"; }

  core::Flow onMailFrom(core::Connection&, core::Transaction&) override {
    reset();
    return core::Flow::Continue;
  }
  void onAbort(core::Connection&, core::Transaction&) override { reset(); }

  core::Flow onHeader(core::Connection&, core::Transaction& txn, const core::Header& h) override {
    if (prefetched_ || !judged(txn) || !shared_->enabled) return core::Flow::Continue;
    if (!mail::headerNameEquals(mail::trimWsp(h.name), "From")) return core::Flow::Continue;
    prefetched_ = true;
    const mail::FromAnalysis a = mail::analyzeFromValues({h.value});
    if (a.domains.size() != 1) return core::Flow::Continue;  // unusual: resolved at the end
    for (const std::string& d : shared_->evaluator.prefetchDomains(a.domains.front())) {
      prefetch_.start(*shared_->resolver, d);
    }
    return core::Flow::Continue;
  }

  core::Flow onEndOfMessage(core::Connection&, core::Transaction& txn, core::Actions&) override {
    if (!judged(txn)) return core::Flow::Continue;
    const mail::FromAnalysis from = mail::analyzeFrom(txn.headers);
    txn.findings.from = from.finding;
    if (!from.finding.problem.empty()) txn.findings.notes.push_back("From: " + from.finding.problem + ": " + from.detail);
    if (!shared_->enabled) return core::Flow::Continue;
    core::DmarcFinding finding = evaluate(from, txn.findings);
    txn.authResults.add(toMethodResult(finding));
    txn.findings.dmarc = std::move(finding);
    reset();
    return core::Flow::Continue;
  }

 private:
  bool judged(const core::Transaction& txn) const { return !txn.outbound || shared_->judgeOutbound; }
  void reset() {
    prefetch_.clear();
    prefetched_ = false;
  }

  core::DmarcFinding evaluate(const mail::FromAnalysis& from, const core::Findings& findings) {
    // Parsed domains, plus what a lenient reader could take from an unparsable From:
    // each is judged and the strictest outcome kept.
    std::vector<std::string> domains = from.domains;
    for (const std::string& d : from.suspectDomains) {
      if (std::find(domains.begin(), domains.end(), d) == domains.end()) domains.push_back(d);
    }
    const bool noAuthor = from.finding.problem == "none" || from.finding.problem == "no-domain";
    if (domains.empty() || noAuthor || domains.size() > shared_->maxAuthorDomains) {
      core::DmarcFinding f;
      f.result = core::Result::PermError;
      f.policy = "none";
      f.domain = from.finding.domain;
      f.reason = domains.size() > shared_->maxAuthorDomains
                     ? std::to_string(domains.size()) + " author domains, more than dmarc.max_author_domains"
                     : "no usable RFC5322.From domain (" + from.finding.problem + ")";
      return f;
    }
    const auto deadline = dns::Clock::now() + shared_->deadline;
    core::DmarcFinding worst;
    bool first = true;
    for (const std::string& domain : domains) {
      core::DmarcFinding f = shared_->evaluator.evaluate(domain, findings, *shared_->resolver, deadline, &prefetch_);
      if (first || severity(f) > severity(worst)) worst = std::move(f);
      first = false;
    }
    if (from.finding.problem == "unparsable") worst.reason = "From unparsable, strictest of its domains: " + worst.reason;
    return worst;
  }

  std::shared_ptr<const Shared> shared_;
  Prefetch prefetch_;
  bool prefetched_ = false;
};

class Factory final : public core::CheckFactory {
 public:
  explicit Factory(std::shared_ptr<const Shared> shared) : shared_(std::move(shared)) {}
  std::unique_ptr<core::Check> makeCheck() const override { return std::make_unique<DmarcCheck>(shared_); }

 private:
  std::shared_ptr<const Shared> shared_;
};

}  // namespace

std::shared_ptr<const core::CheckFactory> DmarcCheckFactory::create(const config::Config& config,
                                                                    std::shared_ptr<dns::Resolver> resolver,
                                                                    std::vector<config::Error>& errors) {
  EvaluatorConfig ec;
  ec.mode = config.dmarc_mode == "rfc7489" ? Mode::Rfc7489 : Mode::Rfc9989;
  ec.maxTreeWalk = static_cast<std::size_t>(config.dmarc_max_tree_walk);
  if (ec.mode == Mode::Rfc7489 && config.dmarc_enabled) {
    std::string error;
    ec.psl = PublicSuffixList::load(config.dmarc_psl_file, error);
    if (!ec.psl) {
      errors.push_back(config::Error{config.mainFile, 0, "dmarc.psl_file: " + error});
      return nullptr;
    }
  }
  if (!resolver) {
    errors.push_back(config::Error{config.mainFile, 0, "dmarc: no DNS resolver"});
    return nullptr;
  }
  auto shared = std::make_shared<const Shared>(Shared{Evaluator(std::move(ec)), std::move(resolver), config.dmarc_enabled,
                                                      config.judge_outbound,
                                                      static_cast<std::size_t>(config.dmarc_max_author_domains),
                                                      std::chrono::milliseconds(config.dns_deadline_ms)});
  return std::make_shared<Factory>(std::move(shared));
}

}  // namespace vouch::dmarc
