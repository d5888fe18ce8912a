// SignCheck DKIM-signs outbound mail (txn.outbound); SignCheckFactory builds it from a
// config snapshot: keys loaded and checked at build (before privileges are dropped),
// signing rules, canonicalization, self-check, signing-error action. The factory is
// immutable and shared; a SignCheck belongs to one Session (one thread at a time). Mail
// is untrusted; a message that cannot be signed follows dkim.sign_error_action (default
// tempfail 451 4.3.0) and never leaves with a bad signature.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/check.h"
#include "dkim/dkim_library.h"
#include "dkim/key_table.h"
#include "dkim/sign_message.h"
#include "dkim/signing_rules.h"

namespace vouch::dkim {

struct SignSettings {
  bool enabled = true;
  Canonicalization canon;
  bool selfCheck = true;
  bool tempfailOnError = true;  // dkim.sign_error_action = tempfail
  HeaderPolicy headers;          // for the Ed25519 (native) signer
};

class SignCheckFactory final : public core::CheckFactory {
 public:
  // The contract every check module offers the pipeline. Null + errors (naming the key
  // files and the config lines) when a key or rule is unusable; null without errors
  // when dkim.sign is off.
  static std::shared_ptr<const core::CheckFactory> create(const config::Config& config,
                                                          std::shared_ptr<Library> library,
                                                          std::vector<config::Error>& errors);
  // The same, typed, with the advisories (weak RSA keys) for the caller to log.
  static std::shared_ptr<const SignCheckFactory> build(const config::Config& config,
                                                       std::shared_ptr<Library> library,
                                                       std::vector<config::Error>& errors,
                                                       std::vector<std::string>& warnings);

  SignCheckFactory(std::shared_ptr<Library> library, std::shared_ptr<const KeyTable> keys,
                   SigningRules rules, SignSettings settings);

  std::unique_ptr<core::Check> makeCheck() const override;

  // Keys (in key-table order) that sign mail whose author is `address`; empty = none.
  std::vector<const KeyEntry*> keysFor(std::string_view address) const;
  const KeyTable& keys() const { return *keys_; }
  const SignSettings& settings() const { return settings_; }
  const std::shared_ptr<Library>& library() const { return library_; }

 private:
  std::shared_ptr<Library> library_;
  std::shared_ptr<const KeyTable> keys_;
  SigningRules rules_;
  SignSettings settings_;
};

class SignCheck final : public core::Check {
 public:
  explicit SignCheck(const SignCheckFactory& factory) : factory_(factory) {}

  std::string_view name() const override { return "dkim-sign"; }
  core::Flow onMailFrom(core::Connection&, core::Transaction&) override;
  core::Flow onEndOfHeaders(core::Connection&, core::Transaction& txn) override;
  core::Flow onBody(core::Connection&, core::Transaction& txn,
                    std::span<const char> chunk) override;
  core::Flow onEndOfMessage(core::Connection&, core::Transaction& txn,
                            core::Actions& actions) override;
  void onAbort(core::Connection&, core::Transaction&) override { signer_.reset(); }

 private:
  // Applies dkim.sign_error_action: tempfail (verdict + Stop) or accept unsigned.
  core::Flow signingFailed(core::Transaction& txn, const std::string& why);

  const SignCheckFactory& factory_;
  std::unique_ptr<MessageSigner> signer_;  // set while a message is being signed
};

}  // namespace vouch::dkim
