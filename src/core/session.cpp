// Session: the stage driver (see session.h). Owns the connection's checks, the current
// Transaction and the bookkeeping for forged Authentication-Results. One thread at a
// time. Outside input (envelope, headers, body) is stored bounded and never trusted.
// Header edits at end of message, in this order: deletions of forged A-R headers
// (highest index first, CVE-2022-48521), then the checks' own edits (e.g. DKIM-Signature
// inserted at the top), then our A-R inserted at the top, so A-R ends up above them.
#include "core/session.h"

#include "core/header_text.h"

namespace vouch::core {
namespace {

constexpr std::string_view kArName = "Authentication-Results";

using text::equalsNoCase;

// "<a@b.org>" -> "a@b.org"; "<>" and "" -> "" (null sender); a source route
// "<@relay:a@b.org>" keeps the mailbox. Surrounding whitespace is dropped.
std::string envelopeAddress(std::string_view raw) {
  while (!raw.empty() && (raw.front() == ' ' || raw.front() == '\t')) raw.remove_prefix(1);
  while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t')) raw.remove_suffix(1);
  if (!raw.empty() && raw.front() == '<') {
    raw.remove_prefix(1);
    if (!raw.empty() && raw.back() == '>') raw.remove_suffix(1);
  }
  if (!raw.empty() && raw.front() == '@') {
    auto colon = raw.find(':');
    if (colon != std::string_view::npos) raw.remove_prefix(colon + 1);
  }
  return std::string(raw);
}

// Our rendered value uses CRLF folding; libmilter and Postfix want LF.
std::string lfFolding(const std::string& v) {
  std::string out;
  out.reserve(v.size() + 1);
  out.push_back(' ');
  for (char c : v) {
    if (c != '\r') out.push_back(c);
  }
  return out;
}

bool blocksDelivery(Action a) {
  return a == Action::Reject || a == Action::TempFail || a == Action::Discard;
}

}  // namespace

Session::Session(SessionOptions options, std::vector<std::unique_ptr<Check>> checks,
                 std::shared_ptr<const Decider> decider)
    : options_(std::move(options)), checks_(std::move(checks)), decider_(std::move(decider)) {
  // Compare against what our own header will claim, so an odd configured id (quoted,
  // empty -> "unknown") is matched exactly as receivers will read it.
  ourId_ = claimedAuthservId(AuthResults(options_.authservId).render());
  resetTransaction();
}

Session::~Session() = default;

void Session::resetTransaction() {
  txn_ = Transaction();
  txn_.authResults.setAuthservId(options_.authservId);
  stopped_ = false;
  arHeaders_ = 0;
  forgedAr_.clear();
}

template <typename Fn>
Verdict Session::runStage(std::optional<Stage> stage, Fn&& fn) {
  if (stopped_) return txn_.verdict;
  for (auto& check : checks_) {
    if (fn(*check) == Flow::Stop) {
      stopped_ = true;
      settle();  // decided: findings complete for the log, as for a decider's verdict
      if (!txn_.verdict.decided()) {
        // A check broke its contract (Stop without a verdict): fail safe, visibly.
        txn_.verdict.action = Action::TempFail;
        txn_.verdict.reply = {"451", "4.3.0", {"Temporary authentication failure"}};
        txn_.verdict.reason = std::string(check->name()) + " stopped without a verdict";
        txn_.findings.notes.push_back(txn_.verdict.reason);
      }
      return txn_.verdict;
    }
  }
  if (!stage) return Verdict{};
  const bool early = *stage == Stage::MailFrom || *stage == Stage::Rcpt;
  if (early && (!decider_ || decider_->needsFindings(*stage))) settle();
  Verdict v;
  if (decider_) v = decider_->decide(*stage, conn_, txn_);
  if (*stage == Stage::EndOfMessage && !v.decided()) v.action = Action::Accept;
  if (v.decided()) {
    txn_.verdict = v;
    stopped_ = true;
    // The message's fate is known: its findings are what gets logged and reported.
    // (End of message settled before its checks ran.)
    if (*stage != Stage::EndOfMessage) settle();
  }
  return v;
}

void Session::settle() {
  for (auto& check : checks_) check->settle(conn_, txn_);
}

void Session::classify() {
  ClientClass cls = ClientClass::External;
  auto ip = IpAddress::parse(conn_.clientIp);
  if (options_.signAuthenticated && !conn_.authUser.empty()) {
    cls = ClientClass::Authenticated;
  } else if (ip) {
    for (const Cidr& net : options_.internalNetworks) {
      if (net.contains(*ip)) {
        cls = ClientClass::Internal;
        break;
      }
    }
  }
  if (cls == ClientClass::External && !conn_.daemonName.empty()) {
    for (const auto& d : options_.outboundDaemons) {
      if (d == conn_.daemonName) {
        cls = ClientClass::Internal;
        break;
      }
    }
  }
  conn_.clientClass = cls;
  txn_.outbound = cls == ClientClass::Internal || cls == ClientClass::Authenticated;
}

Verdict Session::connect(std::string_view clientIp, std::string_view clientName) {
  auto ip = IpAddress::parse(clientIp);
  conn_.clientIp = ip ? ip->toString() : std::string();
  conn_.clientName = std::string(clientName);
  return runStage(Stage::Connect, [&](Check& c) { return c.onConnect(conn_); });
}

Verdict Session::helo(std::string_view name) {
  conn_.helo = std::string(name);
  return runStage(Stage::Helo, [&](Check& c) { return c.onHelo(conn_); });
}

Verdict Session::mailFrom(std::string_view mailFromRaw) {
  resetTransaction();
  ++conn_.messages;
  txn_.mailFromRaw = std::string(mailFromRaw);
  txn_.mailFrom = envelopeAddress(mailFromRaw);
  classify();
  return runStage(Stage::MailFrom, [&](Check& c) { return c.onMailFrom(conn_, txn_); });
}

Verdict Session::rcpt(std::string_view rcptRaw) {
  if (stopped_) return txn_.verdict;
  txn_.rcpts.push_back(envelopeAddress(rcptRaw));
  const std::string_view r = txn_.rcpts.back();
  return runStage(Stage::Rcpt, [&](Check& c) { return c.onRcpt(conn_, txn_, r); });
}

void Session::noteHeaderForAr(std::string_view name, std::string_view value) {
  if (!equalsNoCase(name, kArName)) return;
  ++arHeaders_;
  if (claimedAuthservId(value) == ourId_) forgedAr_.push_back(arHeaders_);
}

Verdict Session::header(std::string_view name, std::string_view value) {
  if (stopped_) return txn_.verdict;
  // Counted and scanned even past the limits, so a forged A-R cannot hide behind
  // a thousand filler headers.
  ++txn_.headerCount;
  txn_.headerBytes += name.size() + value.size();
  noteHeaderForAr(name, value);
  Header h{std::string(name), std::string(value)};
  const Header* seen = &h;
  if (!txn_.headersTruncated && txn_.headers.size() < options_.maxHeaders &&
      txn_.headerBytes <= options_.maxHeaderBytes) {
    txn_.headers.push_back(std::move(h));
    seen = &txn_.headers.back();
  } else {
    txn_.headersTruncated = true;
  }
  return runStage(std::nullopt, [&](Check& c) { return c.onHeader(conn_, txn_, *seen); });
}

Verdict Session::endOfHeaders() {
  return runStage(Stage::EndOfHeaders, [&](Check& c) { return c.onEndOfHeaders(conn_, txn_); });
}

Verdict Session::body(std::span<const char> chunk) {
  if (stopped_) return txn_.verdict;
  txn_.bodyBytes += chunk.size();
  return runStage(std::nullopt, [&](Check& c) { return c.onBody(conn_, txn_, chunk); });
}

Verdict Session::endOfMessage(Actions& actions) {
  if (stopped_) return txn_.verdict;
  // The checks' edits wait until the verdict is known: a rejected message gets none.
  // DMARC reads the SPF finding, so late findings are final before any check runs.
  settle();
  RecordingActions pending;
  Verdict v = runStage(Stage::EndOfMessage,
                       [&](Check& c) { return c.onEndOfMessage(conn_, txn_, pending); });
  if (decider_) decider_->annotate(conn_, txn_);
  v = txn_.verdict;
  if (blocksDelivery(v.action)) return v;

  for (auto it = forgedAr_.rbegin(); it != forgedAr_.rend(); ++it) {
    actions.deleteHeader(std::string(kArName), *it);
  }
  for (const HeaderEdit& e : pending.edits()) {
    if (e.kind == HeaderEdit::Kind::InsertTop) {
      actions.insertHeaderTop(e.name, e.value);
    } else {
      actions.deleteHeader(e.name, e.index);
    }
  }
  actions.insertHeaderTop(std::string(kArName), lfFolding(txn_.authResults.render()));
  return v;
}

void Session::abort() {
  for (auto& check : checks_) check->onAbort(conn_, txn_);
  resetTransaction();
}

}  // namespace vouch::core
