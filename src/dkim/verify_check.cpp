// VerifyCheck and its factory (see the header). Outbound mail is skipped unless
// outbound.judge; the message deadline runs from MAIL FROM. A-R entries are bounded:
// the signatures checked plus at most dkim.max_signatures "not checked" ones, so a
// message with hundreds of signatures cannot blow up the header we add.
#include "dkim/verify_check.h"

namespace vouch::dkim {

std::shared_ptr<const core::CheckFactory> VerifyCheckFactory::create(
    const config::Config& cfg, std::shared_ptr<dns::Resolver> resolver,
    std::shared_ptr<Library> library, std::vector<config::Error>& errors) {
  if (!cfg.dkim_verify) return nullptr;
  if (!library) {
    library = Library::create(cfg, std::move(resolver), errors);
    if (!library) return nullptr;
  }
  VerifySettings settings;
  settings.judgeOutbound = cfg.judge_outbound;
  settings.options = VerifyOptions::fromConfig(cfg);
  return std::make_shared<const VerifyCheckFactory>(std::move(library), settings);
}

std::unique_ptr<core::Check> VerifyCheckFactory::makeCheck() const {
  return std::make_unique<VerifyCheck>(library_, settings_);
}

void VerifyCheck::reset() {
  stream_.reset();
  deadline_.reset();
  judged_.reset();
}

bool VerifyCheck::begin(const core::Transaction& txn) {
  if (!judged_) judged_ = !txn.outbound || settings_.judgeOutbound;
  if (!*judged_) return false;
  if (!deadline_) deadline_ = dns::Clock::now() + settings_.options.dnsDeadline;
  if (!stream_) stream_ = std::make_unique<VerifyStream>(library_, settings_.options, *deadline_);
  return true;
}

core::Flow VerifyCheck::onMailFrom(core::Connection&, core::Transaction&) {
  reset();
  deadline_ = dns::Clock::now() + settings_.options.dnsDeadline;
  return core::Flow::Continue;
}

core::Flow VerifyCheck::onHeader(core::Connection&, core::Transaction& txn, const core::Header& h) {
  if (!begin(txn)) return core::Flow::Continue;
  if (txn.headersTruncated) stream_->headersOverLimit();
  stream_->header(h.name, h.value);
  return core::Flow::Continue;
}

core::Flow VerifyCheck::onEndOfHeaders(core::Connection&, core::Transaction& txn) {
  if (begin(txn)) stream_->endOfHeaders();
  return core::Flow::Continue;
}

core::Flow VerifyCheck::onBody(core::Connection&, core::Transaction& txn, std::span<const char> chunk) {
  if (begin(txn)) stream_->body(chunk);
  return core::Flow::Continue;
}

core::Flow VerifyCheck::onEndOfMessage(core::Connection&, core::Transaction& txn, core::Actions&) {
  if (!begin(txn)) return core::Flow::Continue;
  std::vector<core::DkimFinding> findings = stream_->finish();
  if (findings.empty()) {
    core::MethodResult none;
    none.method = "dkim";
    none.result = core::Result::None;
    txn.authResults.add(std::move(none));
  }
  std::size_t unchecked = 0;
  for (const auto& f : findings) {
    if (!f.checked && ++unchecked > settings_.options.maxSignatures) continue;
    txn.authResults.add(authResultFor(f));
  }
  if (unchecked > settings_.options.maxSignatures) {
    txn.findings.notes.push_back("dkim: " + std::to_string(unchecked) +
                                 " signatures over dkim.max_signatures were not checked");
  }
  for (auto& f : findings) txn.findings.dkim.push_back(std::move(f));
  stream_.reset();  // frees the libopendkim handle now, not at the next message
  return core::Flow::Continue;
}

core::MethodResult authResultFor(const core::DkimFinding& f) {
  core::MethodResult m;
  m.method = "dkim";
  m.result = f.result;
  m.reason = f.reason;
  if (f.keyBits > 0) m.comment = std::to_string(f.keyBits) + "-bit key";
  auto add = [&m](const char* property, const std::string& value) {
    if (!value.empty()) m.properties.push_back({"header", property, value});
  };
  add("d", f.domain);
  add("s", f.selector);
  add("a", f.algorithm);
  add("b", f.bPrefix);
  return m;
}

}  // namespace vouch::dkim
