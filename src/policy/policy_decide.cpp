// Policy::decide / annotate: findings -> Verdict. Each finding that a rule covers is a
// candidate; its action comes from the layers defaults < class < domain (least to most
// specific); DMARC candidates are softened by t=y / p=none (never reject) and by the
// allowlist; the most severe candidate wins. Early stages (MAIL FROM, end of headers)
// only ever reject, tempfail or discard: holding needs the end of message. Const and
// stateless per call: safe from any thread. Findings are untrusted; replies are made
// safe by renderReply.
#include <algorithm>

#include "dmarc/auth_result.h"
#include "policy/policy.h"
#include "policy/reply.h"

namespace vouch::policy {

using core::Action;
using core::Result;

struct Policy::Outcome {
  core::Verdict verdict;
  const AllowEntry* override = nullptr;  // the allowlist entry that softened DMARC
};

namespace {

int severity(Action a) {
  switch (a) {
    case Action::Continue: return -1;
    case Action::Accept: return 0;
    case Action::Quarantine: return 1;
    case Action::TempFail: return 2;
    case Action::Discard: return 3;
    case Action::Reject: return 4;
  }
  return 0;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

std::optional<Rule> fromRule(std::string_view problem) {
  if (problem.empty()) return std::nullopt;
  if (problem == "none") return Rule::FromNone;
  if (problem == "multiple") return Rule::FromMultiple;
  if (problem == "multiple-domains") return Rule::FromMultipleDomains;
  if (problem == "no-domain") return Rule::FromNoDomain;
  return Rule::FromUnparsable;  // anything else the parser could not make sense of
}

struct Candidate {
  Rule rule;
  std::string domain;   // what per-domain overrides match and {domain} shows
  std::string result;   // {result}
  std::string explanation;
  bool neverReject = false;  // DMARC t=y or p=none: the domain asked for no enforcement
};

}  // namespace

Policy::Policy(PolicyModel model) : m_(std::move(model)) {
  auto atMail = [](const RuleSet& r) { return r.spfStage == SpfStage::MailFrom; };
  spfAtMailFrom_ = atMail(m_.defaults) || std::any_of(m_.classes.begin(), m_.classes.end(), atMail) ||
                   std::any_of(m_.domains.begin(), m_.domains.end(), [&](const auto& d) { return atMail(d.second); });
}

bool Policy::needsFindings(core::Stage stage) const {
  switch (stage) {
    case core::Stage::MailFrom:
    case core::Stage::Rcpt:
      return spfAtMailFrom_;
    case core::Stage::Connect:
    case core::Stage::Helo:
    case core::Stage::EndOfHeaders:
      return false;  // collect(): header limit and From only, never SPF
    case core::Stage::EndOfMessage:
      return true;
  }
  return true;
}

core::ClientClass Policy::classOf(const core::Connection& conn) const {
  if (conn.clientClass != core::ClientClass::External) return conn.clientClass;
  const auto ip = core::IpAddress::parse(conn.clientIp);
  if (!ip) return conn.clientClass;
  for (const auto& a : m_.allowlist) {
    for (const auto& n : a.networks) {
      if (n.contains(*ip)) return core::ClientClass::TrustedForwarder;
    }
  }
  return conn.clientClass;
}

Action Policy::actionFor(Rule r, core::ClientClass cls, std::string_view domain) const {
  const auto i = static_cast<std::size_t>(r);
  Action a = m_.defaults.action[i].value_or(Action::Accept);
  if (auto c = m_.classes[static_cast<std::size_t>(cls)].action[i]) a = *c;
  // Parent domains first, so "lists.example.org" beats "example.org".
  const std::string d = lower(domain);
  std::vector<std::string> suffixes;  // "a.b.org", "b.org", "org"
  for (std::size_t pos = 0; !d.empty();) {
    suffixes.push_back(d.substr(pos));
    pos = d.find('.', pos);
    if (pos == std::string::npos) break;
    ++pos;
  }
  for (auto it = suffixes.rbegin(); it != suffixes.rend(); ++it) {
    auto found = m_.domains.find(*it);
    if (found != m_.domains.end() && found->second.action[i]) a = *found->second.action[i];
  }
  return a;
}

SpfStage Policy::spfStageFor(core::ClientClass cls, std::string_view domain) const {
  SpfStage s = m_.defaults.spfStage.value_or(SpfStage::EndOfMessage);
  if (auto c = m_.classes[static_cast<std::size_t>(cls)].spfStage) s = *c;
  auto found = m_.domains.find(lower(domain));
  if (found != m_.domains.end() && found->second.spfStage) s = *found->second.spfStage;
  return s;
}

core::Reply Policy::internalErrorReply() const {
  return renderReply(m_.internalError, Action::TempFail, {});
}

namespace {

struct StageKind {
  bool mailFrom, eoh, eom;
};

// The findings of this stage that some rule covers, in a fixed order.
std::vector<Candidate> collect(const Policy& p, StageKind st, core::ClientClass cls, const core::Transaction& txn) {
  const auto& f = txn.findings;
  const bool dmarcPass = f.dmarc && f.dmarc->result == Result::Pass;
  std::vector<Candidate> cands;
  if ((st.eoh || st.eom) && txn.headersTruncated) {
    cands.push_back({Rule::HeaderLimit, f.from ? f.from->domain : "", "exceeded", ""});
  }
  if ((st.eoh || st.eom) && f.from) {
    // Several From headers whose addresses all share one domain are not a problem for
    // the policy: DMARC evaluates that domain (RFC 9989 / RFC 7489 6.6.1).
    const bool oneDomain = f.from->problem == "multiple" && !f.from->domain.empty();
    if (auto r = fromRule(f.from->problem); r && !oneDomain) {
      cands.push_back({*r, f.from->domain, f.from->problem, ""});
    }
  }
  if (st.eom && f.dmarc) {
    const auto& d = *f.dmarc;
    std::string policy = lower(d.policy);
    if (d.testing) policy = policy == "reject" ? "quarantine" : "none";  // t=y: one step softer
    if (d.result == Result::Fail) {
      const Rule r = policy == "reject" ? Rule::DmarcReject : policy == "quarantine" ? Rule::DmarcQuarantine : Rule::DmarcNone;
      cands.push_back({r, d.domain, "fail", d.reason, d.testing || r == Rule::DmarcNone});
    } else if (d.result == Result::TempError) {
      cands.push_back({Rule::DmarcTempError, d.domain, "temperror", d.reason});
    } else if (d.result == Result::PermError) {
      cands.push_back({Rule::DmarcPermError, d.domain, "permerror", d.reason});
    }
  }
  if (f.spf && (st.mailFrom || st.eom)) {
    const auto& s = *f.spf;
    // At end of message a DMARC pass means the author domain is authenticated, so the
    // SPF rule only judges what DMARC did not vouch for.
    const bool applies = p.spfStageFor(cls, s.domain) == SpfStage::MailFrom || (st.eom && !dmarcPass);
    std::optional<Rule> r;
    if (s.result == Result::Fail) r = Rule::SpfFail;
    if (s.result == Result::SoftFail) r = Rule::SpfSoftFail;
    if (s.result == Result::TempError) r = Rule::SpfTempError;
    if (s.result == Result::PermError) r = Rule::SpfPermError;
    // No exp= text published: say what the evaluation found rather than "unknown".
    const std::string& why = s.explanation.empty() ? s.reason : s.explanation;
    if (r && applies) cands.push_back({*r, s.domain, std::string(core::toString(s.result)), why});
  }
  if (st.eom && !dmarcPass && !f.dkim.empty()) {
    bool pass = false, fail = false;
    for (const auto& k : f.dkim) {
      if (!k.checked) continue;
      pass = pass || k.result == Result::Pass;
      fail = fail || k.result == Result::Fail;
    }
    if (fail && !pass) cands.push_back({Rule::DkimFail, f.from ? f.from->domain : "", "fail", ""});
  }
  return cands;
}

// The first allowlist entry matching the client address or a passing DKIM signature.
const AllowEntry* allowMatch(const PolicyModel& m, const core::Connection& conn, const core::Findings& f) {
  const auto ip = core::IpAddress::parse(conn.clientIp);
  for (const auto& e : m.allowlist) {
    for (const auto& n : e.networks) {
      if (ip && n.contains(*ip)) return &e;
    }
    for (const auto& k : f.dkim) {
      if (!k.checked || k.result != Result::Pass) continue;
      const std::string kd = lower(k.domain);
      for (const auto& d : e.dkimDomains) {
        if (kd == d) return &e;
      }
    }
  }
  return nullptr;
}

}  // namespace

Policy::Outcome Policy::evaluate(core::Stage stage, const core::Connection& conn,
                                 const core::Transaction& txn) const {
  Outcome best;
  if (txn.outbound) return best;  // outbound mail is signed, never judged
  const StageKind st{stage == core::Stage::MailFrom || stage == core::Stage::Rcpt,
                     stage == core::Stage::EndOfHeaders, stage == core::Stage::EndOfMessage};
  if (!st.eom && !st.mailFrom && !st.eoh) return best;

  const auto cls = classOf(conn);
  const auto& f = txn.findings;
  for (const auto& c : collect(*this, st, cls, txn)) {
    Action a = actionFor(c.rule, cls, c.domain);
    if (c.neverReject && severity(a) > severity(Action::Quarantine)) a = Action::Quarantine;
    const bool dmarcFail = c.rule == Rule::DmarcReject || c.rule == Rule::DmarcQuarantine || c.rule == Rule::DmarcNone;
    if (dmarcFail && a != Action::Accept) {
      const AllowEntry* e = allowMatch(m_, conn, f);
      if (e && severity(e->dmarcAction) < severity(a)) {
        a = e->dmarcAction;
        best.override = e;
      }
    }
    // Holding (and accepting) needs the end of message; earlier only refusals act.
    if (!st.eom && a != Action::Reject && a != Action::TempFail && a != Action::Discard) continue;
    if (severity(a) <= severity(best.verdict.action)) continue;
    core::Verdict v;
    v.action = a;
    const std::map<std::string, std::string> vars = {
        {"domain", c.domain}, {"result", c.result}, {"explanation", c.explanation},
        {"client_ip", conn.clientIp}, {"policy", f.dmarc ? f.dmarc->policy : ""}};
    v.reply = renderReply(m_.replies[static_cast<std::size_t>(c.rule)], a, vars);
    v.reason = safeText(std::string(ruleName(c.rule)) + " " + c.result +
                            (c.domain.empty() ? "" : " domain=" + c.domain) + " policy=" + m_.name,
                        200);
    best.verdict = std::move(v);
  }
  // Nothing objected: at end of message that is an explicit accept, earlier no decision.
  if (st.eom && best.verdict.action == Action::Continue) best.verdict.action = Action::Accept;
  return best;
}

core::Verdict Policy::decide(core::Stage stage, const core::Connection& conn,
                             const core::Transaction& txn) const {
  return evaluate(stage, conn, txn).verdict;
}

void Policy::annotate(const core::Connection& conn, core::Transaction& txn) const {
  if (txn.outbound || !txn.findings.dmarc) return;
  const Outcome o = evaluate(core::Stage::EndOfMessage, conn, txn);
  const Action done = txn.verdict.decided() ? txn.verdict.action : o.verdict.action;
  txn.findings.dmarc->disposition = done == Action::Reject ? "reject" : done == Action::Quarantine ? "quarantine" : "none";
  // The dmarc check rendered its entry before the verdict existed; re-render it so that
  // dis= says what was actually done (e.g. none under the monitor policy).
  const auto& rs = txn.authResults.results();
  if (std::any_of(rs.begin(), rs.end(), [](const core::MethodResult& r) { return r.method == "dmarc"; })) {
    dmarc::updateAuthResults(txn.authResults, *txn.findings.dmarc);
  }
  if (!o.override) return;
  // AuthResults has no in-place edit: rebuild it with the dmarc entry annotated.
  core::AuthResults rebuilt(txn.authResults.authservId());
  for (auto r : txn.authResults.results()) {
    if (r.method == "dmarc") {
      r.properties.push_back({"policy", "override", o.override->reason});
      const std::string note = "allowlist " + safeText(o.override->name, 64);
      r.comment = r.comment.empty() ? note : r.comment + "; " + note;
    }
    rebuilt.add(std::move(r));
  }
  txn.authResults = std::move(rebuilt);
}

}  // namespace vouch::policy
