// SpfHandler: see spf_handler.h.
#include "policyd/spf_handler.h"

#include <cctype>

#include "spf/received_spf.h"

namespace vouch::policyd {

namespace {

// Printable ASCII only, bounded: values go into an SMTP reply or a header.
std::string safe(std::string_view in, std::size_t max = 200) {
  std::string out;
  for (unsigned char c : in) {
    if (out.size() >= max) break;
    if (c >= 0x20 && c < 0x7f && c != ';' && c != '"' && c != '\\') out += static_cast<char>(c);
  }
  return out;
}

std::string joinLines(const core::Reply& r) {
  std::string s;
  for (auto& l : r.lines) {
    if (!s.empty()) s += ' ';
    s += l;
  }
  return s;
}

bool outboundAfterMail(const core::Session& s) { return s.transaction().outbound; }

}  // namespace

SpfHandler::SpfHandler(std::shared_ptr<const pipeline::Snapshot> snapshot,
                       bool prependReceivedSpf, std::size_t cacheSize)
    : snapshot_(std::move(snapshot)),
      prependReceivedSpf_(prependReceivedSpf),
      cacheSize_(cacheSize ? cacheSize : 1) {}

std::size_t SpfHandler::evaluations() const {
  std::lock_guard lock(mu_);
  return evaluations_;
}

std::string SpfHandler::decide(const Request& request) {
  const std::string& state = request.get("protocol_state");
  if (state != "RCPT" && state != "MAIL" && state != "") return "DUNNO";
  // The same transaction asks once per recipient; answer from the first evaluation.
  std::string key = request.get("instance");
  if (!key.empty()) {
    key += '\0' + request.get("client_address") + '\0' + request.get("sender") + '\0' +
           request.get("helo_name");
    std::lock_guard lock(mu_);
    if (auto it = index_.find(key); it != index_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second);
      return it->second->second;
    }
  }
  std::string action = evaluate(request);
  std::lock_guard lock(mu_);
  evaluations_++;
  if (!key.empty() && !index_.count(key)) {
    lru_.emplace_front(key, action);
    index_[key] = lru_.begin();
    if (lru_.size() > cacheSize_) {
      index_.erase(lru_.back().first);
      lru_.pop_back();
    }
  }
  return action;
}

std::string SpfHandler::evaluate(const Request& request) const {
  auto session = snapshot_->newSession();
  const std::string& ip = request.get("client_address");
  const std::string& helo = request.get("helo_name");
  session->connection().authUser = request.get("sasl_username");
  core::Verdict v = session->connect(ip, request.get("client_name"));
  if (!v.decided()) v = session->helo(helo);
  if (!v.decided()) v = session->mailFrom("<" + request.get("sender") + ">");
  // The answer quotes the SPF finding (Received-SPF), which a policy that judges SPF
  // at end of message lets the Session leave unsettled after MAIL FROM.
  session->settle();
  if (outboundAfterMail(*session)) return "DUNNO";
  const auto& spf = session->transaction().findings.spf;
  std::string text = joinLines(v.reply.lines.empty() ? core::Reply{} : v.reply);
  switch (v.action) {
    case core::Action::Reject: {
      std::string code = v.reply.code.empty() ? "550" : v.reply.code;
      std::string xcode = v.reply.enhanced.empty() ? "5.7.23" : v.reply.enhanced;
      return code + " " + xcode + " " + safe(text.empty() ? "SPF check failed" : text, 400);
    }
    case core::Action::TempFail: {
      std::string xcode = v.reply.enhanced.empty() ? "4.7.24" : v.reply.enhanced;
      return "DEFER_IF_PERMIT " + xcode + " " +
             safe(text.empty() ? "SPF temporary error, try again later" : text, 400);
    }
    case core::Action::Discard:
      return "DISCARD " + safe(text, 400);
    case core::Action::Quarantine:
      return "HOLD " + safe(text, 400);
    default:
      break;
  }
  if (prependReceivedSpf_ && spf) {
    const auto& id = snapshot_->config().authserv_id;
    // A policy reply is one line: the header's folds become single spaces.
    std::string value = spf::receivedSpfValue(*spf, ip, helo, id.empty() ? "vouch" : id);
    std::string line;
    for (char c : value) {
      if (c == '\n') continue;
      line += c == '\t' ? ' ' : c;
    }
    return "PREPEND Received-SPF:" + line;
  }
  return "DUNNO";
}

}  // namespace vouch::policyd
