// libFuzzer target: arbitrary bytes as a local policy file (TOML) -> Policy::parse; a
// policy that parses is then run over a fixed set of hostile transactions at every
// stage. Must never crash or throw; replies must stay one printable bounded line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "policy/policy.h"
#include "policy/reply.h"

namespace {

using vouch::core::Result;

vouch::core::Transaction hostileTxn(int variant) {
  vouch::core::Transaction t;
  t.headersTruncated = variant == 3;
  vouch::core::FromFinding from;
  from.domain = "ex\r\nample.org";
  from.problem = variant == 1 ? "multiple" : variant == 2 ? "garbage" : "";
  t.findings.from = from;
  vouch::core::DmarcFinding d;
  d.result = variant == 0 ? Result::Fail : variant == 1 ? Result::TempError : Result::PermError;
  d.domain = std::string(300, 'd') + "\x01{domain}";
  d.policy = variant == 2 ? "quarantine" : "reject";
  d.testing = variant == 3;
  t.findings.dmarc = d;
  vouch::core::SpfFinding s;
  s.result = variant == 0 ? Result::Fail : Result::SoftFail;
  s.domain = "sp\nf.example";
  s.explanation = "%{i} \x7f {explanation}";
  t.findings.spf = s;
  vouch::core::DkimFinding k;
  k.result = variant == 2 ? Result::Pass : Result::Fail;
  k.domain = "Lists.Example.NET.";
  t.findings.dkim.push_back(k);
  t.authResults.add({"dmarc", d.result, "", "", {}});
  return t;
}

void checkReply(const vouch::core::Verdict& v) {
  for (const auto& line : v.reply.lines) {
    if (line.size() > vouch::policy::kMaxReplyText) std::abort();
    for (char c : line) {
      if (c < 0x20 || c > 0x7e) std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const vouch::config::Config cfg = vouch::config::Config::defaults();
  std::vector<vouch::config::Error> errors;
  auto p = vouch::policy::Policy::parse(std::string_view(reinterpret_cast<const char*>(data), size),
                                        "fuzz.toml", cfg, errors);
  if (!p) {
    if (errors.empty()) std::abort();
    return 0;
  }
  const vouch::core::Stage stages[] = {vouch::core::Stage::MailFrom, vouch::core::Stage::EndOfHeaders,
                                       vouch::core::Stage::EndOfMessage};
  for (int variant = 0; variant < 4; ++variant) {
    for (auto cls : {vouch::core::ClientClass::External, vouch::core::ClientClass::TrustedForwarder}) {
      vouch::core::Connection conn;
      conn.clientIp = variant % 2 ? "192.0.2.1" : "2001:db8::1";
      conn.clientClass = cls;
      auto txn = hostileTxn(variant);
      for (auto st : stages) checkReply(p->decide(st, conn, txn));
      txn.verdict = p->decide(vouch::core::Stage::EndOfMessage, conn, txn);
      p->annotate(conn, txn);
    }
  }
  checkReply({vouch::core::Action::TempFail, p->internalErrorReply(), ""});
  return 0;
}
