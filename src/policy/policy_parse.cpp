// Reads one policies/*.toml document into a PolicyModel: [defaults], [class.NAME],
// [domains."d"], [replies.RULE] and [[allowlist]]. Every unknown key, bad action,
// bad reply template or bad network is collected as an Error with file:line (with a
// suggestion for typos); a Policy is built only from a clean file. Pure; the text is
// checked completely before use and nothing throws out of here.
#include <algorithm>
#include <filesystem>
#include <toml++/toml.h>

#include "config/setting_access.h"
#include "policy/policy.h"
#include "policy/reply.h"
#include "core/header_text.h"

namespace vouch::policy {
namespace {

using config::Error;

int lineOf(const toml::node& n) { return static_cast<int>(n.source().begin.line); }

using core::text::lower;

struct Parser {
  const std::string& file;
  std::vector<Error>& errors;
  PolicyModel& m;

  void error(int line, std::string msg) { errors.push_back({file, line, std::move(msg)}); }

  const toml::table* tableOr(const toml::node& v, int line, const std::string& what) {
    if (const auto* t = v.as_table()) return t;
    error(line, what + " must be a table");
    return nullptr;
  }

  void ruleSet(const toml::table& t, const std::string& where, RuleSet& out) {
    std::vector<std::string> keys = ruleNames();
    keys.emplace_back("spf_stage");
    for (auto&& [k, v] : t) {
      const std::string key(k.str());
      const int line = lineOf(v);
      if (key == "spf_stage") {
        const auto* s = v.as_string();
        if (s && s->get() == "mail_from") {
          out.spfStage = SpfStage::MailFrom;
        } else if (s && s->get() == "end_of_message") {
          out.spfStage = SpfStage::EndOfMessage;
        } else {
          error(line, where + ".spf_stage must be \"mail_from\" or \"end_of_message\"");
        }
        continue;
      }
      const auto rule = ruleFromName(key);
      if (!rule) {
        error(line, "unknown rule '" + key + "' in [" + where + "]" + config::detail::didYouMean(key, keys));
        continue;
      }
      const auto* s = v.as_string();
      std::optional<core::Action> a = s ? actionFromName(s->get()) : std::nullopt;
      if (s && !a && *rule == Rule::HeaderLimit && s->get() == "config") a = m.headerLimitFromConfig;
      if (!a) {
        error(line, where + "." + key + " must be one of accept, quarantine, tempfail, reject, discard" +
                        (*rule == Rule::HeaderLimit ? " or config" : ""));
        continue;
      }
      if (*rule == Rule::DmarcNone && *a != core::Action::Accept && *a != core::Action::Quarantine) {
        // p=none (or testing mode) asks receivers not to act; never reject on it.
        error(line, where + ".dmarc_none may only be accept or quarantine");
        continue;
      }
      out.action[static_cast<std::size_t>(*rule)] = *a;
    }
  }

  void classes(const toml::table& t) {
    for (auto&& [k, v] : t) {
      const std::string name(k.str());
      const auto cls = classFromName(name);
      if (!cls) {
        error(lineOf(v), "unknown client class '" + name +
                             "' (external, internal, authenticated, trusted_forwarder)");
        continue;
      }
      if (const auto* sub = tableOr(v, lineOf(v), "class." + name)) {
        ruleSet(*sub, "class." + name, m.classes[static_cast<std::size_t>(*cls)]);
      }
    }
  }

  void domains(const toml::table& t) {
    for (auto&& [k, v] : t) {
      std::string d = lower(std::string(k.str()));
      if (!d.empty() && d.back() == '.') d.pop_back();
      if (!config::detail::validDomain(d)) {
        error(lineOf(v), "domains.\"" + std::string(k.str()) + "\" is not a domain name");
        continue;
      }
      if (const auto* sub = tableOr(v, lineOf(v), "domains.\"" + d + "\"")) {
        ruleSet(*sub, "domains.\"" + d + "\"", m.domains[d]);
      }
    }
  }

  void replies(const toml::table& t) {
    std::vector<std::string> keys = ruleNames();
    keys.emplace_back("internal_error");
    for (auto&& [k, v] : t) {
      const std::string key(k.str());
      const auto rule = ruleFromName(key);
      if (!rule && key != "internal_error") {
        error(lineOf(v), "unknown reply '" + key + "'" + config::detail::didYouMean(key, keys));
        continue;
      }
      const auto* sub = tableOr(v, lineOf(v), "replies." + key);
      if (!sub) continue;
      ReplyTemplate tpl = rule ? m.replies[static_cast<std::size_t>(*rule)] : m.internalError;
      bool ok = true;
      for (auto&& [fk, fv] : *sub) {
        const std::string f(fk.str());
        std::string* dst = f == "code" ? &tpl.code : f == "enhanced" ? &tpl.enhanced : f == "text" ? &tpl.text : nullptr;
        if (!dst) {
          error(lineOf(fv), "unknown field '" + f + "' in replies." + key + " (code, enhanced, text)");
          ok = false;
        } else if (!fv.is_string()) {
          error(lineOf(fv), "replies." + key + "." + f + " must be a string");
          ok = false;
        } else {
          *dst = fv.as_string()->get();
        }
      }
      if (!ok) continue;
      if (auto why = checkTemplate(tpl); !why.empty()) {
        error(lineOf(v), "replies." + key + ": " + why);
        continue;
      }
      (rule ? m.replies[static_cast<std::size_t>(*rule)] : m.internalError) = tpl;
    }
  }

