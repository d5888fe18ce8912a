// SpfHandler: answers Postfix policy requests from the SPF check and the local policy,
// by driving a core::Session to MAIL FROM exactly as the milter does (same checks,
// same Decider), so both front ends decide alike. One result per SMTP transaction
// (Postfix's `instance` attribute) even with many recipients, kept in a small bounded
// cache. Thread-safe: one handler per config snapshot serves every connection.
#pragma once

#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "pipeline/snapshot.h"
#include "policyd/server.h"

namespace vouch::policyd {

class SpfHandler final : public Handler {
 public:
  SpfHandler(std::shared_ptr<const pipeline::Snapshot> snapshot, bool prependReceivedSpf,
             std::size_t cacheSize = 4096);
  std::string decide(const Request& request) override;

  std::size_t evaluations() const;  // sessions run (cache misses), for tests

 private:
  std::string evaluate(const Request& request) const;

  std::shared_ptr<const pipeline::Snapshot> snapshot_;
  bool prependReceivedSpf_;
  std::size_t cacheSize_;
  mutable std::mutex mu_;
  std::list<std::pair<std::string, std::string>> lru_;  // front = newest
  std::unordered_map<std::string, std::list<std::pair<std::string, std::string>>::iterator> index_;
  std::size_t evaluations_ = 0;
};

}  // namespace vouch::policyd
