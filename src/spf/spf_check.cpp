// SpfCheck and its factory (see spf_check.h). Identities come from the MTA and are
// untrusted; the engine bounds and validates them. The HELO result is kept in
// findings.spfHelo; findings.spf holds the identity that decides (MAIL FROM, or HELO for
// the null sender), which is also the one Authentication-Results reports. Evaluations
// run on the pool and capture only values and the shared engine, so a check (or its
// connection) may go away while they finish.
#include "spf/spf_check.h"

#include <unistd.h>

#include <algorithm>
#include <future>
#include <optional>

#include "spf/received_spf.h"

namespace vouch::spf {
namespace {

std::string hostName() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "localhost";
  return buf;
}

}  // namespace

std::shared_ptr<const core::CheckFactory> SpfCheckFactory::create(const config::Config& cfg,
                                                                  std::shared_ptr<dns::Resolver> resolver,
                                                                  std::vector<config::Error>& errors) {
  if (!cfg.spf_enabled) return nullptr;
  auto engine = makeEngine(cfg.spf_engine, std::move(resolver), Limits::fromConfig(cfg));
  if (!engine) {
    errors.push_back({cfg.mainFile, 0, "spf.engine: cannot use engine \"" + cfg.spf_engine + "\""});
    return nullptr;
  }
  CheckSettings s;
  s.checkHelo = cfg.spf_check_helo;
  s.judgeOutbound = cfg.judge_outbound;
  s.receivedSpf = cfg.spf_received_spf;
  s.receiver = cfg.authserv_id.empty() ? hostName() : cfg.authserv_id;
  s.timeBudget = std::chrono::milliseconds(cfg.spf_time_budget_ms);
  return std::make_shared<SpfCheckFactory>(std::move(engine), std::move(s));
}

std::unique_ptr<core::Check> SpfCheckFactory::makeCheck() const {
  return std::make_unique<SpfCheck>(engine_, settings_, pool_);
}

SpfCheck::Future SpfCheck::evaluate(const core::IpAddress& ip, const std::string& sender,
                                    const std::string& helo) {
  std::string key = ip.toString() + '\0' + sender + '\0' + helo;
  auto it = std::find_if(cache_.begin(), cache_.end(), [&](const CacheEntry& e) { return e.key == key; });
  if (it != cache_.end()) return it->outcome;
  if (cache_.size() >= kCacheSize) cache_.erase(cache_.begin());
  // The budget starts now, as it did when the evaluation ran here.
  const dns::Deadline deadline = dns::Clock::now() + settings_.timeBudget;
  ++evaluations_;
  Request req{ip, sender, helo, settings_.receiver, 0};
  Future f;
  if (std::optional<Outcome> known = engine_->checkInline(req, deadline)) {
    // Every answer was in memory: done here, cheaper than a hand-off to the pool.
    std::promise<Outcome> ready;
    ready.set_value(std::move(*known));
    f = ready.get_future().share();
  } else {
    f = pool_->submit([engine = engine_, req = std::move(req), deadline] { return engine->check(req, deadline); });
  }
  cache_.push_back({std::move(key), f});
  return f;
}

Outcome SpfCheck::join(const Future& f) {
  try {
    return f.get();
  } catch (...) {
    cache_.clear();  // engines do not throw; if one did, never serve that again
    throw;
  }
}

core::SpfFinding SpfCheck::finding(const Outcome& o, std::string_view identity) const {
  core::SpfFinding f;
  f.result = o.result;
  f.identity = std::string(identity);
  f.domain = o.domain;
  f.sender = o.sender;
  f.explanation = o.explanation;
  f.reason = o.reason;
  return f;
}

// A finding for an identity that could not be checked: result none, with the reason.
core::SpfFinding SpfCheck::unchecked(const std::string& sender, std::string_view identity,
                                     std::string reason) const {
  Outcome o;
  std::string localPart;
  if (!sender.empty()) splitSender(sender, localPart, o.domain);
  o.sender = sender.empty() ? std::string() : localPart + "@" + o.domain;
  o.reason = std::move(reason);
  return finding(o, identity);
}

core::Flow SpfCheck::onMailFrom(core::Connection& conn, core::Transaction& txn) {
  pending_.reset();  // a message that ended without settling: its answers are not ours
  if (txn.outbound && !settings_.judgeOutbound) return core::Flow::Continue;
  const bool nullSender = txn.mailFrom.empty();
  auto ip = core::IpAddress::parse(conn.clientIp);
  if (!ip) {
    const std::string heloSender = conn.helo.empty() ? std::string() : "postmaster@" + conn.helo;
    txn.findings.spf = unchecked(nullSender ? heloSender : txn.mailFrom, nullSender ? "helo" : "mailfrom",
                                 "client IP unknown");
    record(txn, nullSender, conn.helo);
    return core::Flow::Continue;
  }
  Pending p;
  p.message = conn.messages;
  p.nullSender = nullSender;
  p.helo = conn.helo;
  if (!conn.helo.empty() && (settings_.checkHelo || nullSender)) {
    p.heloOutcome = evaluate(*ip, "postmaster@" + conn.helo, conn.helo);
  }
  if (!nullSender) p.mailOutcome = evaluate(*ip, txn.mailFrom, conn.helo);
  pending_ = std::move(p);
  return core::Flow::Continue;
}

void SpfCheck::settle(core::Connection& conn, core::Transaction& txn) {
  if (!pending_) return;
  Pending p = std::move(*pending_);
  pending_.reset();
  // Started for an earlier message (this one stopped before our onMailFrom ran).
  if (p.message != conn.messages) return;
  if (p.heloOutcome) txn.findings.spfHelo = finding(join(*p.heloOutcome), "helo");
  if (p.mailOutcome) {
    txn.findings.spf = finding(join(*p.mailOutcome), "mailfrom");
  } else if (txn.findings.spfHelo) {
    txn.findings.spf = txn.findings.spfHelo;
  } else {
    txn.findings.spf = unchecked({}, "helo", "null sender and no HELO");
  }
  record(txn, p.nullSender, p.helo);
}

// The Authentication-Results entry for txn.findings.spf.
void SpfCheck::record(core::Transaction& txn, bool nullSender, const std::string& helo) const {
  core::MethodResult ar;
  ar.method = "spf";
  ar.result = txn.findings.spf->result;
  if (!nullSender) {
    ar.properties.push_back({"smtp", "mailfrom", txn.findings.spf->sender});
  } else if (!helo.empty()) {
    ar.properties.push_back({"smtp", "helo", helo});
  }
  if (ar.result == core::Result::TempError || ar.result == core::Result::PermError) {
    ar.reason = txn.findings.spf->reason;
  }
  txn.authResults.add(std::move(ar));
}

core::Flow SpfCheck::onEndOfMessage(core::Connection& conn, core::Transaction& txn, core::Actions& actions) {
  settle(conn, txn);  // the Session settled already; this keeps the check whole on its own
  if (settings_.receivedSpf && txn.findings.spf) {
    actions.insertHeaderTop("Received-SPF",
                            receivedSpfValue(*txn.findings.spf, conn.clientIp, conn.helo, settings_.receiver));
  }
  return core::Flow::Continue;
}

}  // namespace vouch::spf
