// LateResolver: a dns::Resolver whose real implementation arrives later. The milter
// builds its first Snapshot as root (keys and policies are read before the privilege
// drop) but must create the libunbound resolver after dropping privileges; snapshots
// hold this forwarder, and set() installs the real resolver once it exists. Before
// that every query answers ServFail (a temporary DNS error, never a wrong answer).
// Thread-safe: the pointer is guarded by a mutex; queries run on any thread.
#pragma once

#include <memory>
#include <mutex>
#include <string_view>

#include "dns/resolver.h"

namespace vouch::milter {

class LateResolver final : public dns::Resolver {
 public:
  void set(std::shared_ptr<dns::Resolver> inner);
  bool ready() const;
  dns::PendingPtr start(std::string_view name, dns::RrType type) override;
  bool cached(std::string_view name, dns::RrType type, dns::Answer& out) override;

 private:
  std::shared_ptr<dns::Resolver> current() const;

  mutable std::mutex mutex_;
  std::shared_ptr<dns::Resolver> inner_;
};

}  // namespace vouch::milter
