// UnboundResolver (see unbound_resolver.h). Ownership: each in-flight query's State is
// held by Core::inflight_ until exactly one of (a) the libunbound callback, (b) a
// successful ub_cancel, or (c) shutdown removes it and delivers its Answer; the callback
// argument is the raw State*, valid because the map still owns it (and State's Core
// pointer is valid because callbacks only run on the event thread, inside our lifetime). Core's
// mutex is never held while calling into libunbound's resolve path, so callbacks cannot deadlock on
// it.
#include "dns/unbound_resolver.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unbound.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>

#include "dns/names.h"
#include "dns/unbound_answer.h"
#include "dns/unbound_context.h"

namespace vouch::dns {

namespace {

// One query's meeting point between the event thread and its waiters.
struct State {
  std::mutex mutex;
  std::condition_variable ready;
  bool done = false;
  Answer answer;
  int asyncId = -1;
  Deadline expiry;
  std::string name;
  UnboundResolver::Core* core = nullptr;  // outlives the query: see the file comment

  void deliver(Answer a) {
    {
      std::lock_guard lock(mutex);
      if (done) {
        return;
      }
      answer = std::move(a);
      done = true;
    }
    ready.notify_all();
  }
};

Answer failure(Status status, std::string why) {
  Answer a;
  a.status = status;
  a.why = std::move(why);
  return a;
}

}  // namespace

struct UnboundResolver::Core {
  std::unique_ptr<UnboundContext> ctx;
  bool validating = false;
  int timeoutMs = 5000;
  std::mutex mutex;
  std::map<State*, std::shared_ptr<State>> inflight;

  // Removes `s` from the in-flight map; null when someone else already did.
  std::shared_ptr<State> take(State* s) {
    std::lock_guard lock(mutex);
    auto it = inflight.find(s);
    if (it == inflight.end()) {
      return nullptr;
    }
    auto owned = std::move(it->second);
    inflight.erase(it);
    return owned;
  }

  // Gives up on `s`: when libunbound agrees (the callback will never run), the waiters
  // get `why`; when the answer is being delivered right now, the callback wins.
  void cancel(State* s, Answer why) {
    std::lock_guard lock(mutex);
    auto it = inflight.find(s);
    if (it == inflight.end()) {
      return;
    }
    if (s->asyncId >= 0 && ub_cancel(ctx->get(), s->asyncId) != 0) {
      return;
    }
    auto owned = std::move(it->second);
    inflight.erase(it);
    owned->deliver(std::move(why));
  }
};

namespace {

void onResult(void* arg, int err, ub_result* result) {
  auto* s = static_cast<State*>(arg);
  UnboundResolver::Core* core = s->core;
  Answer a = answerFromUnbound(err, result, core->validating, s->name);
  if (result != nullptr) {
    ub_resolve_free(result);
  }
  if (auto owned = core->take(s)) {
    owned->deliver(std::move(a));
  }
}

// How long a waiter waits for a callback that won the race against its ub_cancel.
constexpr std::chrono::milliseconds kDeliveryGrace{1000};

// The Pending handed to callers. Dropping it unanswered cancels the query.
class UnboundPending final : public Pending {
 public:
  UnboundPending(std::shared_ptr<UnboundResolver::Core> core, std::shared_ptr<State> state)
      : core_(std::move(core)), state_(std::move(state)) {}
  ~UnboundPending() override {
    core_->cancel(state_.get(), failure(Status::ServFail, "abandoned"));
  }

  Answer wait(Deadline deadline) override {
    Deadline until = std::min(deadline, state_->expiry);
    {
      std::unique_lock lock(state_->mutex);
      if (state_->ready.wait_until(lock, until, [this] { return state_->done; })) {
        return state_->answer;
      }
    }
    if (Clock::now() < state_->expiry) {
      // The caller's own deadline passed first; the query stays alive for a later wait.
      return failure(Status::Timeout, "caller deadline passed");
    }
    Answer late =
        failure(Status::Timeout, "no answer within " + std::to_string(core_->timeoutMs) + " ms");
    core_->cancel(state_.get(), late);
    // When cancel lost the race, the callback is delivering right now: wait for it.
    std::unique_lock lock(state_->mutex);
    if (state_->ready.wait_for(lock, kDeliveryGrace, [this] { return state_->done; })) {
      return state_->answer;
    }
    return late;
  }

