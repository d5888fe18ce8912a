// PublicSuffixList: the one owner of a libpsl context (psl_ctx_t), loaded once per
// config snapshot from a file and then read-only, shared by every thread (libpsl lookups
// on a loaded context are thread-safe, notes/libraries.md 5). Used only in RFC 7489 mode
// for the organizational domain. Lookup input is untrusted; it is normalised first.
// Loading failure is reported by load() returning null with a message.
#pragma once

#include <memory>
#include <string>
#include <string_view>

struct psl_ctx_st;

namespace vouch::dmarc {

class PublicSuffixList {
 public:
  // Null and `error` set when the file cannot be read or parsed.
  static std::shared_ptr<const PublicSuffixList> load(const std::string& file, std::string& error);
  ~PublicSuffixList();
  PublicSuffixList(const PublicSuffixList&) = delete;
  PublicSuffixList& operator=(const PublicSuffixList&) = delete;

  // RFC 7489 3.2 organizational domain: the registrable domain of `domain` (lowercased,
  // trailing dot removed). A domain that is itself a public suffix, an IP literal or
  // otherwise has no registrable part answers the normalised domain itself.
  std::string organizationalDomain(std::string_view domain) const;

 private:
  explicit PublicSuffixList(psl_ctx_st* ctx) : ctx_(ctx) {}
  psl_ctx_st* ctx_;
};

}  // namespace vouch::dmarc
