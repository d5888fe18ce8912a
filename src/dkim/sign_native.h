// NativeSigner: DKIM-signs with an Ed25519 key without libopendkim (RFC 6376 + RFC 8463),
// because libopendkim 2.11 leaks the Ed25519 key it loads for every signature (~740
// bytes; tests/sanitizers/lsan.supp) and signs c=simple headers wrongly. Uses the same
// canonicalizers as the self-check; OpenSSL does the Ed25519 signature. One message, one
// thread; the key is shared read-only. Header and body bytes are untrusted, only hashed.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "dkim/key_table.h"
#include "dkim/sign_body_hash.h"

namespace vouch::dkim {

// Which headers a signature covers and for how long: dkim.sign_headers,
// dkim.oversign_headers (added to the sign list, as libopendkim needs), lifetime (x=).
struct HeaderPolicy {
  std::vector<std::string> sign;      // lowercase
  std::vector<std::string> oversign;  // lowercase, each also in `sign`
  std::int64_t lifetimeS = 0;
  bool nativeRsa = true;  // dkim.rsa_signer = "native": RSA signed here, not by libopendkim

  static HeaderPolicy fromConfig(const config::Config& cfg);
};

class NativeSigner {
 public:
  NativeSigner(const KeyEntry& key, const HeaderPolicy& policy, bool relaxedHeader,
               bool relaxedBody);

  void body(std::span<const char> chunk) { bodyHash_.update(chunk); }
  // headerLines: "Name:value" with CRLF folding, in message order. Returns the header
  // value (no leading space, "\r\n\t" folding) or false with an error.
  bool finish(const std::vector<std::string>& headerLines, std::string& value, std::string& error);

 private:
  const KeyEntry& key_;
  const HeaderPolicy& policy_;
  bool relaxedHeader_;
  bool relaxedBody_;
  BodyHasher bodyHash_;
};

}  // namespace vouch::dkim