  bool stringList(const toml::node& v, std::vector<std::string>& out) {
    const auto* arr = v.as_array();
    if (!arr) return false;
    for (const auto& e : *arr) {
      if (!e.is_string()) return false;
      out.push_back(e.as_string()->get());
    }
    return true;
  }

  void allowEntry(const toml::table& t, int line) {
    static const std::vector<std::string> kFields = {"name", "networks", "dkim_domains", "dmarc_action", "reason"};
    AllowEntry a;
    a.origin = file + ":" + std::to_string(line);
    std::string reason;
    for (auto&& [k, v] : t) {
      const std::string f(k.str());
      const int fl = lineOf(v);
      std::vector<std::string> list;
      if (f == "name" || f == "reason" || f == "dmarc_action") {
        if (!v.is_string()) {
          error(fl, "allowlist " + f + " must be a string");
          continue;
        }
        const std::string s = v.as_string()->get();
        if (f == "name") a.name = s;
        if (f == "reason") reason = s;
        if (f == "dmarc_action") {
          const auto act = actionFromName(s);
          if (act != core::Action::Accept && act != core::Action::Quarantine) {
            error(fl, "allowlist dmarc_action must be accept or quarantine");
          } else {
            a.dmarcAction = *act;
          }
        }
      } else if (f == "networks" || f == "dkim_domains") {
        if (!stringList(v, list)) {
          error(fl, "allowlist " + f + " must be an array of strings");
          continue;
        }
        for (const auto& s : list) {
          if (f == "networks") {
            auto c = core::Cidr::parse(s);
            if (c) a.networks.push_back(*c);
            else error(fl, "allowlist network '" + s + "' is not an IP address or CIDR block");
          } else if (config::detail::validDomain(s)) {
            a.dkimDomains.push_back(lower(s));
          } else {
            error(fl, "allowlist dkim domain '" + s + "' is not a domain name");
          }
        }
      } else {
        error(fl, "unknown field '" + f + "' in [[allowlist]]" + config::detail::didYouMean(f, kFields));
      }
    }
    if (a.name.empty()) error(line, "allowlist entry needs a name (shown in Authentication-Results)");
    if (!t.contains("networks") && !t.contains("dkim_domains")) {
      error(line, "allowlist entry '" + a.name + "' needs networks or dkim_domains");
    }
    static const std::vector<std::string> kReasons = {"forwarded", "trusted_forwarder", "mailing_list",
                                                      "local_policy", "other"};
    if (reason.empty()) reason = a.networks.empty() ? "mailing_list" : "trusted_forwarder";
    if (std::find(kReasons.begin(), kReasons.end(), reason) == kReasons.end()) {
      error(line, "allowlist reason '" + reason + "' is not one of forwarded, trusted_forwarder, mailing_list, local_policy, other");
    }
    a.reason = reason;
    m.allowlist.push_back(std::move(a));
  }

  void document(const toml::table& doc) {
    static const std::vector<std::string> kTop = {"description", "defaults", "class", "domains", "replies", "allowlist"};
    for (auto&& [k, v] : doc) {
      const std::string key(k.str());
      const int line = lineOf(v);
      if (key == "description") {
        if (v.is_string()) m.description = v.as_string()->get();
        else error(line, "description must be a string");
      } else if (key == "defaults") {
        if (const auto* t = tableOr(v, line, key)) ruleSet(*t, "defaults", m.defaults);
      } else if (key == "class") {
        if (const auto* t = tableOr(v, line, key)) classes(*t);
      } else if (key == "domains") {
        if (const auto* t = tableOr(v, line, key)) domains(*t);
      } else if (key == "replies") {
        if (const auto* t = tableOr(v, line, key)) replies(*t);
      } else if (key == "allowlist") {
        const auto* arr = v.as_array();
        if (!arr) {
          error(line, "allowlist must be an array of tables ([[allowlist]])");
          continue;
        }
        for (const auto& e : *arr) {
          if (const auto* t = e.as_table()) allowEntry(*t, lineOf(e));
          else error(lineOf(e), "allowlist entries must be tables");
        }
      } else {
        error(line, "unknown key '" + key + "'" + config::detail::didYouMean(key, kTop));
      }
    }
  }
};

core::Action configAction(const std::string& s) {
  auto a = actionFromName(s);
  return a ? *a : core::Action::TempFail;
}

}  // namespace

std::shared_ptr<const Policy> Policy::parse(std::string_view text, const std::string& file,
                                            const config::Config& cfg, std::vector<config::Error>& errors) {
  PolicyModel m;
  m.file = file;
  m.name = std::filesystem::path(file).stem().string();
  m.headerLimitFromConfig = configAction(cfg.limits_action);
  for (std::size_t i = 0; i < kRuleCount; ++i) m.replies[i] = defaultReply(static_cast<Rule>(i));
  m.internalError = defaultInternalErrorReply();
  // Until the file says otherwise a header-limit breach gets the configured limits.action.
  m.defaults.action[static_cast<std::size_t>(Rule::HeaderLimit)] = m.headerLimitFromConfig;

  const std::size_t before = errors.size();
  try {
    const toml::table doc = toml::parse(text, std::string_view(file));
    Parser{file, errors, m}.document(doc);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    errors.push_back({file, static_cast<int>(b.line),
                      "TOML syntax error at column " + std::to_string(b.column) + ": " + std::string(e.description())});
  }
  if (errors.size() != before) return nullptr;
  return std::make_shared<const Policy>(std::move(m));
}

}  // namespace vouch::policy
