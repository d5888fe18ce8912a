// Session options from the config (see session_options.h). Reads one immutable Config;
// no state. The authserv-id falls back to gethostname(): the name receivers expect in
// our Authentication-Results and the one forged headers are matched against. Never
// throws; unusable values are reported as config errors naming the setting.
#include "pipeline/session_options.h"

#include <unistd.h>

#include <climits>

namespace vouch::pipeline {

std::string localHostname() {
  char buf[HOST_NAME_MAX + 1] = {};
  if (gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "localhost";
  return buf;
}

core::SessionOptions sessionOptionsFrom(const config::Config& cfg,
                                        std::vector<config::Error>& errors) {
  core::SessionOptions o;
  o.authservId = cfg.authserv_id.empty() ? localHostname() : cfg.authserv_id;
  o.maxHeaders = static_cast<std::size_t>(cfg.max_headers);
  o.maxHeaderBytes = static_cast<std::size_t>(cfg.max_header_bytes);
  o.signAuthenticated = cfg.sign_authenticated;
  o.outboundDaemons = cfg.outbound_daemons;
  for (const auto& text : cfg.internal_networks) {
    if (auto cidr = core::Cidr::parse(text)) {
      o.internalNetworks.push_back(*cidr);
    } else {
      errors.push_back({cfg.mainFile, 0,
                        "outbound.internal_networks: \"" + text + "\" is not an address or CIDR"});
    }
  }
  return o;
}

}  // namespace vouch::pipeline
