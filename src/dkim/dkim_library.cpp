// Library (see the header): dkim_init, the options from Config, and the C hooks that
// hand key lookups to KeyLookupService and screen signatures past dkim.max_signatures.
// Runs once per config snapshot, before any thread uses the handle; the hooks then run
// on every worker thread at once and only touch thread-safe or per-call state.
// Fails by returning null with a message naming the option libopendkim refused.
#include "dkim/dkim_library.h"

#include <strings.h>
#include <sys/time.h>

#include <algorithm>
#include <chrono>
#include <cstring>

namespace vouch::dkim {
namespace {

int queryStart(void* svc, int /*type*/, unsigned char* qname, unsigned char* buf,
               std::size_t buflen, void** qh) {
  try {
    auto* service = static_cast<KeyLookupService*>(svc);
    const char* name = reinterpret_cast<const char*>(qname);
    *qh = service->start(name != nullptr ? name : "", buf, buflen).release();
    return DKIM_DNS_SUCCESS;
  } catch (...) {
    return DKIM_DNS_ERROR;  // no exception may cross into C
  }
}

int queryWait(void* svc, void* qh, struct timeval* timeout, std::size_t* bytes, int* /*error*/,
              int* dnssec) {
  try {
    auto* service = static_cast<KeyLookupService*>(svc);
    return service->wait(*static_cast<KeyLookupService::Query*>(qh), timeout, bytes, dnssec);
  } catch (...) {
    return DKIM_DNS_ERROR;
  }
}

// libopendkim calls cancel after every query, answered or not: the one place to free it.
int queryCancel(void* /*svc*/, void* qh) {
  delete static_cast<KeyLookupService::Query*>(qh);
  return DKIM_DNS_SUCCESS;
}

DKIM_CBSTAT prescreen(DKIM* dkim, DKIM_SIGINFO** sigs, int nsigs) {
  auto* screen = static_cast<VerifyScreen*>(dkim_get_user_context(dkim));
  if (screen == nullptr || sigs == nullptr) return DKIM_CBSTAT_CONTINUE;
  for (int i = 0; i < nsigs; ++i) {
    if (static_cast<std::size_t>(i) >= screen->maxSignatures && sigs[i] != nullptr) {
      dkim_sig_ignore(sigs[i]);
      ++screen->ignored;
    }
  }
  return DKIM_CBSTAT_CONTINUE;
}

// A NULL-terminated char* array over strings that outlive the dkim_options call.
std::vector<const char*> cArray(const std::vector<std::string>& v) {
  std::vector<const char*> out;
  out.reserve(v.size() + 1);
  for (const auto& s : v) out.push_back(s.c_str());
  out.push_back(nullptr);
  return out;
}

}  // namespace

std::shared_ptr<Library> Library::create(const config::Config& cfg,
                                         std::shared_ptr<dns::Resolver> resolver,
                                         std::string& error) {
  if (!resolver) {
    error = "dkim: no DNS resolver";
    return nullptr;
  }
  std::shared_ptr<Library> self(new Library());
  const auto timeoutMs = std::max<std::int64_t>(cfg.dns_timeout_ms, 1);
  self->service_ = std::make_unique<KeyLookupService>(std::move(resolver),
                                                      std::chrono::milliseconds(timeoutMs));
  self->lib_.reset(dkim_init(nullptr, nullptr));
  if (!self->lib_) {
    error = "dkim: dkim_init failed";
    return nullptr;
  }
  DKIM_LIB* lib = self->lib_.get();

  auto set = [&](dkim_opts_t opt, void* value, std::size_t len, const char* what) {
    if (dkim_options(lib, DKIM_OP_SETOPT, opt, value, len) == DKIM_STAT_OK) return true;
    error = std::string("dkim: libopendkim refused option ") + what;
    return false;
  };
  // DELAYSIGPROC: key lookups and signature checks wait for dkim_eom, so the body streams
  // in while prefetched lookups are still in flight.
  unsigned int flags = DKIM_LIBFLAGS_BADSIGHANDLES | DKIM_LIBFLAGS_DELAYSIGPROC;
  // libopendkim's timeout is whole seconds; the message deadline still bounds each wait.
  unsigned int timeoutS = static_cast<unsigned int>((timeoutMs + 999) / 1000);
  std::uint64_t drift = static_cast<std::uint64_t>(std::max<std::int64_t>(cfg.dkim_clock_drift_s, 0));
  // 0 disables libopendkim's own check, which would also refuse Ed25519 (size 0) when
  // run at dkim_eom; the RSA minimum is enforced as dkim=policy by the verify side.
  unsigned int minBits = 0;
  if (!set(DKIM_OPTS_FLAGS, &flags, sizeof flags, "flags") ||
      !set(DKIM_OPTS_TIMEOUT, &timeoutS, sizeof timeoutS, "timeout") ||
      !set(DKIM_OPTS_CLOCKDRIFT, &drift, sizeof drift, "clock drift") ||
      !set(DKIM_OPTS_MINKEYBITS, &minBits, sizeof minBits, "minimum key bits")) {
    return nullptr;
  }

  std::vector<std::string> signHeaders = cfg.dkim_sign_headers;
  for (const auto& h : cfg.dkim_oversign_headers) {
    auto same = [&](const std::string& s) { return strcasecmp(s.c_str(), h.c_str()) == 0; };
    if (std::none_of(signHeaders.begin(), signHeaders.end(), same)) signHeaders.push_back(h);
  }
  if (!signHeaders.empty()) {
    auto arr = cArray(signHeaders);
    const char** ptr = arr.data();
    if (!set(DKIM_OPTS_SIGNHDRS, static_cast<void*>(ptr), sizeof(char**), "dkim.sign_headers")) {
      return nullptr;
    }
  }
  if (!cfg.dkim_oversign_headers.empty()) {
    auto arr = cArray(cfg.dkim_oversign_headers);
    const char** ptr = arr.data();
    if (!set(DKIM_OPTS_OVERSIGNHDRS, static_cast<void*>(ptr), sizeof(char**),
             "dkim.oversign_headers")) {
      return nullptr;
    }
  }

  // Our hooks only: no lazy res_ninit (shared, unlocked) and no res_nclose on our service.
  dkim_dns_set_init(lib, nullptr);
  dkim_dns_set_close(lib, nullptr);
  dkim_dns_set_query_service(lib, self->service_.get());
  dkim_dns_set_query_start(lib, queryStart);
  dkim_dns_set_query_waitreply(lib, queryWait);
  dkim_dns_set_query_cancel(lib, queryCancel);
  if (dkim_set_prescreen(lib, prescreen) != DKIM_STAT_OK) {
    error = "dkim: cannot install the signature prescreen";
    return nullptr;
  }
  return self;
}

std::shared_ptr<Library> Library::create(const config::Config& cfg,
                                         std::shared_ptr<dns::Resolver> resolver,
                                         std::vector<config::Error>& errors) {
  std::string error;
  auto lib = create(cfg, std::move(resolver), error);
  if (!lib) errors.push_back({cfg.mainFile, 0, error});
  return lib;
}

Library::~Library() = default;

}  // namespace vouch::dkim
