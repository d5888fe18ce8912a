// The milter daemon (server.h). Threads: the main thread owns start-up, the control
// signals (sigwait) and reload/shutdown; one listener thread runs smfi_main; libmilter's
// workers run the callbacks and read the current snapshot through the mutex-guarded
// pointer. Config errors stop start-up with exit status 2 and a message naming file and
// line; at reload they are logged and the old snapshot keeps serving.
#include "milter/server.h"

#include <libmilter/mfapi.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>

#include "config/config.h"
#include "milter/callbacks.h"
#include "milter/late_resolver.h"
#include "milter/privileges.h"
#include "milter/signals.h"
#include "milter/socket_spec.h"
#include "pipeline/snapshot.h"
#include "policyd/service.h"

namespace vouch::milter {

namespace {

// libmilter sets no TCP_NODELAY and does not expose its listening socket. Linux copies
// TCP_NODELAY from a listening socket to the sockets accept() returns, so it is set on
// every listening TCP socket of this process right after smfi_opensocket. Without it an
// end of message that adds a header and then accepts is two small writes, and the second
// waits for the MTA's delayed ACK: ~40 ms per message over inet (bench/RESULTS.md).
void setNoDelayOnTcpListeners() {
  for (int fd = 0; fd < 1024; ++fd) {
    int value = 0;
    socklen_t len = sizeof value;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &value, &len) != 0 || value == 0) continue;
    len = sizeof value;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &value, &len) != 0 || value != SOCK_STREAM) continue;
    sockaddr_storage addr{};
    socklen_t alen = sizeof addr;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &alen) != 0 ||
        (addr.ss_family != AF_INET && addr.ss_family != AF_INET6))
      continue;
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
}

}  // namespace

namespace {

std::shared_ptr<const config::Config> loadConfig(const MilterOptions& o,
                                                 std::vector<config::Error>& errors) {
  config::LoadResult r = config::load(o.configPath);
  if (!r.errors.empty() || !r.config) {
    errors.insert(errors.end(), r.errors.begin(), r.errors.end());
    return nullptr;
  }
  auto cfg = std::make_shared<config::Config>(*r.config);
  config::applyOverrides(*cfg, o.overrides, errors);
  if (!errors.empty()) return nullptr;
  return cfg;
}

std::shared_ptr<const core::Logger> makeLogger(const config::Config& c) {
  return std::make_shared<const core::Logger>(logOptionsFrom(c.log_target, c.log_format, c.log_level));
}

class Server final : public CallbackHost {
 public:
  explicit Server(MilterOptions o) : options_(std::move(o)) {}

  int start();
  int serve();  // returns only for a dead listener; a stop ends the process

  int tcpListenPort() const override {
    return socket_.kind == SocketSpec::Kind::Unix ? 0 : socket_.port;
  }
  void quickAckUnavailable() override {
    if (!quickAckWarned_.exchange(true))
      log_->event(LogLevel::Warning, "TCP quick ACKs unavailable (libmilter context layout not recognised): "
                                     "each message may wait ~40 ms for a delayed ACK; a unix socket avoids it");
  }
  std::shared_ptr<const pipeline::Snapshot> currentSnapshot() const override {
    std::lock_guard lock(snapshotMutex_);
    return snapshot_;
  }
  FlightTracker& flights() override { return flights_; }
  MilterLog& log() override { return *log_; }

 private:
  int fail(const std::string& message) {
    std::cerr << "vouch milter: " << message << "\n";
    if (log_) log_->event(LogLevel::Error, "start-up failed: " + message);
    return 2;
  }
  void reload();
  [[noreturn]] void stop(int status);
  void runListener();

