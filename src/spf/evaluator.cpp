// check_host() proper (RFC 7208 sections 4, 5.2, 6): record lookup and selection, the
// left-to-right walk over mechanisms, include/redirect recursion under one shared DNS
// term budget, and the exp= explanation. State lives in one Evaluation per call, so an
// Evaluator is shareable across threads. Untrusted DNS text; errors are Result values.
#include <algorithm>
#include <ctime>

#include "config/config.h"
#include "spf/evaluation.h"

namespace vouch::spf {

using core::Result;

Limits Limits::fromConfig(const config::Config& cfg) {
  Limits l;
  l.maxDnsTerms = static_cast<unsigned>(cfg.spf_max_dns_terms);
  l.maxVoidLookups = static_cast<unsigned>(cfg.spf_max_void_lookups);
  l.maxMxNames = static_cast<unsigned>(cfg.spf_max_mx_names);
  l.maxPtrNames = static_cast<unsigned>(cfg.spf_max_ptr_names);
  l.timeBudget = std::chrono::milliseconds(cfg.spf_time_budget_ms);
  l.explanationMax = static_cast<std::size_t>(cfg.spf_explanation_max);
  return l;
}

std::string safeReason(std::string_view text) {
  std::string out(text.substr(0, kMaxReason));
  for (char& c : out) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e) c = '?';
  }
  return out;
}

void splitSender(std::string_view sender, std::string& localPart, std::string& domain) {
  auto at = sender.rfind('@');
  if (at == std::string_view::npos) {
    localPart = "postmaster";
    domain = std::string(sender);
    return;
  }
  localPart = std::string(sender.substr(0, at));
  domain = std::string(sender.substr(at + 1));
  if (localPart.empty()) localPart = "postmaster";
}

Outcome Evaluator::check(const Request& request, dns::Deadline deadline) const {
  auto budget = dns::Clock::now() + limits_.timeBudget;
  detail::Evaluation ev(resolver_, limits_, request, std::min(deadline, budget));
  return ev.run();
}

