// Published-key check for `vouch testkey`: compares the DNS answer for
// selector._domainkey.domain with the private key we sign with, and names every
// problem an admin must fix (missing, several records, malformed, revoked, wrong k=,
// mismatch, weak, unusable h=/s=). Pure function over values; thread-safe. The DNS
// answer is untrusted and only parsed; problems are values, never exceptions.
#pragma once

#include <string>
#include <vector>

#include "dkim/key_file.h"
#include "dns/resolver.h"

namespace vouch::dkim {

struct PublishedKeyReport {
  std::vector<std::string> problems;  // empty = good
  std::vector<std::string> notes;     // worth showing, not failing (e.g. t=y)

  bool ok() const { return problems.empty(); }
};

// `answer` is the TXT answer for the key's selector._domainkey.domain name.
PublishedKeyReport checkPublishedKey(const PrivateKey& key, const dns::Answer& answer,
                                     const KeyPolicy& policy = {});

}  // namespace vouch::dkim
