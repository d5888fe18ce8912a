// Library: the one DKIM_LIB handle of a config snapshot, shared by verification and
// signing. Owns the handle (dkim_init/dkim_close) and the KeyLookupService that the
// libopendkim DNS hooks call, so every key lookup goes through dns::Resolver. Configured
// once in create(), read-only afterwards: thread-safe to share. create() fails with a
// message (never throws) when libopendkim refuses a setting.
#pragma once

// <opendkim/dkim.h> is C and spells bool `_Bool`. g++'s <stdbool.h> maps it to bool in
// C++; clang's does not in strict -std=c++20, so map it here around the include only.
// Include libopendkim through this header, never directly.
#include <stdbool.h>  // NOLINT(modernize-deprecated-headers)
#ifndef _Bool
#define _Bool bool
#define VOUCH_DKIM_MAPPED_BOOL
#endif
#include <opendkim/dkim.h>
#ifdef VOUCH_DKIM_MAPPED_BOOL
#undef _Bool
#undef VOUCH_DKIM_MAPPED_BOOL
#endif

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "dkim/key_lookup_service.h"
#include "dns/resolver.h"

namespace vouch::dkim {

// What a verifier hangs on its DKIM handle (dkim_set_user_context) for the library's
// prescreen callback: signatures after the first maxSignatures are ignored, so they get
// no key lookup and no verification. Null context = check every signature.
struct VerifyScreen {
  std::size_t maxSignatures = 0;
  std::size_t ignored = 0;  // set by the prescreen: how many were skipped
};

class Library {
 public:
  // Flags: DKIM_LIBFLAGS_BADSIGHANDLES (malformed signatures are listed, so they can be
  // reported) and DKIM_LIBFLAGS_DELAYSIGPROC (key lookups at dkim_eom, not dkim_eoh). Timeout from dns.timeout_ms, clock drift from dkim.clock_drift_s, sign
  // and oversign header lists from dkim.sign_headers / dkim.oversign_headers (the
  // oversigned ones are added to the sign list: libopendkim needs them to be a subset).
  // The library's own minimum key size is off (0): RFC 8301 sizes are enforced by the
  // verify side as dkim=policy, and key-file checks belong to the signing side.
  static std::shared_ptr<Library> create(const config::Config& cfg,
                                         std::shared_ptr<dns::Resolver> resolver,
                                         std::string& error);
  // The same for the composition root: appends a config::Error instead.
  static std::shared_ptr<Library> create(const config::Config& cfg,
                                         std::shared_ptr<dns::Resolver> resolver,
                                         std::vector<config::Error>& errors);
  ~Library();
  Library(const Library&) = delete;
  Library& operator=(const Library&) = delete;

  DKIM_LIB* handle() const { return lib_.get(); }
  KeyLookupService& keyLookup() const { return *service_; }
  dns::Resolver& resolver() const { return service_->resolver(); }
  const std::shared_ptr<dns::Resolver>& resolverPtr() const { return service_->resolverPtr(); }

 private:
  Library() = default;

  struct LibClose {
    void operator()(DKIM_LIB* lib) const { dkim_close(lib); }
  };

  // Declared before lib_ so that it outlives the handle whose hooks point at it.
  std::unique_ptr<KeyLookupService> service_;
  std::unique_ptr<DKIM_LIB, LibClose> lib_;
};

}  // namespace vouch::dkim
