// Logger implementation (see log.h): value sanitizing, text and JSON line formats, the
// per-message line, and the syslog/stderr sinks. Thread-safe: no shared mutable state
// besides the sink, whose writes are single calls (syslog(3), one fwrite per line).
// Values are untrusted and always pass through logSafe(); formats add their own quoting
// on top. A failed write is dropped: logging must never stop mail.
#include "core/log.h"

#include <syslog.h>

#include <algorithm>
#include <cstdio>

#include "core/auth_results.h"
#include "core/verdict.h"

namespace vouch::core {
namespace {

constexpr char kHex[] = "0123456789abcdef";

class SyslogSink final : public LogSink {
 public:
  explicit SyslogSink(std::string ident) : ident_(std::move(ident)) {
    // openlog keeps the pointer: ident_ lives as long as this sink.
    openlog(ident_.c_str(), LOG_PID | LOG_NDELAY, LOG_MAIL);
  }
  ~SyslogSink() override { closelog(); }
  SyslogSink(const SyslogSink&) = delete;
  SyslogSink& operator=(const SyslogSink&) = delete;

  void write(LogLevel level, std::string_view line) override {
    int prio = LOG_INFO;
    switch (level) {
      case LogLevel::Error: prio = LOG_ERR; break;
      case LogLevel::Warning: prio = LOG_WARNING; break;
      case LogLevel::Info: prio = LOG_INFO; break;
      case LogLevel::Debug: prio = LOG_DEBUG; break;
    }
    syslog(prio, "%.*s", static_cast<int>(line.size()), line.data());
  }

