// The engine registry: maps spf.engine names to evaluators. Owns the resolver reference
// each engine needs (shared_ptr, so the resolver outlives every check). Thread-safe:
// engines are immutable. An unknown name yields nullptr; the caller reports it.
#include "spf/engine.h"

#include "spf/libspf2_engine.h"

namespace vouch::spf {
namespace {

class NativeEngine final : public Engine {
 public:
  NativeEngine(std::shared_ptr<dns::Resolver> resolver, const Limits& limits)
      : resolver_(std::move(resolver)), evaluator_(*resolver_, limits) {}
  std::string_view name() const override { return "native"; }
  Outcome check(const Request& request, dns::Deadline deadline) const override {
    return evaluator_.check(request, deadline);
  }

 private:
  std::shared_ptr<dns::Resolver> resolver_;
  Evaluator evaluator_;
};

}  // namespace

std::shared_ptr<const Engine> makeEngine(std::string_view name, std::shared_ptr<dns::Resolver> resolver,
                                         const Limits& limits) {
  if (!resolver) return nullptr;
  if (name == "native") return std::make_shared<NativeEngine>(std::move(resolver), limits);
  if (name == "libspf2") return Libspf2Engine::create(std::move(resolver), limits);
  return nullptr;
}

}  // namespace vouch::spf
