// Logger: vouch's log lines (syslog or stderr, one text line or one JSON object each).
// A Logger is owned by the daemon or command and passed by reference: no global logger.
// Thread-safe: lines are built on the caller's stack and written whole by the sink.
// Every value is untrusted: made printable (control and non-ASCII bytes escaped as \xHH)
// and cut to kMaxLogValue bytes. Logging never throws; a failed write is dropped.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/connection.h"
#include "core/transaction.h"

namespace vouch::core {

enum class LogLevel { Error, Warning, Info, Debug };
enum class LogTarget { Syslog, Stderr };
enum class LogFormat { Text, Json };

std::string_view toString(LogLevel l);
// "error", "warning", "info", "debug" (the choices of general.log_level); false if unknown.
bool parseLogLevel(std::string_view text, LogLevel& out);
bool parseLogTarget(std::string_view text, LogTarget& out);
bool parseLogFormat(std::string_view text, LogFormat& out);

inline constexpr std::size_t kMaxLogValue = 256;

// Printable, bounded copy of an outside value: bytes < 0x20, 0x7f and >= 0x80 and the
// backslash become \xHH / \\; past maxBytes of output the value ends with "...".
std::string logSafe(std::string_view value, std::size_t maxBytes = kMaxLogValue);

using LogField = std::pair<std::string, std::string>;

// Where finished lines go. Implementations must accept calls from several threads.
class LogSink {
 public:
  virtual ~LogSink() = default;
  virtual void write(LogLevel level, std::string_view line) = 0;
};

// syslog(3) with facility mail; owns the openlog/closelog pair.
std::unique_ptr<LogSink> makeSyslogSink(std::string ident);
// One write(2)-sized fwrite per line to stderr.
std::unique_ptr<LogSink> makeStderrSink();

struct LogOptions {
  LogTarget target = LogTarget::Stderr;
  LogFormat format = LogFormat::Text;
  LogLevel level = LogLevel::Info;
  std::string ident = "vouch";
};

class Logger {
 public:
  // sink null: the sink named by options.target.
  explicit Logger(LogOptions options, std::unique_ptr<LogSink> sink = nullptr);

  bool enabled(LogLevel level) const { return level <= options_.level; }
  // One event: "event key=value ..." or {"event":"...","key":"value",...}.
  void log(LogLevel level, std::string_view event, const std::vector<LogField>& fields) const;
  // The one line per message: queue id, client, each check's result, action, elapsed ms.
  void logMessage(const Connection& conn, const Transaction& txn, double elapsedMs) const;

  // The fields logMessage writes, in order (exposed for tests and the policy server).
  static std::vector<LogField> messageFields(const Connection& conn, const Transaction& txn,
                                             double elapsedMs);
  // The formatted line, without writing it.
  std::string format(std::string_view event, const std::vector<LogField>& fields) const;

 private:
  LogOptions options_;
  std::unique_ptr<LogSink> sink_;
};

}  // namespace vouch::core
