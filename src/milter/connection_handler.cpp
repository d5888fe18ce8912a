// ConnectionHandler implementation (connection_handler.h): stage -> core::Session ->
// ReplyPlan, end-of-message edits, one log line per message, in-flight accounting.
// One thread at a time per object. Input (macros, addresses, headers) is untrusted and
// only passed to the core; the core's verdict texts are made safe by reply.h.
// Failures inside the core surface as exceptions to the callback layer, which calls
// internalError(); nothing here throws for bad mail.
#include "milter/connection_handler.h"

#include <utility>

namespace vouch::milter {

namespace {

bool endsMessage(Disposition d) {
  return d == Disposition::Reject || d == Disposition::TempFail || d == Disposition::Discard;
}

core::Verdict drainingVerdict() {
  core::Verdict v;
  v.action = core::Action::TempFail;
  v.reply = {"451", "4.3.2", {"Mail filter restarting, try again later"}};
  v.reason = "shutting down";
  return v;
}

std::string replyText(const ReplyPlan& plan) {
  if (plan.reply.empty()) return {};
  return plan.reply.code + " " + plan.reply.enhanced;
}

}  // namespace

ConnectionHandler::ConnectionHandler(std::shared_ptr<const pipeline::Snapshot> snapshot,
                                     FlightTracker& flights, MilterLog& log)
    : snapshot_(std::move(snapshot)), session_(snapshot_->newSession()), flights_(flights),
      log_(log) {}

ConnectionHandler::~ConnectionHandler() {
  if (inMessage_) {
    flights_.endMessage();
    log_.event(LogLevel::Debug, "queue=" + printableAscii(session_->transaction().queueId, 32) +
                                    " connection closed during a message");
  }
}

bool ConnectionHandler::quietAt(std::string_view stage) const {
  if (stage == "connect") return quiet_.connect;
  if (stage == "helo") return quiet_.helo;
  if (stage == "mail") return quiet_.mail;
  if (stage == "rcpt") return quiet_.rcpt;
  if (stage == "eoh") return quiet_.eoh;
  return stage == "header" || stage == "body";
}

ReplyPlan ConnectionHandler::stageResult(const core::Verdict& v, std::string_view stage, bool quiet) {
  ReplyPlan plan = planReply(v, false);
  if (plan.quarantine && !pending_.decided()) pending_ = v;  // smfi_quarantine needs EOM
  if (endsMessage(plan.disposition) && quiet) {
    // Said at end of message instead, ahead of anything milder decided later.
    core::Verdict& keep = stage == "connect" || stage == "helo" ? connectionPending_ : pending_;
    if (!keep.decided() || !endsMessage(planReply(keep, false).disposition)) keep = v;
    return {};
  }
  if (endsMessage(plan.disposition)) {
    if (inMessage_) {
      finishMessage(v, stage, plan, {});
    } else {
      MessageRecord rec{&session_->connection(), nullptr, v, std::string(stage), replyText(plan), 0, {}};
      log_.message(rec);
    }
  }
  return plan;
}

ReplyPlan ConnectionHandler::connect(std::string_view clientIp, std::string_view clientName,
                                     const MacroReader& macros) {
  auto& conn = session_->connection();
  conn.daemonName = macros.get("{daemon_name}").value_or("");
  conn.ifAddr = macros.get("{daemon_addr}").value_or("");
  conn.mtaHostname = macros.get("j").value_or("");
  core::Verdict v = session_->connect(clientIp, clientName);
  if (flights_.draining()) v = drainingVerdict();
  return stageResult(v, "connect", quiet_.connect);
}

ReplyPlan ConnectionHandler::helo(std::string_view name) {
  return stageResult(session_->helo(name), "helo", quiet_.helo);
}

ReplyPlan ConnectionHandler::mailFrom(std::string_view from, const MacroReader& macros) {
  if (inMessage_) abort();  // a new MAIL FROM without end of message or RSET
  session_->connection().authUser = macros.get("{auth_authen}").value_or("");
  pending_ = connectionPending_;
  if (!flights_.beginMessage()) return stageResult(drainingVerdict(), "mail", quiet_.mail);
  inMessage_ = true;
  started_ = std::chrono::steady_clock::now();
  return stageResult(session_->mailFrom(from), "mail", quiet_.mail);
}

ReplyPlan ConnectionHandler::rcpt(std::string_view rcpt) {
  const core::Verdict v = session_->rcpt(rcpt);
  ReplyPlan plan = planReply(v, false);
  if (quiet_.rcpt && endsMessage(plan.disposition)) return stageResult(v, "rcpt", true);
  // A refused recipient does not end the message; the MTA aborts it if none is left.
  if (plan.disposition == Disposition::Discard && inMessage_)
    finishMessage(session_->transaction().verdict, "rcpt", plan, {});
  return plan;
}

void ConnectionHandler::header(std::string_view name, std::string_view value) {
  core::Verdict v = session_->header(name, value);
  if (v.decided() && !pending_.decided()) pending_ = std::move(v);
}

ReplyPlan ConnectionHandler::endOfHeaders(const MacroReader& macros) {
  readMessageMacros(macros);
  core::Verdict v = session_->endOfHeaders();
  if (!v.decided() && pending_.decided() && pending_.action != core::Action::Quarantine)
    v = pending_;
  return stageResult(v, "eoh", quiet_.eoh);
}

bool ConnectionHandler::body(std::span<const char> chunk) {
  core::Verdict v = session_->body(chunk);
  if (!v.decided()) return false;
  if (!pending_.decided()) pending_ = std::move(v);
  return skipAllowed_;
}

ReplyPlan ConnectionHandler::endOfMessage(const MacroReader& macros, MessageEditor& editor) {
  readMessageMacros(macros);
  core::RecordingActions actions;
  core::Verdict v;
  // A refusal kept from a quiet stage stands; the checks need not run (after a
  // refused MAIL FROM the session holds no transaction for this message).
  if (pending_.decided() && endsMessage(planReply(pending_, false).disposition)) {
    v = pending_;
  } else {
    v = session_->endOfMessage(actions);
    if ((!v.decided() || v.action == core::Action::Accept) && pending_.decided()) v = pending_;
  }
  ReplyPlan plan = planReply(v, true);
  std::vector<std::string> problems;
  if (!endsMessage(plan.disposition)) {
    EditReport report = applyHeaderEdits(actions.edits(), leadingSpace_, editor);
    problems = std::move(report.problems);
  }
  std::string problem;
  if (!applyReplyPlan(plan, editor, problem)) problems.push_back(problem);
  finishMessage(v, "eom", plan, std::move(problems));
  return plan;
}

void ConnectionHandler::abort() {
  session_->abort();
  if (!inMessage_) return;
  inMessage_ = false;
  flights_.endMessage();
  log_.event(LogLevel::Debug,
             "queue=" + printableAscii(session_->transaction().queueId, 32) + " message aborted");
}

ReplyPlan ConnectionHandler::internalError(std::string_view stage, std::string_view what) {
  const core::Verdict v = internalErrorVerdict(snapshot_->config().internal_error_action);
  const std::string queue = printableAscii(session_->transaction().queueId, 32);
  log_.event(LogLevel::Error, "queue=" + (queue.empty() ? std::string("-") : queue) +
                                  " internal error at " + std::string(stage) + ": " +
                                  printableAscii(what, 300));
  const bool eom = stage == "eom";
  ReplyPlan plan = planReply(v, eom);
  if (!eom && quietAt(stage)) {
    if (stage == "connect" || stage == "helo") connectionPending_ = v;
    else pending_ = v;  // no reply possible now; applied at end of headers / message
    return {};
  }
  if ((endsMessage(plan.disposition) || eom) && inMessage_)
    finishMessage(v, stage, plan, {"internal error: " + std::string(what)});
  return plan;
}

void ConnectionHandler::finishMessage(const core::Verdict& v, std::string_view stage,
                                      const ReplyPlan& plan, std::vector<std::string> problems) {
  const auto elapsed = std::chrono::steady_clock::now() - started_;
  MessageRecord rec;
  rec.connection = &session_->connection();
  rec.transaction = &session_->transaction();
  rec.verdict = v;
  rec.stage = std::string(stage);
  rec.replyCode = replyText(plan);
  rec.elapsedMs = std::chrono::duration<double, std::milli>(elapsed).count();
  rec.problems = std::move(problems);
  log_.message(rec);
  if (inMessage_) {
    inMessage_ = false;
    flights_.endMessage();
  }
}

void ConnectionHandler::readMessageMacros(const MacroReader& macros) {
  auto& txn = session_->transaction();
  if (auto id = macros.get("i"); id && !id->empty()) txn.queueId = *id;
}

}  // namespace vouch::milter
