// VerifyOptions: the DKIM verification settings, copied out of one config::Config so
// that a verifier never reads the config again mid-message. Plain value, thread-safe
// to copy. Bounds are the settings table's (settings.def); fromConfig trusts a Config
// that passed validation and clamps anyway, so a bad value cannot disable a limit.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>

#include "config/config.h"

namespace vouch::dkim {

struct VerifyOptions {
  std::size_t maxSignatures = 5;       // dkim.max_signatures
  unsigned minRsaBits = 1024;          // dkim.min_rsa_bits (RFC 8301)
  bool acceptBodyLength = true;        // dkim.accept_body_length (l=)
  std::chrono::milliseconds dnsDeadline{20000};  // dns.deadline_ms, from message start
  std::size_t maxHeaders = 1000;       // limits.max_headers
  std::size_t maxHeaderBytes = 1 << 20;  // limits.max_header_bytes

  static VerifyOptions fromConfig(const config::Config& cfg) {
    VerifyOptions o;
    o.maxSignatures = static_cast<std::size_t>(std::clamp<std::int64_t>(cfg.dkim_max_signatures, 1, 50));
    o.minRsaBits = static_cast<unsigned>(std::clamp<std::int64_t>(cfg.dkim_min_rsa_bits, 1024, 8192));
    o.acceptBodyLength = cfg.dkim_accept_l_tag;
    o.dnsDeadline = std::chrono::milliseconds(std::clamp<std::int64_t>(cfg.dns_deadline_ms, 100, 120000));
    o.maxHeaders = static_cast<std::size_t>(std::clamp<std::int64_t>(cfg.max_headers, 10, 100000));
    o.maxHeaderBytes =
        static_cast<std::size_t>(std::clamp<std::int64_t>(cfg.max_header_bytes, 4096, 67108864));
    return o;
  }
};

}  // namespace vouch::dkim
