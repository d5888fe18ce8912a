// Service: see service.h.
#include "policyd/service.h"

namespace vouch::policyd {

std::unique_ptr<Service> Service::open(const config::Config& config, std::string& error,
                                       const std::string& socketOverride) {
  ServerOptions o;
  o.socket = socketOverride.empty() ? config.policyd_socket : socketOverride;
  if (o.socket.empty()) return nullptr;
  o.idleTimeoutS = static_cast<int>(config.policyd_idle_timeout_s);
  o.maxConnections = static_cast<std::size_t>(config.policyd_max_connections);
  o.limits.maxRequestBytes = static_cast<std::size_t>(config.policyd_max_request_bytes);
  o.limits.maxAttributes = static_cast<std::size_t>(config.policyd_max_attributes);
  o.limits.maxLine = static_cast<std::size_t>(config.policyd_max_line);
  auto server = Server::listen(o, error);
  if (!server) return nullptr;
  return std::unique_ptr<Service>(new Service(std::move(server)));
}

Service::~Service() { stop(); }

std::shared_ptr<Handler> Service::current() const {
  std::lock_guard lock(mu_);
  return handler_;
}

bool Service::update(std::shared_ptr<const pipeline::Snapshot> snapshot,
                     std::shared_ptr<dns::Resolver> resolver, std::vector<config::Error>& errors) {
  const config::Config& c = snapshot->config();
  if (!c.policyd_policy.empty() && c.policyd_policy != c.policy_name) {
    auto own = std::make_shared<config::Config>(c);
    own->policy_name = c.policyd_policy;
    snapshot = pipeline::Snapshot::build(own, std::move(resolver), errors);
    if (!snapshot) return false;
  }
  bool prepend = snapshot->config().spf_received_spf;
  auto h = std::make_shared<SpfHandler>(std::move(snapshot), prepend);
  std::lock_guard lock(mu_);
  handler_ = std::move(h);
  return true;
}

bool Service::start(std::shared_ptr<const pipeline::Snapshot> snapshot,
                    std::shared_ptr<dns::Resolver> resolver, std::vector<config::Error>& errors) {
  if (!update(std::move(snapshot), std::move(resolver), errors)) return false;
  thread_ = std::thread([this] { server_->run([this] { return current(); }); });
  return true;
}

void Service::stop() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace vouch::policyd
