// Session options from the config: authserv-id (this host's name when unset), header
// limits and who counts as outbound. Pure function of one Config; thread-safe. The
// config is trusted-but-checked: a bad CIDR becomes a config::Error, never a throw.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "core/session.h"

namespace vouch::pipeline {

// This host's name (gethostname), or "localhost" when it has none.
std::string localHostname();

// Appends errors (file:line of the config) for values that cannot be used.
core::SessionOptions sessionOptionsFrom(const config::Config& cfg,
                                        std::vector<config::Error>& errors);

}  // namespace vouch::pipeline
