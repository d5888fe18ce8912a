// VerifyCheck: the DKIM verification step of a Session, and the factory that builds it
// from a config snapshot. Feeds each header as it arrives (starting key lookups at once),
// streams the body, and at end of message records one DkimFinding and one RFC 8601
// "dkim=" entry per signature (dkim=none for unsigned mail). The factory is immutable
// and shared by all threads; each VerifyCheck belongs to one Session (one thread at a
// time). Mail is untrusted: every outcome is a finding, the check never stops the flow.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "config/config.h"
#include "core/check.h"
#include "dkim/dkim_library.h"
#include "dkim/verify_options.h"
#include "dkim/verify_stream.h"

namespace vouch::dkim {

struct VerifySettings {
  bool judgeOutbound = false;  // outbound.judge
  VerifyOptions options;
};

class VerifyCheckFactory final : public core::CheckFactory {
 public:
  // Null without error when dkim.verify is off. A null library is made here from cfg
  // (then signing cannot share it: the composition root should pass its own).
  static std::shared_ptr<const core::CheckFactory> create(const config::Config& cfg,
                                                          std::shared_ptr<dns::Resolver> resolver,
                                                          std::shared_ptr<Library> library,
                                                          std::vector<config::Error>& errors);

  VerifyCheckFactory(std::shared_ptr<const Library> library, VerifySettings settings)
      : library_(std::move(library)), settings_(settings) {}

  std::unique_ptr<core::Check> makeCheck() const override;

 private:
  std::shared_ptr<const Library> library_;
  VerifySettings settings_;
};

class VerifyCheck final : public core::Check {
 public:
  VerifyCheck(std::shared_ptr<const Library> library, VerifySettings settings)
      : library_(std::move(library)), settings_(settings) {}

  std::string_view name() const override { return "dkim"; }
  core::Flow onMailFrom(core::Connection&, core::Transaction& txn) override;
  core::Flow onHeader(core::Connection&, core::Transaction& txn, const core::Header& h) override;
  core::Flow onEndOfHeaders(core::Connection&, core::Transaction& txn) override;
  core::Flow onBody(core::Connection&, core::Transaction& txn, std::span<const char> chunk) override;
  core::Flow onEndOfMessage(core::Connection&, core::Transaction& txn, core::Actions&) override;
  void onAbort(core::Connection&, core::Transaction&) override { reset(); }

 private:
  void reset();
  // Starts this message's verification on first use; false when it is not judged.
  bool begin(const core::Transaction& txn);

  std::shared_ptr<const Library> library_;
  VerifySettings settings_;
  std::optional<dns::Deadline> deadline_;  // message start + dns.deadline_ms
  std::optional<bool> judged_;             // decided at the first stage that needs it
  std::unique_ptr<VerifyStream> stream_;
};

// The RFC 8601 entry for one finding: header.d, header.s, header.a, header.b (8 chars).
core::MethodResult authResultFor(const core::DkimFinding& finding);

}  // namespace vouch::dkim
