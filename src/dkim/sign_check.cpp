// SignCheck and SignCheckFactory (see sign_check.h). The factory runs once per config
// snapshot on the loading thread; makeCheck() and the checks run on milter workers and
// only read the factory. Signing failures are values routed to signingFailed(); the
// author address is taken from the strictly parsed From (src/mail), never guessed.
#include "dkim/sign_check.h"

#include <iostream>

#include "mail/from_header.h"

namespace vouch::dkim {

namespace {

constexpr const char* kNote = "dkim-sign: ";

}  // namespace

std::shared_ptr<const core::CheckFactory> SignCheckFactory::create(
    const config::Config& config, std::shared_ptr<Library> library,
    std::vector<config::Error>& errors) {
  std::vector<std::string> warnings;
  auto factory = build(config, std::move(library), errors, warnings);
  // This entry point has no Logger; stderr reaches the admin at start-up and reload
  // (journal, terminal). Callers with a Logger use build() and log them instead.
  for (const auto& w : warnings) std::cerr << "vouch: warning: " << w << "\n";
  return factory;
}

std::shared_ptr<const SignCheckFactory> SignCheckFactory::build(
    const config::Config& config, std::shared_ptr<Library> library,
    std::vector<config::Error>& errors, std::vector<std::string>& warnings) {
  // The pipeline's convention: a disabled check has no factory and loads nothing.
  if (!config.dkim_sign) return nullptr;
  const std::size_t before = errors.size();
  auto origin = [&](std::string msg) {
    config::Error e;
    e.file = config.mainFile;
    e.message = std::move(msg);
    errors.push_back(std::move(e));
  };
  if (!library) {
    // A null Library has already been reported by whoever failed to make it.
    if (errors.empty()) origin("dkim signing: no DKIM library");
    return nullptr;
  }
  SignSettings settings;
  settings.enabled = config.dkim_sign;
  settings.selfCheck = config.dkim_self_check;
  settings.tempfailOnError = config.dkim_sign_error_action != "accept";
  settings.headers = HeaderPolicy::fromConfig(config);
  if (!Canonicalization::parse(config.dkim_canonicalization, settings.canon))
    origin("dkim.canonicalization: \"" + config.dkim_canonicalization + "\" is not valid");
  auto keys = KeyTable::build(config, errors, warnings);
  auto rules = SigningRules::build(config, errors);
  if (errors.size() != before || !keys || !rules) return nullptr;

  // x= is a library-wide option, so it is set here, while the snapshot's Library is
  // still private to the thread building the snapshot.
  std::uint64_t ttl = static_cast<std::uint64_t>(config.dkim_signature_lifetime_s);
  if (dkim_options(library->handle(), DKIM_OP_SETOPT, DKIM_OPTS_SIGNATURETTL, &ttl,
                   sizeof ttl) != DKIM_STAT_OK) {
    origin("dkim.signature_lifetime_s: libopendkim refused the value");
    return nullptr;
  }
  return std::make_shared<const SignCheckFactory>(std::move(library), std::move(keys),
                                                  std::move(*rules), settings);
}

SignCheckFactory::SignCheckFactory(std::shared_ptr<Library> library,
                                   std::shared_ptr<const KeyTable> keys, SigningRules rules,
                                   SignSettings settings)
    : library_(std::move(library)),
      keys_(std::move(keys)),
      rules_(std::move(rules)),
      settings_(settings) {}

std::unique_ptr<core::Check> SignCheckFactory::makeCheck() const {
  return std::make_unique<SignCheck>(*this);
}

std::vector<const KeyEntry*> SignCheckFactory::keysFor(std::string_view address) const {
  std::vector<const KeyEntry*> out;
  for (const auto& name : rules_.keysFor(address))
    if (const KeyEntry* k = keys_->find(name)) out.push_back(k);
  return out;
}

core::Flow SignCheck::onMailFrom(core::Connection&, core::Transaction&) {
  signer_.reset();
  return core::Flow::Continue;
}

core::Flow SignCheck::signingFailed(core::Transaction& txn, const std::string& why) {
  signer_.reset();
  if (!factory_.settings().tempfailOnError) {
    txn.findings.notes.push_back(kNote + why + "; sent unsigned (sign_error_action=accept)");
    return core::Flow::Continue;
  }
  txn.findings.notes.push_back(kNote + why);
  txn.verdict.action = core::Action::TempFail;
  txn.verdict.reply = core::Reply{"451", "4.3.0", {"DKIM signing failed, try again later"}};
  txn.verdict.reason = "dkim signing failed: " + why;
  return core::Flow::Stop;
}

core::Flow SignCheck::onEndOfHeaders(core::Connection&, core::Transaction& txn) {
  signer_.reset();
  if (!txn.outbound || !factory_.settings().enabled) return core::Flow::Continue;
  mail::FromAnalysis from = mail::analyzeFrom(txn.headers);
  if (!from.finding.problem.empty() || from.finding.addresses.empty()) {
    txn.findings.notes.push_back(std::string(kNote) + "not signed: From is " +
                                 (from.finding.problem.empty() ? "unusable"
                                                               : from.finding.problem));
    return core::Flow::Continue;
  }
  std::vector<const KeyEntry*> keys = factory_.keysFor(from.finding.addresses.front());
  if (keys.empty()) return core::Flow::Continue;  // no rule for this author: not ours to sign
  if (txn.headersTruncated) return signingFailed(txn, "headers over the limit, cannot sign them all");

  auto signer = std::make_unique<MessageSigner>(factory_.library(), factory_.settings().canon,
                                                factory_.settings().selfCheck,
                                                factory_.settings().headers);
  std::string error;
  bool ok = signer->start(keys, txn.queueId, error);
  for (std::size_t i = 0; ok && i < txn.headers.size(); ++i)
    ok = signer->header(txn.headers[i].name, txn.headers[i].value, error);
  if (ok) ok = signer->endOfHeaders(error);
  if (!ok) return signingFailed(txn, error);
  signer_ = std::move(signer);
  return core::Flow::Continue;
}

core::Flow SignCheck::onBody(core::Connection&, core::Transaction& txn,
                             std::span<const char> chunk) {
  if (!signer_) return core::Flow::Continue;
  std::string error;
  if (!signer_->body(chunk, error)) return signingFailed(txn, error);
  return core::Flow::Continue;
}

core::Flow SignCheck::onEndOfMessage(core::Connection&, core::Transaction& txn,
                                     core::Actions& actions) {
  if (!signer_) return core::Flow::Continue;
  std::vector<SignedHeader> sigs;
  std::string error;
  bool ok = signer_->finish(sigs, error);
  signer_.reset();
  if (!ok) return signingFailed(txn, error);
  // Each insert goes on top, so insert in reverse to keep the key order top-down.
  for (auto it = sigs.rbegin(); it != sigs.rend(); ++it)
    actions.insertHeaderTop("DKIM-Signature", std::move(it->value));
  return core::Flow::Continue;
}

}  // namespace vouch::dkim