namespace detail {
namespace {

Result resultOf(Qualifier q) {
  switch (q) {
    case Qualifier::Pass: return Result::Pass;
    case Qualifier::Fail: return Result::Fail;
    case Qualifier::SoftFail: return Result::SoftFail;
    case Qualifier::Neutral: return Result::Neutral;
  }
  return Result::Neutral;
}

bool isAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// ::ffff:a.b.c.d is an IPv4 client (RFC 7208 5: "IPv4-mapped IPv6" are IPv4 here).
core::IpAddress unmapped(const core::IpAddress& ip) {
  if (!ip.v6) return ip;
  for (std::size_t i = 0; i < 10; ++i) {
    if (ip.bytes[i] != 0) return ip;
  }
  if (ip.bytes[10] != 0xff || ip.bytes[11] != 0xff) return ip;
  core::IpAddress v4;
  for (std::size_t i = 0; i < 4; ++i) v4.bytes[i] = ip.bytes[12 + i];
  return v4;
}

}  // namespace

Evaluation::Evaluation(dns::Resolver& resolver, const Limits& limits, const Request& request,
                       dns::Deadline deadline)
    : resolver_(resolver), limits_(limits), request_(request), ip_(unmapped(request.ip)),
      deadline_(deadline) {
  sender_ = request.sender.empty() ? "postmaster@" + request.helo : request.sender;
  splitSender(sender_, localPart_, senderDomain_);
  if (!senderDomain_.empty() && senderDomain_.back() == '.') senderDomain_.pop_back();
  sender_ = localPart_ + "@" + senderDomain_;
  now_ = request.now != 0 ? request.now : static_cast<std::int64_t>(std::time(nullptr));
}

Outcome Evaluation::run() {
  out_.domain = senderDomain_;
  out_.sender = sender_;
  // A domain literal or a name that is not a multi-label domain has no SPF (4.3).
  if (senderDomain_.empty() || senderDomain_.front() == '[' || !isValidDomain(senderDomain_)) {
    out_.result = Result::None;
    out_.reason = "not a valid domain name";
    return out_;
  }
  HostResult r = checkHost(senderDomain_, false);
  out_.result = r.result;
  out_.reason = safeReason(r.reason);
  out_.explanation = std::move(r.explanation);
  out_.mechanism = safeReason(r.mechanism);
  return out_;
}

HostResult Evaluation::checkHost(const std::string& domain, bool inInclude) {
  if (!isValidDomain(domain)) return {Result::None, "invalid domain " + domain, {}, {}};
  std::optional<Record> record;
  HostResult failure = fetchRecord(domain, record);
  if (!record) return failure;
  return evaluateRecord(*record, domain, inInclude);
}

HostResult Evaluation::fetchRecord(const std::string& domain, std::optional<Record>& record) {
  dns::Answer a = query(domain, dns::RrType::TXT);
  if (a.temporary()) {
    return {Result::TempError, "DNS " + std::string(dns::toString(a.status)) + " for TXT " + domain, {}, {}};
  }
  if (!a.ok()) return {Result::None, "no SPF record at " + domain, {}, {}};
  const dns::Record* found = nullptr;
  for (const auto& rr : a.records) {
    if (!isSpfRecord(rr.text)) continue;
    if (found) return {Result::PermError, "more than one SPF record at " + domain, {}, {}};
    found = &rr;
  }
  if (!found) return {Result::None, "no SPF record at " + domain, {}, {}};
  ParsedRecord parsed = parseRecord(found->text);
  if (!parsed.record) return {Result::PermError, "syntax error at " + domain + ": " + parsed.error, {}, {}};
  record = std::move(parsed.record);
  return {};
}

HostResult Evaluation::evaluateRecord(const Record& record, const std::string& domain, bool inInclude) {
  for (const auto& m : record.mechanisms) {
    if (m.queriesDns() && ++out_.dnsTerms > limits_.maxDnsTerms) {
      return {Result::PermError, "too many DNS-querying terms (limit " +
                                     std::to_string(limits_.maxDnsTerms) + ")", {}, m.text};
    }
    MatchResult mr = matchMechanism(m, domain);
    switch (mr.match) {
      case Match::No: continue;
      case Match::TempError: return {Result::TempError, mr.why, {}, m.text};
      case Match::PermError: return {Result::PermError, mr.why, {}, m.text};
      case Match::Yes: break;
    }
    HostResult r{resultOf(m.qualifier), "matched " + m.text + " at " + domain, {}, m.text};
    if (r.result == Result::Fail && !inInclude) r.explanation = explain(record, domain);
    return r;
  }
  if (record.redirect && !record.hasAll) {
    if (++out_.dnsTerms > limits_.maxDnsTerms) {
      return {Result::PermError, "too many DNS-querying terms (limit " +
                                     std::to_string(limits_.maxDnsTerms) + ")", {}, "redirect"};
    }
    std::string target = expandDomain(*record.redirect, domain);
    HostResult r = checkHost(target, inInclude);
    if (r.result == Result::None) {
      return {Result::PermError, "redirect=" + target + " has no SPF record", {}, "redirect"};
    }
    return r;
  }
  return {Result::Neutral, "no mechanism matched at " + domain, {}, {}};
}

Evaluation::MatchResult Evaluation::matchInclude(const Mechanism& m, const std::string& domain) {
  std::string t = target(m, domain);
  HostResult r = checkHost(t, true);
  switch (r.result) {
    case Result::Pass: return {Match::Yes, {}};
    case Result::Fail:
    case Result::SoftFail:
    case Result::Neutral: return {Match::No, {}};
    case Result::TempError: return {Match::TempError, r.reason};
    case Result::None: return {Match::PermError, "include:" + t + " has no SPF record"};
    default: return {Match::PermError, r.reason};
  }
}

std::string Evaluation::explain(const Record& record, const std::string& domain) {
  if (!record.exp) return {};
  std::string target = expandDomain(*record.exp, domain);
  if (!isValidDomain(target)) return {};
  dns::Answer a = query(target, dns::RrType::TXT);
  // Errors, no record, several records or bad syntax: as if there were no exp= (6.2).
  if (!a.ok() || a.records.size() != 1 || !isAscii(a.records[0].text)) return {};
  std::string error;
  auto macro = parseMacroString(a.records[0].text, MacroScope::Explanation, error);
  if (!macro) return {};
  std::string text = expandMacroString(*macro, context(domain));
  for (char& c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e) c = '?';  // local parts may carry anything; replies may not
  }
  if (text.size() > limits_.explanationMax) text.resize(limits_.explanationMax);
  return text;
}

MacroContext Evaluation::context(const std::string& domain) {
  MacroContext ctx;
  ctx.sender = sender_;
  ctx.localPart = localPart_;
  ctx.senderDomain = senderDomain_;
  ctx.domain = domain;
  ctx.helo = request_.helo;
  ctx.receiver = request_.receiver;
  ctx.ip = ip_;
  ctx.now = now_;
  ctx.validatedName = [this, domain] { return validatedNameFor(domain); };
  return ctx;
}

std::string Evaluation::expandDomain(const MacroString& macro, const std::string& domain) {
  return normalizeDomain(expandMacroString(macro, context(domain)));
}

std::string Evaluation::target(const Mechanism& m, const std::string& domain) {
  return m.target ? expandDomain(*m.target, domain) : domain;
}

}  // namespace detail
}  // namespace vouch::spf
