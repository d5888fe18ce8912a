// `vouch check MESSAGE.eml`: runs one stored message through the same Session the
// milter uses (connect, helo, mail, rcpt, headers, eoh, body in 64 KiB CRLF chunks,
// eom) and prints one JSON object: the contract in DESIGN.md ("The check command's
// JSON"). Single-threaded. The message and zone file are untrusted input; exit 0
// whatever the verdict, 2 when the command cannot run (bad arguments, unreadable file,
// bad config: file:line errors on stderr). A check that did not run says "checked":false.
#include <fstream>
#include <iostream>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "config/config.h"
#include "pipeline/replay.h"
#include "pipeline/snapshot.h"

namespace vouch::cli {
namespace {

using Json = nlohmann::ordered_json;

// A message file larger than this is not mail Postfix would pass (message_size_limit
// defaults to 10 MB); refusing it keeps a typo from reading a disk image into memory.
constexpr std::uintmax_t kMaxMessageBytes = 256u << 20;

struct CheckOptions {
  std::string message;
  std::string dnsFile;
  std::string clientIp;
  std::string clientName = "unknown";
  std::string helo;
  std::string mailFrom;
  std::vector<std::string> rcpts;
  std::string authservId;
  std::string configFile;
  std::string authUser;
  std::string daemonName;
  std::string queueId = "CHECK";
  std::vector<std::string> sets;
};

Json spfJson(const std::optional<core::SpfFinding>& f) {
  if (!f) return Json{{"result", "none"}, {"checked", false}};
  Json j{{"result", core::toString(f->result)}, {"domain", f->domain}, {"checked", true},
         {"identity", f->identity}, {"sender", f->sender}};
  if (!f->reason.empty()) j["reason"] = f->reason;
  if (!f->explanation.empty()) j["explanation"] = f->explanation;
  return j;
}

Json dkimJson(const std::vector<core::DkimFinding>& list) {
  Json arr = Json::array();
  for (const auto& d : list) {
    Json j{{"result", core::toString(d.result)}, {"domain", d.domain}, {"selector", d.selector},
           {"algorithm", d.algorithm}, {"checked", d.checked}};
    if (!d.identity.empty()) j["identity"] = d.identity;
    if (!d.bPrefix.empty()) j["b"] = d.bPrefix;
    if (d.keyBits != 0) j["key_bits"] = d.keyBits;
    if (d.bodyLengthLimited) j["body_length_limited"] = true;
    if (!d.reason.empty()) j["reason"] = d.reason;
    arr.push_back(std::move(j));
  }
  return arr;
}

Json dmarcJson(const std::optional<core::DmarcFinding>& f) {
  if (!f) return Json{{"result", "none"}, {"checked", false}};
  Json j{{"result", core::toString(f->result)}, {"policy", f->policy}, {"domain", f->domain},
         {"org_domain", f->orgDomain}, {"checked", true}, {"policy_domain", f->policyDomain},
         {"published_p", f->publishedP}, {"disposition", f->disposition},
         {"testing", f->testing}, {"spf_aligned", f->spfAligned}, {"dkim_aligned", f->dkimAligned}};
  if (!f->reason.empty()) j["reason"] = f->reason;
  return j;
}

Json fromJson(const std::optional<core::FromFinding>& f) {
  if (!f) return nullptr;
  return Json{{"domain", f->domain}, {"addresses", f->addresses}, {"problem", f->problem},
              {"header_count", f->headerCount}};
}

Json report(const core::Session& session, const pipeline::ReplayOutcome& out) {
  const core::Transaction& txn = session.transaction();
  const core::Findings& f = txn.findings;
  Json j;
  j["spf"] = spfJson(f.spf);
  if (f.spfHelo) j["spf_helo"] = spfJson(f.spfHelo);
  j["dkim"] = dkimJson(f.dkim);
  j["dmarc"] = dmarcJson(f.dmarc);
  j["from"] = fromJson(f.from);
  j["action"] = core::toString(out.verdict.action);
  j["stage"] = out.decidedAt ? pipeline::toString(*out.decidedAt) : "none";
  const core::Reply& r = out.verdict.reply;
  j["reply"] = r.code.empty() && r.lines.empty()
                   ? Json(nullptr)
                   : Json{{"code", r.code}, {"enhanced", r.enhanced}, {"text", r.lines}};
  if (!out.verdict.reason.empty()) j["reason"] = out.verdict.reason;
  j["client_class"] = core::toString(session.connection().clientClass);
  j["outbound"] = txn.outbound;
  // Unfolded, as one line: the folded form is in header_edits.
  j["authentication_results"] = txn.authResults.render(std::numeric_limits<std::size_t>::max());
  Json edits = Json::array();
  for (const auto& e : out.actions.edits()) {
    if (e.kind == core::HeaderEdit::Kind::InsertTop) {
      edits.push_back(Json{{"op", "insert"}, {"index", 0}, {"name", e.name}, {"value", e.value}});
    } else {
      edits.push_back(Json{{"op", "delete"}, {"index", e.index}, {"name", e.name}});
    }
  }
  j["header_edits"] = std::move(edits);
  j["headers_truncated"] = txn.headersTruncated;
  j["notes"] = f.notes;
  return j;
}

bool readFile(const std::string& path, std::string& out, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = path + ": cannot open";
    return false;
  }
  in.seekg(0, std::ios::end);
  const auto size = static_cast<std::uintmax_t>(in.tellg());
  if (size > kMaxMessageBytes) {
    error = path + ": larger than " + std::to_string(kMaxMessageBytes) + " bytes";
    return false;
  }
  in.seekg(0);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    error = path + ": read error";
    return false;
  }
  out = ss.str();
  return true;
}

