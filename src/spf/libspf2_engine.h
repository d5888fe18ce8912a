// Libspf2Engine: spf.engine = "libspf2". Runs libspf2 1.2.10 with a custom DNS layer
// (libspf2_dns.h) that answers through dns::Resolver, plus the caller-side fixes the
// Debian build needs (INVALID mapped to permerror/temperror, IPv4-mapped clients
// unmapped, HELO set before the sender, inputs validated and bounded first). One
// SPF_server_t per check, so per-evaluation state never crosses threads; the engine
// itself is immutable and thread-safe. Deviations from RFC 7208 are listed in README.md.
#pragma once

#include <memory>

#include "spf/engine.h"

namespace vouch::spf {

class Libspf2Engine final : public Engine {
 public:
  static std::shared_ptr<const Engine> create(std::shared_ptr<dns::Resolver> resolver, const Limits& limits);

  Libspf2Engine(std::shared_ptr<dns::Resolver> resolver, const Limits& limits)
      : resolver_(std::move(resolver)), limits_(limits) {}
  std::string_view name() const override { return "libspf2"; }
  Outcome check(const Request& request, dns::Deadline deadline) const override;

 private:
  std::shared_ptr<dns::Resolver> resolver_;
  Limits limits_;
};

// Longest identity handed to libspf2 (an SMTP path is at most 256 octets, RFC 5321).
inline constexpr std::size_t kMaxLibspf2Identity = 320;

}  // namespace vouch::spf