 private:
  std::string ident_;
};

class StderrSink final : public LogSink {
 public:
  void write(LogLevel, std::string_view line) override {
    std::string buf(line);
    buf.push_back('\n');
    std::fwrite(buf.data(), 1, buf.size(), stderr);
    std::fflush(stderr);
  }
};

// Text format: bare when the value is a simple word, else "..." with \" escapes.
// logSafe already wrote backslashes as \\ and control bytes as \xHH, so in text the
// only escape left to add is the quote; JSON must also escape the backslashes.
bool bareWord(std::string_view v) {
  if (v.empty()) return false;
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=') return false;
  }
  return true;
}

void appendQuoted(std::string& out, std::string_view v, bool json) {
  out.push_back('"');
  for (char c : v) {
    if (c == '"' || (json && c == '\\')) out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

std::string dkimSummary(const std::vector<DkimFinding>& dkim) {
  std::string out;
  for (const auto& d : dkim) {
    if (!out.empty()) out += ',';
    out += std::string(d.checked ? toString(d.result) : "unchecked") + "(" + d.domain + ")";
  }
  return out.empty() ? "none" : out;
}

}  // namespace

std::string_view toString(LogLevel l) {
  switch (l) {
    case LogLevel::Error: return "error";
    case LogLevel::Warning: return "warning";
    case LogLevel::Info: return "info";
    case LogLevel::Debug: return "debug";
  }
  return "info";
}

bool parseLogLevel(std::string_view t, LogLevel& out) {
  for (auto l : {LogLevel::Error, LogLevel::Warning, LogLevel::Info, LogLevel::Debug}) {
    if (t == toString(l)) {
      out = l;
      return true;
    }
  }
  return false;
}

bool parseLogTarget(std::string_view t, LogTarget& out) {
  if (t == "syslog") out = LogTarget::Syslog;
  else if (t == "stderr") out = LogTarget::Stderr;
  else return false;
  return true;
}

bool parseLogFormat(std::string_view t, LogFormat& out) {
  if (t == "text") out = LogFormat::Text;
  else if (t == "json") out = LogFormat::Json;
  else return false;
  return true;
}

std::string logSafe(std::string_view value, std::size_t maxBytes) {
  std::string out;
  out.reserve(std::min(value.size(), maxBytes) + 3);
  for (char ch : value) {
    auto c = static_cast<unsigned char>(ch);
    std::size_t need = (c < 0x20 || c >= 0x7f) ? 4 : (c == '\\' ? 2 : 1);
    if (out.size() + need > maxBytes) {
      out += "...";
      break;
    }
    if (need == 4) {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    } else if (need == 2) {
      out += "\\\\";
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

std::unique_ptr<LogSink> makeSyslogSink(std::string ident) {
  return std::make_unique<SyslogSink>(std::move(ident));
}

std::unique_ptr<LogSink> makeStderrSink() { return std::make_unique<StderrSink>(); }

Logger::Logger(LogOptions options, std::unique_ptr<LogSink> sink)
    : options_(std::move(options)), sink_(std::move(sink)) {
  if (!sink_) {
    sink_ = options_.target == LogTarget::Syslog ? makeSyslogSink(options_.ident) : makeStderrSink();
  }
}

std::string Logger::format(std::string_view event, const std::vector<LogField>& fields) const {
  std::string out;
  if (options_.format == LogFormat::Json) {
    // logSafe leaves only printable ASCII, so '"' and '\' are all JSON needs escaped.
    out += "{\"event\":";
    appendQuoted(out, logSafe(event), true);
    for (const auto& [k, v] : fields) {
      out.push_back(',');
      appendQuoted(out, logSafe(k, 64), true);
      out.push_back(':');
      appendQuoted(out, logSafe(v), true);
    }
    out.push_back('}');
    return out;
  }
  out += logSafe(event, 64);
  for (const auto& [k, v] : fields) {
    out.push_back(' ');
    out += logSafe(k, 64);
    out.push_back('=');
    std::string safe = logSafe(v);
    if (bareWord(safe)) out += safe;
    else appendQuoted(out, safe, false);
  }
  return out;
}

void Logger::log(LogLevel level, std::string_view event, const std::vector<LogField>& fields) const {
  if (!enabled(level)) return;
  sink_->write(level, format(event, fields));
}

std::vector<LogField> Logger::messageFields(const Connection& conn, const Transaction& txn,
                                            double elapsedMs) {
  const Findings& f = txn.findings;
  std::vector<LogField> out;
  out.emplace_back("queue_id", txn.queueId.empty() ? "NOQUEUE" : txn.queueId);
  out.emplace_back("client", conn.clientName + "[" + conn.clientIp + "]");
  out.emplace_back("class", std::string(toString(conn.clientClass)));
  out.emplace_back("mail_from", "<" + txn.mailFrom + ">");
  out.emplace_back("rcpts", std::to_string(txn.rcpts.size()));
  if (f.from) out.emplace_back("from_domain", f.from->domain);
  out.emplace_back("spf", f.spf ? std::string(toString(f.spf->result)) : "none");
  if (f.spf) out.emplace_back("spf_domain", f.spf->domain);
  out.emplace_back("dkim", dkimSummary(f.dkim));
  out.emplace_back("dmarc", f.dmarc ? std::string(toString(f.dmarc->result)) : "none");
  if (f.dmarc) {
    out.emplace_back("dmarc_domain", f.dmarc->domain);
    out.emplace_back("dmarc_policy", f.dmarc->policy);
  }
  Action a = txn.verdict.action == Action::Continue ? Action::Accept : txn.verdict.action;
  out.emplace_back("action", std::string(toString(a)));
  if (!txn.verdict.reason.empty()) out.emplace_back("reason", txn.verdict.reason);
  if (txn.headersTruncated) out.emplace_back("headers_truncated", "yes");
  if (!f.notes.empty()) {
    std::string notes;
    for (const auto& n : f.notes) notes += (notes.empty() ? "" : "; ") + n;
    out.emplace_back("notes", notes);  // one field: JSON keys stay unique; cut by logSafe
  }
  char ms[32];
  std::snprintf(ms, sizeof ms, "%.1f", elapsedMs < 0 ? 0.0 : elapsedMs);
  out.emplace_back("ms", ms);
  return out;
}

void Logger::logMessage(const Connection& conn, const Transaction& txn, double elapsedMs) const {
  if (!enabled(LogLevel::Info)) return;
  log(LogLevel::Info, "message", messageFields(conn, txn, elapsedMs));
}

}  // namespace vouch::core
