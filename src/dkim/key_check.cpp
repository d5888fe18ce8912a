// checkPublishedKey (see key_check.h): the record is parsed with parseKeyRecord and
// compared with the public half derived from the private key; every finding is one
// short sentence, in the order an admin would fix them.
#include "dkim/key_check.h"

#include <algorithm>

#include "dkim/key_record.h"

namespace vouch::dkim {

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

PublishedKeyReport checkPublishedKey(const PrivateKey& key, const dns::Answer& answer,
                                     const KeyPolicy& policy) {
  PublishedKeyReport r;
  switch (answer.status) {
    case dns::Status::NxDomain:
      r.problems.push_back("missing: no such name in DNS (NXDOMAIN)");
      return r;
    case dns::Status::NoData:
      r.problems.push_back("missing: the name has no TXT record");
      return r;
    case dns::Status::ServFail:
    case dns::Status::Timeout:
      r.problems.push_back("DNS lookup failed (" + std::string(dns::toString(answer.status)) +
                           "); try again");
      return r;
    case dns::Status::Ok:
      break;
  }
  if (answer.records.size() != 1) {
    r.problems.push_back("several TXT records (" + std::to_string(answer.records.size()) +
                         "): verifiers refuse the key; publish exactly one");
    return r;
  }
  const KeyRecord rec = parseKeyRecord(answer.records.front().text);
  if (!rec.error.empty()) {
    r.problems.push_back("malformed record: " + rec.error);
    return r;
  }
  if (rec.revoked()) {
    r.problems.push_back("revoked: p= is empty");
    return r;
  }
  const std::string want(toString(key.algorithm()));
  if (rec.keyType != want) {
    r.problems.push_back("wrong k=" + rec.keyType + " (the private key is " + want + ")");
  } else if (rec.publicKey != key.publicKeyBase64()) {
    r.problems.push_back("mismatch: the published p= is not the public half of the private key");
  }
  if (key.algorithm() == KeyAlgorithm::Rsa && key.bits() < policy.weakRsaBits) {
    r.problems.push_back("weak: RSA " + std::to_string(key.bits()) + " bits, under " +
                         std::to_string(policy.weakRsaBits));
  }
  if (!rec.hashes.empty() && !contains(rec.hashes, "sha256"))
    r.problems.push_back("h= does not allow sha256, the only hash we sign with");
  if (!rec.services.empty() && !contains(rec.services, "*") && !contains(rec.services, "email"))
    r.problems.push_back("s= does not include email");
  if (rec.testing()) r.notes.push_back("t=y: verifiers treat failures as testing");
  return r;
}

}  // namespace vouch::dkim
