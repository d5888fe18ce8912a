// Per-message log fields and the reload-swappable logger wrapper (message_log.h).
// messageRecordFields is pure; LoggerLog guards only the pointer swap with a mutex and
// writes outside it (core::Logger is thread-safe). Values are untrusted: core::Logger
// makes them printable and bounded. Logging never throws into a callback's path.
#include "milter/message_log.h"

#include <algorithm>

namespace vouch::milter {

std::vector<core::LogField> messageRecordFields(const MessageRecord& r) {
  static const core::Connection kNoConnection;
  static const core::Transaction kNoTransaction;
  const core::Connection& c = r.connection ? *r.connection : kNoConnection;
  std::vector<core::LogField> fields;
  if (r.transaction) {
    fields = core::Logger::messageFields(c, *r.transaction, r.elapsedMs);
  } else {
    fields = core::Logger::messageFields(c, kNoTransaction, r.elapsedMs);
    std::erase_if(fields, [](const core::LogField& f) {
      return f.first != "client" && f.first != "class" && f.first != "ms";
    });
  }
  // The milter's own decision replaces the transaction's verdict (internal errors,
  // decisions carried to a later stage) and says where it fell and what was answered.
  const core::Action a =
      r.verdict.action == core::Action::Continue ? core::Action::Accept : r.verdict.action;
  std::erase_if(fields, [](const core::LogField& f) { return f.first == "action" || f.first == "reason"; });
  auto ms = std::find_if(fields.begin(), fields.end(), [](const core::LogField& f) { return f.first == "ms"; });
  std::vector<core::LogField> extra;
  extra.emplace_back("stage", r.stage);
  extra.emplace_back("action", std::string(core::toString(a)));
  if (!r.replyCode.empty()) extra.emplace_back("reply", r.replyCode);
  if (!r.verdict.reason.empty()) extra.emplace_back("reason", r.verdict.reason);
  if (!r.problems.empty()) {
    std::string joined;
    for (const auto& p : r.problems) joined += (joined.empty() ? "" : "; ") + p;
    extra.emplace_back("problems", joined);
  }
  fields.insert(ms, extra.begin(), extra.end());
  return fields;
}

void LoggerLog::setLogger(std::shared_ptr<const core::Logger> logger) {
  std::lock_guard lock(mutex_);
  logger_ = std::move(logger);
}

std::shared_ptr<const core::Logger> LoggerLog::logger() const {
  std::lock_guard lock(mutex_);
  return logger_;
}

void LoggerLog::message(const MessageRecord& record) {
  const auto log = logger();
  if (!log || !log->enabled(LogLevel::Info)) return;
  log->log(LogLevel::Info, "message", messageRecordFields(record));
}

void LoggerLog::event(LogLevel level, std::string_view text) {
  const auto log = logger();
  if (!log || !log->enabled(level)) return;
  log->log(level, "milter", {{"detail", std::string(text)}});
}

core::LogOptions logOptionsFrom(std::string_view target, std::string_view format,
                                std::string_view level) {
  core::LogOptions o;
  if (!core::parseLogTarget(target, o.target)) o.target = core::LogTarget::Stderr;
  if (!core::parseLogFormat(format, o.format)) o.format = core::LogFormat::Text;
  if (!core::parseLogLevel(level, o.level)) o.level = LogLevel::Info;
  return o;
}

}  // namespace vouch::milter
