// The milter's logging: the one line per message (core::Logger's message fields, with
// what the milter actually did: stage, action, reply, problems) and events. MilterLog is
// the interface the per-connection code logs through; LoggerLog implements it over a
// core::Logger that a reload may replace (log settings are reloadable). Thread-safe:
// every worker shares one LoggerLog. Outside values are made safe by core::Logger.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/connection.h"
#include "core/log.h"
#include "core/transaction.h"
#include "core/verdict.h"

namespace vouch::milter {

using core::LogLevel;

struct MessageRecord {
  const core::Connection* connection = nullptr;
  const core::Transaction* transaction = nullptr;  // null for connection-level decisions
  core::Verdict verdict;              // what the milter applied (may differ from txn.verdict)
  std::string stage;                  // where the decision fell: "eom", "mail", "connect"...
  std::string replyCode;              // what the MTA was told, e.g. "550 5.7.26"
  double elapsedMs = 0;
  std::vector<std::string> problems;  // internal errors, refused header edits
};

// The fields of the per-message line, in order.
std::vector<core::LogField> messageRecordFields(const MessageRecord& r);

class MilterLog {
 public:
  virtual ~MilterLog() = default;
  virtual void message(const MessageRecord& record) = 0;
  virtual void event(LogLevel level, std::string_view text) = 0;
};

class LoggerLog final : public MilterLog {
 public:
  explicit LoggerLog(std::shared_ptr<const core::Logger> logger) : logger_(std::move(logger)) {}
  void setLogger(std::shared_ptr<const core::Logger> logger);
  std::shared_ptr<const core::Logger> logger() const;
  void message(const MessageRecord& record) override;
  void event(LogLevel level, std::string_view text) override;

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const core::Logger> logger_;
};

// core::LogOptions from the general.log_* settings (already validated by config).
core::LogOptions logOptionsFrom(std::string_view target, std::string_view format,
                                std::string_view level);

}  // namespace vouch::milter
