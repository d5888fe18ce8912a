// The engine registry: maps spf.engine names to evaluators. Owns the resolver reference
// each engine needs (shared_ptr, so the resolver outlives every check). Thread-safe:
// engines are immutable. An unknown name yields nullptr; the caller reports it.
#include "spf/engine.h"

#include "spf/libspf2_engine.h"

namespace vouch::spf {
namespace {

// Answers what `inner` already holds in memory; the first lookup it does not hold is a
// miss that spoils the attempt (answered SERVFAIL so the evaluation ends at once, and
// its outcome is thrown away). One attempt, one thread.
class MemoryOnly final : public dns::Resolver {
 public:
  explicit MemoryOnly(dns::Resolver& inner) : inner_(inner) {}
  dns::PendingPtr start(std::string_view name, dns::RrType type) override {
    dns::Answer a;
    if (missed_ || !inner_.cached(name, type, a)) {
      missed_ = true;
      a = dns::Answer{};
      a.why = "not in memory";
    }
    return std::make_shared<dns::ReadyPending>(std::move(a));
  }
  bool missed() const { return missed_; }

 private:
  dns::Resolver& inner_;
  bool missed_ = false;
};

class NativeEngine final : public Engine {
 public:
  NativeEngine(std::shared_ptr<dns::Resolver> resolver, const Limits& limits)
      : resolver_(std::move(resolver)), limits_(limits), evaluator_(*resolver_, limits) {}
  std::string_view name() const override { return "native"; }
  Outcome check(const Request& request, dns::Deadline deadline) const override {
    return evaluator_.check(request, deadline);
  }
  std::optional<Outcome> checkInline(const Request& request, dns::Deadline deadline) const override {
    MemoryOnly memory(*resolver_);
    Outcome o = Evaluator(memory, limits_).check(request, deadline);
    if (memory.missed()) return std::nullopt;
    return o;
  }

 private:
  std::shared_ptr<dns::Resolver> resolver_;
  Limits limits_;
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
