// Text names of the core enums that appear in logs, JSON output and policies
// (Action, ClientClass). Result's names live with the A-R renderer, which defines them.
// Stateless and thread-safe; the names are a stable contract of `vouch check` output
// and log lines, so change them only together with the golden fixtures.
#include "core/connection.h"
#include "core/verdict.h"

namespace vouch::core {

std::string_view toString(Action a) {
  switch (a) {
    case Action::Continue: return "continue";
    case Action::Accept: return "accept";
    case Action::Quarantine: return "quarantine";
    case Action::TempFail: return "tempfail";
    case Action::Reject: return "reject";
    case Action::Discard: return "discard";
  }
  return "continue";
}

std::string_view toString(ClientClass c) {
  switch (c) {
    case ClientClass::External: return "external";
    case ClientClass::Internal: return "internal";
    case ClientClass::Authenticated: return "authenticated";
    case ClientClass::TrustedForwarder: return "trusted_forwarder";  // as in policies/*.toml
  }
  return "external";
}

}  // namespace vouch::core