int fail(const std::string& message) {
  std::cerr << "vouch check: " << message << "\n";
  return kExitUsage;
}

int runCheck(const CheckOptions& o) {
  std::vector<config::Error> errors;
  config::Config cfg = config::Config::defaults();
  if (!o.configFile.empty()) {
    auto loaded = config::load(o.configFile);
    errors = std::move(loaded.errors);
    if (loaded.config) cfg = *loaded.config;
  }
  if (errors.empty()) config::applyOverrides(cfg, o.sets, errors);
  if (!o.authservId.empty()) cfg.authserv_id = o.authservId;
  if (!errors.empty()) {
    for (const auto& e : errors) std::cerr << e.toString() << "\n";
    return fail(std::to_string(errors.size()) + " configuration error(s)");
  }

  std::string text;
  std::string error;
  if (!readFile(o.message, text, error)) return fail(error);

  auto resolver = pipeline::makeResolver(cfg, o.dnsFile, error);
  if (!resolver) return fail(error);
  auto config = std::make_shared<const config::Config>(std::move(cfg));
  auto snapshot = pipeline::Snapshot::build(config, resolver, errors);
  if (!snapshot) {
    for (const auto& e : errors) std::cerr << e.toString() << "\n";
    return fail("cannot build the checks");
  }

  pipeline::Envelope env;
  env.clientIp = o.clientIp;
  env.clientName = o.clientName;
  env.helo = o.helo;
  env.mailFrom = o.mailFrom;
  env.rcpts = o.rcpts;
  env.authUser = o.authUser;
  env.daemonName = o.daemonName;
  env.queueId = o.queueId;

  auto session = snapshot->newSession();
  pipeline::ReplayOutcome out = pipeline::replay(*session, env, pipeline::parseStoredMessage(text));
  // Envelope values (HELO, MAIL FROM) and findings quoting them may hold bytes that are
  // not UTF-8: they print as U+FFFD instead of ending the command with an exception.
  std::cout << report(*session, out).dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
  return kExitOk;
}

}  // namespace

void addCheckCommand(CLI::App& app, int& exitCode) {
  auto o = std::make_shared<CheckOptions>();
  CLI::App* cmd = app.add_subcommand(
      "check", "run one message through SPF, DKIM, DMARC and the policy; print JSON");
  cmd->add_option("message", o->message, "the message (RFC 5322, LF or CRLF)")->required();
  cmd->add_option("--dns-file", o->dnsFile, "answer DNS from this zone file instead of the network");
  cmd->add_option("--client-ip", o->clientIp, "SMTP client address")->required();
  cmd->add_option("--client-name", o->clientName, "SMTP client's reverse name");
  cmd->add_option("--helo", o->helo, "HELO/EHLO name");
  cmd->add_option("--mail-from", o->mailFrom, "envelope sender; '<>' or empty = null sender")->required();
  cmd->add_option("--rcpt", o->rcpts, "envelope recipient (repeatable)");
  cmd->add_option("--authserv-id", o->authservId, "authserv-id for Authentication-Results");
  cmd->add_option("--config", o->configFile, "configuration file (default: built-in defaults)");
  cmd->add_option("--auth-user", o->authUser, "SMTP AUTH user ({auth_authen})");
  cmd->add_option("--daemon-name", o->daemonName, "MTA service name ({daemon_name})");
  cmd->add_option("--queue-id", o->queueId, "queue id to report");
  cmd->add_option("--set", o->sets, "override a setting: key=value (repeatable)");
  cmd->callback([o, &exitCode] {
    try {
      exitCode = runCheck(*o);
    } catch (const std::exception& e) {
      exitCode = fail(std::string("internal error: ") + e.what());
    }
  });
}

}  // namespace vouch::cli