 private:
  std::shared_ptr<UnboundResolver::Core> core_;
  std::shared_ptr<State> state_;
};

}  // namespace

UnboundOptions UnboundOptions::fromConfig(const config::Config& cfg) {
  UnboundOptions o;
  o.nameservers = cfg.dns_nameservers;
  o.timeoutMs = static_cast<int>(cfg.dns_timeout_ms);
  o.trustAnchorFile = cfg.dns_trust_anchor;
  o.cacheMb = static_cast<int>(cfg.dns_cache_mb);
  o.infraHostTtlS = static_cast<int>(cfg.dns_infra_host_ttl_s);
  return o;
}

std::shared_ptr<UnboundResolver> UnboundResolver::create(const UnboundOptions& options,
                                                         std::string& error) {
  UnboundSetup setup;
  setup.nameservers = options.nameservers;
  setup.trustAnchorFile = options.trustAnchorFile;
  setup.cacheMb = options.cacheMb;
  setup.infraHostTtlS = options.infraHostTtlS;
  auto ctx = UnboundContext::create(setup, error);
  if (!ctx) {
    return nullptr;
  }
  int wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake < 0) {
    error = std::string("eventfd: ") + std::strerror(errno);
    return nullptr;
  }
  auto core = std::make_shared<Core>();
  core->ctx = std::move(ctx);
  core->validating = !options.trustAnchorFile.empty();
  core->timeoutMs = options.timeoutMs > 0 ? options.timeoutMs : 1;
  return std::shared_ptr<UnboundResolver>(new UnboundResolver(std::move(core), wake));
}

UnboundResolver::UnboundResolver(std::shared_ptr<Core> core, int wakeFd)
    : core_(std::move(core)), wakeFd_(wakeFd), thread_([this] { run(); }) {}

UnboundResolver::~UnboundResolver() {
  stopping_ = true;
  std::uint64_t one = 1;
  (void)!write(wakeFd_, &one, sizeof one);
  thread_.join();
  close(wakeFd_);
  // No callback can run any more: answer whoever still waits.
  std::lock_guard lock(core_->mutex);
  for (auto& [raw, state] : core_->inflight) {
    if (state->asyncId >= 0) {
      ub_cancel(core_->ctx->get(), state->asyncId);
    }
    state->deliver(failure(Status::ServFail, "resolver stopped"));
  }
  core_->inflight.clear();
}

void UnboundResolver::run() {
  pollfd fds[2] = {{ub_fd(core_->ctx->get()), POLLIN, 0}, {wakeFd_, POLLIN, 0}};
  while (!stopping_) {
    int n = poll(fds, 2, -1);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      break;  // cannot happen with valid fds; waiters then time out, as for a dead server
    }
    if (fds[0].revents & POLLIN) {
      ub_process(core_->ctx->get());
    }
  }
}

PendingPtr UnboundResolver::start(std::string_view name, RrType type) {
  if (!isValidName(name)) {
    return std::make_shared<ReadyPending>(failure(Status::NxDomain, "malformed domain name"));
  }
  auto state = std::make_shared<State>();
  state->expiry = Clock::now() + std::chrono::milliseconds(core_->timeoutMs);
  state->name = normalizeName(name);
  {
    std::lock_guard lock(core_->mutex);
    core_->inflight.emplace(state.get(), state);
  }
  state->core = core_.get();
  std::string qname = state->name.empty() ? "." : state->name;
  int id = -1;
  int rc = ub_resolve_async(core_->ctx->get(), qname.c_str(), static_cast<int>(type), 1 /* IN */,
                            state.get(), onResult, &id);
  if (rc != 0) {
    if (auto owned = core_->take(state.get())) {
      owned->deliver(
          failure(Status::ServFail, std::string("ub_resolve_async: ") + ub_strerror(rc)));
    }
  } else {
    std::lock_guard lock(core_->mutex);
    state->asyncId = id;
  }
  return std::make_shared<UnboundPending>(core_, std::move(state));
}

}  // namespace vouch::dns
