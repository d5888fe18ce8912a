// LateResolver implementation (late_resolver.h): forwards to the installed resolver,
// ServFail before one is installed. The mutex guards only the pointer copy; the query
// itself runs outside it. Never throws for DNS trouble.
#include "milter/late_resolver.h"

namespace vouch::milter {

void LateResolver::set(std::shared_ptr<dns::Resolver> inner) {
  std::lock_guard lock(mutex_);
  inner_ = std::move(inner);
}

bool LateResolver::ready() const {
  std::lock_guard lock(mutex_);
  return inner_ != nullptr;
}

std::shared_ptr<dns::Resolver> LateResolver::current() const {
  std::lock_guard lock(mutex_);
  return inner_;
}

dns::PendingPtr LateResolver::start(std::string_view name, dns::RrType type) {
  std::shared_ptr<dns::Resolver> inner = current();
  if (!inner) {
    dns::Answer a;
    a.status = dns::Status::ServFail;
    a.why = "resolver not started yet";
    return std::make_shared<dns::ReadyPending>(std::move(a));
  }
  return inner->start(name, type);
}

bool LateResolver::cached(std::string_view name, dns::RrType type, dns::Answer& out) {
  std::shared_ptr<dns::Resolver> inner = current();
  return inner && inner->cached(name, type, out);
}

}  // namespace vouch::milter
