// Service: the policy-delegation server bound to the current config snapshot. Opened
// (socket bound) before privileges are dropped, started on its own accept thread, and
// told about each new snapshot after a reload so later requests use the new config and
// policy while requests in flight finish on the old one. Used inside `vouch milter`
// (when policyd.socket is set) and alone by `vouch policy`. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "pipeline/snapshot.h"
#include "policyd/server.h"
#include "policyd/spf_handler.h"

namespace vouch::policyd {

class Service {
 public:
  // Binds config.policyd_socket (or `socketOverride` when not empty). Null with an
  // empty error when no socket is configured (the service is off).
  static std::unique_ptr<Service> open(const config::Config& config, std::string& error,
                                       const std::string& socketOverride = {});
  ~Service();

  // Both take the milter's snapshot; when policyd.policy names another local policy, a
  // snapshot with that policy is built for the answers (errors: the previous handler, if
  // any, keeps serving and false is returned).
  bool start(std::shared_ptr<const pipeline::Snapshot> snapshot,
             std::shared_ptr<dns::Resolver> resolver, std::vector<config::Error>& errors);
  bool update(std::shared_ptr<const pipeline::Snapshot> snapshot,
              std::shared_ptr<dns::Resolver> resolver, std::vector<config::Error>& errors);
  void stop();
  int port() const { return server_->port(); }

 private:
  explicit Service(std::unique_ptr<Server> server) : server_(std::move(server)) {}
  std::shared_ptr<Handler> current() const;

  std::unique_ptr<Server> server_;
  mutable std::mutex mu_;
  std::shared_ptr<Handler> handler_;
  std::thread thread_;
};

}  // namespace vouch::policyd
