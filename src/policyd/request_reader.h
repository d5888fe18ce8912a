// RequestReader: splits a byte stream from Postfix's policy-delegation client into
// requests (name=value lines, an empty line ends one; SMTPD_POLICY_README). Input is
// hostile: every line, attribute count and request size is bounded, and a request that
// breaks a bound is skipped up to its terminating empty line so the protocol stays in
// sync; the caller answers it with a safe DEFER_IF_PERMIT. One reader per connection.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace vouch::policyd {

struct ReaderLimits {
  std::size_t maxRequestBytes = 16384;
  std::size_t maxAttributes = 100;
  std::size_t maxLine = 4096;
};

struct Request {
  std::map<std::string, std::string> attrs;  // names lowercased; last value wins
  std::string error;                         // non-empty: malformed, answer safely

  const std::string& get(const std::string& name) const;
};

class RequestReader {
 public:
  explicit RequestReader(ReaderLimits limits) : limits_(limits) {}

  // Appends bytes read from the socket.
  void feed(std::string_view bytes);
  // The next complete request, if one has arrived.
  std::optional<Request> next();
  // Bytes held waiting for the end of a line (for idle/size checks by the server).
  std::size_t pending() const { return buffer_.size(); }

 private:
  void addLine(std::string_view line);

  ReaderLimits limits_;
  std::string buffer_;     // unconsumed bytes, never more than maxLine + a read
  Request current_;
  std::size_t currentBytes_ = 0;
  bool skippingLine_ = false;  // inside an over-long line: drop bytes up to '\n'
  std::optional<Request> ready_;
  std::size_t scan_ = 0;
};

}  // namespace vouch::policyd
