// AuthResults: the RFC 8601 findings of one message, and their rendering as one
// Authentication-Results header value. Owns plain values only; not thread-safe (one
// transaction, one thread at a time). Values from outside (domains, local parts,
// reasons) are untrusted: render() quotes or drops anything that could inject header
// text, a second result or a comment break. Never throws on hostile values.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vouch::core {

// RFC 8601 result vocabulary shared by spf, dkim and dmarc (section 2.7).
enum class Result { None, Pass, Fail, SoftFail, Neutral, Policy, TempError, PermError };

std::string_view toString(Result r);

// One "ptype.property=value" of a method result, e.g. {"smtp", "mailfrom", "a@b.org"}.
struct Property {
  std::string ptype;
  std::string property;
  std::string value;
};

// One "method=result" entry with its reason and properties.
struct MethodResult {
  std::string method;   // "spf", "dkim", "dmarc", ...
  Result result = Result::None;
  std::string reason;   // rendered as reason="..." when not empty
  std::string comment;  // rendered as a (comment) after the result when not empty
  std::vector<Property> properties;
};

class AuthResults {
 public:
  explicit AuthResults(std::string authservId = {}) : authservId_(std::move(authservId)) {}

  void add(MethodResult r) { results_.push_back(std::move(r)); }
  const std::vector<MethodResult>& results() const { return results_; }
  const std::string& authservId() const { return authservId_; }
  void setAuthservId(std::string id) { authservId_ = std::move(id); }

  // The header value (without "Authentication-Results:"), folded with "\r\n\t" when
  // longer than foldAt columns; "authserv-id; none" when there are no results.
  std::string render(std::size_t foldAt = 78) const;

 private:
  std::string authservId_;
  std::vector<MethodResult> results_;
};

// The authserv-id an Authentication-Results value claims (text before the first ';',
// comments and surrounding whitespace removed, lowercased); empty when unparsable.
std::string claimedAuthservId(std::string_view headerValue);

}  // namespace vouch::core
