// MessageSigner: DKIM-signs one message with one or more keys at once (e.g. RSA-2048
// and Ed25519 side by side), streaming: headers, end of headers, body chunks, finish.
// Owns one signer per key: a libopendkim handle (RSA) or a NativeSigner (Ed25519).
// One thread at a time (one per message); the Library and keys are shared read-only.
// Header and body bytes are the message's own (untrusted), only hashed. Failures
// (library refused a key or the data, self-check) are `false` + error text.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dkim/dkim_library.h"
#include "dkim/key_table.h"
#include "dkim/sign_body_hash.h"
#include "dkim/sign_native.h"

namespace vouch::dkim {

struct Canonicalization {
  bool relaxedHeader = true;
  bool relaxedBody = true;
  // "relaxed/relaxed", "relaxed/simple", "simple/relaxed", "simple/simple";
  // a lone "relaxed"/"simple" means that/simple (RFC 6376 3.5 c=).
  static bool parse(std::string_view text, Canonicalization& out);
};

// One finished signature, ready for core::Actions::insertHeaderTop.
struct SignedHeader {
  std::string keyName;
  std::string domain;
  std::string selector;
  std::string algorithm;  // "rsa-sha256" / "ed25519-sha256"
  std::string value;      // leading space, folded "\n\t", no CR
  std::string wireValue;  // as libopendkim made it: no leading space, folded "\r\n\t"
};

// "Name:value" as libopendkim wants a header: the value as received (its own leading
// whitespace kept), every bare LF of the folding turned into CRLF, no final CRLF.
std::string libHeaderLine(std::string_view name, std::string_view value);

class MessageSigner {
 public:
  // Ed25519 keys sign through NativeSigner (libopendkim leaks every Ed25519 key it
  // loads); RSA keys too unless policy.nativeRsa is false (dkim.rsa_signer), because
  // libopendkim re-parses the PEM key for every message (~4x the RSA signing cost). Library and policy must agree on
  // the header lists: both come from the same config.
  MessageSigner(std::shared_ptr<Library> library, Canonicalization canon, bool selfCheck,
                HeaderPolicy policy = HeaderPolicy::fromConfig(config::Config::defaults()));
  ~MessageSigner();
  MessageSigner(const MessageSigner&) = delete;
  MessageSigner& operator=(const MessageSigner&) = delete;

  // One signing handle per key; jobId names the message in library errors.
  bool start(const std::vector<const KeyEntry*>& keys, std::string_view jobId,
             std::string& error);
  bool header(std::string_view name, std::string_view value, std::string& error);
  bool endOfHeaders(std::string& error);
  // Body bytes as the MTA delivers them (CRLF line ends, dot-stuffing removed).
  bool body(std::span<const char> chunk, std::string& error);
  // Closes every handle and returns the signatures in key order. With the self-check
  // on, each is verified against its key's public half first (b= over the headers, and
  // bh= against an independently computed body hash); any failure fails all, so a
  // message never leaves with a signature that would not verify.
  bool finish(std::vector<SignedHeader>& out, std::string& error);

 private:
  struct Handle;
  std::shared_ptr<Library> library_;
  Canonicalization canon_;
  bool selfCheck_;
  HeaderPolicy policy_;
  std::vector<Handle> handles_;
  std::vector<std::string> headerLines_;  // what was signed (self-check, native signers)
  std::unique_ptr<BodyHasher> bodyHash_;  // the self-check's own body hash
};

}  // namespace vouch::dkim
