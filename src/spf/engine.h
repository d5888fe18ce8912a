// spf::Engine: one SPF evaluator behind a common face, so the check, the policy server
// and the conformance/diff tests can choose between vouch's own evaluator ("native")
// and libspf2 ("libspf2") by name (spf.engine). Engines are immutable once built and
// thread-safe; each holds the shared resolver. Results are values, never exceptions.
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "spf/evaluator.h"

namespace vouch::spf {

class Engine {
 public:
  virtual ~Engine() = default;
  virtual std::string_view name() const = 0;
  virtual Outcome check(const Request& request, dns::Deadline deadline) const = 0;
  // The outcome when every lookup the evaluation needs is already in the resolver's
  // memory (dns::Resolver::cached), computed on the caller's thread; nullopt as soon as
  // one is not, and then check() must run. Default: never.
  virtual std::optional<Outcome> checkInline(const Request&, dns::Deadline) const { return std::nullopt; }
};

// "native" or "libspf2"; nullptr for any other name or when libspf2 cannot start.
std::shared_ptr<const Engine> makeEngine(std::string_view name, std::shared_ptr<dns::Resolver> resolver,
                                         const Limits& limits);

}  // namespace vouch::spf
