// Policy: the local policy engine, a core::Decider built from one policies/*.toml file.
// It turns the findings of a message (SPF, DKIM, From, DMARC, header limits) into a
// Verdict per client class, with per-domain overrides and an allowlist of trusted
// forwarders and mailing lists, and records what it did in the DMARC A-R entry.
// Immutable after load and shared by every session (any thread). Policy files are
// trusted-but-checked: every problem is an Error with file:line and no Policy is built.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/check.h"
#include "policy/rules.h"

namespace vouch::policy {

class Policy final : public core::Decider {
 public:
  // Finds policy.name (see locate()), reads and checks it. Null + errors on failure.
  static std::shared_ptr<const Policy> load(const config::Config& cfg,
                                            std::vector<config::Error>& errors);
  // Parses policy TOML text as if read from `file` (tests, fuzzing).
  static std::shared_ptr<const Policy> parse(std::string_view text, const std::string& file,
                                             const config::Config& cfg,
                                             std::vector<config::Error>& errors);
  // The file policy.name designates: a path (contains '/' or ends in .toml), or NAME.toml
  // in policy.dir, else in policies/ beside the config file's folder or its parent, then
  // /etc/vouch/policies and /usr/share/vouch/policies; with no config file, policies/
  // near the executable or in the current directory first. "" when not found; `tried`
  // lists the places looked at.
  static std::string locate(const config::Config& cfg, std::vector<std::string>& tried);

  explicit Policy(PolicyModel model);

  core::Verdict decide(core::Stage stage, const core::Connection& conn,
                       const core::Transaction& txn) const override;
  // MAIL FROM/RCPT read the SPF finding only where spf_stage = "mail_from" is set (any
  // layer: the domain is only known once SPF is done); end of headers judges header
  // findings only; end of message reads everything.
  bool needsFindings(core::Stage stage) const override;
  // Sets the DMARC disposition and records an allowlist override in the dmarc entry.
  void annotate(const core::Connection& conn, core::Transaction& txn) const override;

  const std::string& name() const { return m_.name; }
  const std::string& file() const { return m_.file; }
  const PolicyModel& model() const { return m_; }
  // The reply for an internal error of vouch (451 4.3.0 unless the policy says else).
  core::Reply internalErrorReply() const;

  // The action a rule has for this client class and domain, after every layer.
  core::Action actionFor(Rule r, core::ClientClass cls, std::string_view domain) const;
  SpfStage spfStageFor(core::ClientClass cls, std::string_view domain) const;
  // The client class as the policy sees it: external clients listed in an allowlist
  // network become trusted_forwarder.
  core::ClientClass classOf(const core::Connection& conn) const;

 private:
  struct Outcome;
  Outcome evaluate(core::Stage stage, const core::Connection& conn, const core::Transaction& txn) const;

  PolicyModel m_;
  bool spfAtMailFrom_ = false;  // some layer sets spf_stage = "mail_from"
};

}  // namespace vouch::policy