  MilterOptions options_;
  std::shared_ptr<LateResolver> resolver_ = std::make_shared<LateResolver>();
  std::unique_ptr<LoggerLog> log_;
  FlightTracker flights_;
  SocketSpec socket_;
  mutable std::mutex snapshotMutex_;
  std::shared_ptr<const pipeline::Snapshot> snapshot_;
  std::unique_ptr<policyd::Service> policy_;  // policy delegation, when policyd.socket is set
  unsigned generation_ = 1;
  pthread_t mainThread_{};
  std::mutex listenerMutex_;
  std::condition_variable listenerDone_;
  bool listenerFinished_ = false;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> quickAckWarned_{false};
};

int Server::start() {
  std::string error;
  // Before anything can start a thread: every later thread inherits this mask.
  if (!blockControlSignals(error)) return fail(error);
  mainThread_ = pthread_self();

  std::vector<config::Error> errors;
  auto cfg = loadConfig(options_, errors);
  if (!cfg) {
    for (const auto& e : errors) std::cerr << e.toString() << "\n";
    return fail("configuration has " + std::to_string(errors.size()) + " error(s)");
  }
  log_ = std::make_unique<LoggerLog>(makeLogger(*cfg));
  if (!parseSocketSpec(cfg->milter_socket, socket_, error)) return fail(error);
  mode_t mode = 0660;
  if (!parseSocketMode(cfg->milter_socket_mode, mode))
    return fail("milter.socket_mode \"" + cfg->milter_socket_mode + "\" is not an octal mode");

  const bool root = geteuid() == 0;
  RunAs runAs{"", getuid(), getgid()};
  if (root && !cfg->allow_root && !resolveRunAs(cfg->user, cfg->group, runAs, error)) return fail(error);
  if (root && cfg->allow_root)
    log_->event(LogLevel::Warning, "general.allow_root is set: running as root");

  // Keys, policies and config are read here, as root, before the drop.
  snapshot_ = pipeline::Snapshot::build(cfg, resolver_, errors);
  if (!snapshot_) {
    for (const auto& e : errors) std::cerr << e.toString() << "\n";
    return fail("cannot build the checks from the configuration");
  }

  smfiDesc desc = makeMilterDescription(*this);
  if (smfi_setconn(const_cast<char*>(socket_.libmilter.c_str())) != MI_SUCCESS ||
      smfi_settimeout(static_cast<int>(cfg->milter_timeout_s)) != MI_SUCCESS ||
      smfi_setbacklog(static_cast<int>(cfg->milter_backlog)) != MI_SUCCESS ||
      smfi_register(desc) != MI_SUCCESS)
    return fail("libmilter refused the set-up for " + socket_.libmilter);
  // libmilter drops the connection on any command over 64 KB, and Postfix sends a
  // header whole (up to its header_size_limit, 100 KB by default): allow 1 MB, so a big
  // header meets limits.max_header_bytes instead of the MTA's default action.
  smfi_setmaxdatasize(1024 * 1024);
  if (smfi_opensocket(true) != MI_SUCCESS)
    return fail("cannot listen on " + socket_.libmilter + " (in use, or no permission)");
  if (socket_.kind != SocketSpec::Kind::Unix) setNoDelayOnTcpListeners();
  if (socket_.kind == SocketSpec::Kind::Unix) {
    uid_t owner = root ? runAs.uid : getuid();
    gid_t group = root ? runAs.gid : getgid();
    RunAs named;
    if (!cfg->milter_socket_owner.empty()) {
      if (!resolveRunAs(cfg->milter_socket_owner, cfg->milter_socket_group, named, error)) return fail(error);
      owner = named.uid;
      group = named.gid;
    } else if (!cfg->milter_socket_group.empty()) {
      if (!resolveRunAs(runAs.user.empty() ? cfg->user : runAs.user, cfg->milter_socket_group, named, error))
        return fail(error);
      group = named.gid;
    }
    if (!applySocketOwnership(socket_.path, root ? owner : static_cast<uid_t>(-1),
                              root ? group : static_cast<gid_t>(-1), mode, error))
      return fail(error);
  }

  // The policy-delegation socket is bound here too, before the privilege drop.
  policy_ = policyd::Service::open(*cfg, error);
  if (!policy_ && !error.empty()) return fail(error);

  if (root && !cfg->allow_root && !dropPrivileges(runAs, error)) return fail(error);

  // libunbound only now: after the drop, and never before a fork.
  auto real = pipeline::makeResolver(*cfg, options_.dnsFile, error);
  if (!real) return fail("DNS resolver: " + error);
  resolver_->set(std::move(real));

  std::thread([this] { runListener(); }).detach();
  if (policy_) {
    if (!policy_->start(snapshot_, resolver_, errors)) {
      for (const auto& e : errors) std::cerr << e.toString() << "\n";
      return fail("cannot build the policy-delegation answers (policyd.policy)");
    }
    log_->event(LogLevel::Info, "policy delegation listening on " + cfg->policyd_socket);
  }
  log_->event(LogLevel::Info, "listening on " + socket_.libmilter + " as uid " +
                                  std::to_string(geteuid()) + ", config " + options_.configPath);
  return 0;
}

void Server::runListener() {
  const int rc = smfi_main();
  {
    std::lock_guard lock(listenerMutex_);
    listenerFinished_ = true;
  }
  listenerDone_.notify_all();
  if (!stopping_.load()) {
    log_->event(LogLevel::Error, "libmilter listener ended unexpectedly (" + std::to_string(rc) + ")");
    pthread_kill(mainThread_, SIGTERM);  // wakes the sigwait loop
  }
}

int Server::serve() {
  for (;;) {
    int signo = 0;
    const ControlSignal s = waitControlSignal(&signo);
    if (s == ControlSignal::Reload) {
      reload();
    } else if (s == ControlSignal::Stop) {
      bool dead;
      {
        std::lock_guard lock(listenerMutex_);
        dead = listenerFinished_;
      }
      if (dead && !stopping_.load()) return 1;
      stop(0);
    }
  }
}

void Server::reload() {
  std::vector<config::Error> errors;
  auto cfg = loadConfig(options_, errors);
  std::shared_ptr<const pipeline::Snapshot> next;
  if (cfg) next = pipeline::Snapshot::build(cfg, resolver_, errors);
  if (!next) {
    for (const auto& e : errors) log_->event(LogLevel::Error, "reload: " + e.toString());
    log_->event(LogLevel::Error, "reload refused (" + std::to_string(errors.size()) +
                                     " error(s)); still serving generation " + std::to_string(generation_));
    return;
  }
  const auto old = currentSnapshot();
  for (const auto& e : config::reloadConflicts(old->config(), *cfg))
    log_->event(LogLevel::Warning, "reload: " + e.toString() + " (needs a restart; old value kept)");
  {
    std::lock_guard lock(snapshotMutex_);
    snapshot_ = next;  // connections in flight keep the snapshot they hold
  }
  if (policy_ && !policy_->update(next, resolver_, errors)) {
    for (const auto& e : errors) log_->event(LogLevel::Error, "reload: " + e.toString());
    log_->event(LogLevel::Error, "reload: policy delegation keeps its previous policy");
  }
  ++generation_;
  const auto& oc = old->config();
  if (oc.log_target != cfg->log_target || oc.log_format != cfg->log_format || oc.log_level != cfg->log_level)
    log_->setLogger(makeLogger(*cfg));
  log_->event(LogLevel::Info, "reloaded configuration: generation " + std::to_string(generation_) +
                                  ", policy " + cfg->policy_name);
}

void Server::stop(int status) {
  stopping_.store(true);
  const auto grace = std::chrono::seconds(currentSnapshot()->config().milter_shutdown_grace_s);
  flights_.startDraining();  // new connections and messages now get 451 4.3.2
  log_->event(LogLevel::Info, "stopping: " + std::to_string(flights_.inFlight()) +
                                  " message(s) in flight, grace " + std::to_string(grace.count()) + "s");
  const std::size_t left = flights_.waitDrained(grace);
  if (left > 0)
    log_->event(LogLevel::Warning, std::to_string(left) +
                                       " message(s) still in flight after the grace period; the MTA applies its milter_default_action");
  smfi_stop();
  {
    std::unique_lock lock(listenerMutex_);
    listenerDone_.wait_for(lock, std::chrono::seconds(15), [this] { return listenerFinished_; });
  }
  if (socket_.kind == SocketSpec::Kind::Unix && unlink(socket_.path.c_str()) != 0 && errno != ENOENT)
    log_->event(LogLevel::Warning, "cannot remove " + socket_.path + ": " + std::strerror(errno) +
                                       " (its folder is not writable by the run user; the next start replaces it)");
  if (policy_) policy_->stop();
  log_->event(LogLevel::Info, "stopped");
  std::fflush(nullptr);
  // libmilter's worker threads may still be parked in its code; running static
  // destructors under them is unsafe, so end the process here.
  _exit(status);
}

}  // namespace

int runMilter(const MilterOptions& options) {
  auto server = std::make_unique<Server>(options);
  const int rc = server->start();
  if (rc != 0) return rc;  // no thread was started: safe to destroy
  // From here on libmilter's threads may reach the server until the process ends
  // (stop() ends it with _exit), so it is never destroyed.
  return server.release()->serve();
}

}  // namespace vouch::milter
