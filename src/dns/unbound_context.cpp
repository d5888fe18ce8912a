// UnboundContext set-up (see unbound_context.h). Every libunbound call is checked; the
// first refusal ends set-up with a message naming the step. The zone edits come last
// because they finalise the context (later option calls fail with UB_AFTERFINAL).
#include "dns/unbound_context.h"

#include <unbound.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string_view>

namespace vouch::dns {

namespace {

// Special-use zones libunbound answers itself with NXDOMAIN (RFC 6761 / RFC 6303 /
// RFC 5737 documentation ranges). Test zones use these names and mail tests use the
// documentation address ranges, so the queries must reach the upstream instead.
constexpr std::array<std::string_view, 5> kZonesToRemove{
    "test.",
    "2.0.192.in-addr.arpa.",
    "100.51.198.in-addr.arpa.",
    "113.0.203.in-addr.arpa.",
    "8.b.d.0.1.0.0.2.ip6.arpa.",
};

bool step(int rc, std::string_view what, std::string& error) {
  if (rc == 0) {
    return true;
  }
  error = std::string(what) + ": " + ub_strerror(rc);
  return false;
}

bool setOption(ub_ctx* ctx, const char* name, const std::string& value, std::string& error) {
  return step(ub_ctx_set_option(ctx, name, value.c_str()),
              std::string("unbound option ") + name + " " + value, error);
}

}  // namespace

std::unique_ptr<UnboundContext> UnboundContext::create(const UnboundSetup& setup,
                                                       std::string& error) {
  ub_ctx* raw = ub_ctx_create();
  if (raw == nullptr) {
    error = "ub_ctx_create failed";
    return nullptr;
  }
  std::unique_ptr<UnboundContext> owner(new UnboundContext(raw));
  ub_ctx* ctx = owner->get();

  if (setup.nameservers.empty()) {
    if (!step(ub_ctx_resolvconf(ctx, nullptr), "reading /etc/resolv.conf", error)) {
      return nullptr;
    }
  }
  for (const auto& ns : setup.nameservers) {
    if (!step(ub_ctx_set_fwd(ctx, ns.c_str()), "nameserver " + ns, error)) {
      return nullptr;
    }
  }
  const std::string cache = std::to_string(setup.cacheMb) + "m";
  if (!setOption(ctx, "msg-cache-size:", cache, error)) {
    return nullptr;
  }
  if (!setOption(ctx, "rrset-cache-size:", cache, error)) {
    return nullptr;
  }
  if (!setOption(ctx, "infra-host-ttl:", std::to_string(setup.infraHostTtlS), error)) {
    return nullptr;
  }
  // Threads, not a forked helper process (libunbound forks by default).
  if (!step(ub_ctx_async(ctx, 1), "ub_ctx_async", error)) {
    return nullptr;
  }
  // libunbound reads the anchor only when the context is finalised, with a vague error.
  if (!setup.trustAnchorFile.empty() && access(setup.trustAnchorFile.c_str(), R_OK) != 0) {
    error = "trust anchor " + setup.trustAnchorFile + ": " + std::strerror(errno);
    return nullptr;
  }
  if (!setup.trustAnchorFile.empty() &&
      !step(ub_ctx_add_ta_file(ctx, setup.trustAnchorFile.c_str()),
            "trust anchor " + setup.trustAnchorFile, error)) {
    return nullptr;
  }
  for (std::string_view zone : kZonesToRemove) {
    if (!step(ub_ctx_zone_remove(ctx, std::string(zone).c_str()),
              "finalising libunbound (removing local zone " + std::string(zone) +
                  "; check the trust anchor and options)",
              error)) {
      return nullptr;
    }
  }
  return owner;
}

UnboundContext::~UnboundContext() { ub_ctx_delete(ctx_); }

}  // namespace vouch::dns
