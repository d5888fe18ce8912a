// Builds Received-SPF values (see received_spf.h). Stateless and thread-safe. Hostile
// text is passed through core::text (quoting, comment escaping, printable bytes only),
// so a sender like "a\"; x=y" stays inside its quoted string.
#include "spf/received_spf.h"

#include "core/header_text.h"

namespace vouch::spf {
namespace {

std::string comment(const core::SpfFinding& f, const std::string& clientIp, const std::string& receiver) {
  std::string who = f.identity == "helo" ? "HELO " + f.domain : "domain of " + f.sender;
  switch (f.result) {
    case core::Result::Pass: return receiver + ": " + who + " designates " + clientIp + " as permitted sender";
    case core::Result::Fail: return receiver + ": " + who + " does not designate " + clientIp + " as permitted sender";
    case core::Result::SoftFail:
      return receiver + ": transitioning " + who + " does not designate " + clientIp + " as permitted sender";
    case core::Result::Neutral: return receiver + ": " + clientIp + " is neither permitted nor denied by " + who;
    case core::Result::None: return receiver + ": " + who + " does not designate permitted sender hosts";
    case core::Result::TempError: return receiver + ": temporary error checking " + who + ": " + f.reason;
    case core::Result::PermError: return receiver + ": permanent error in the SPF record of " + f.domain + ": " + f.reason;
    default: return receiver + ": " + f.reason;
  }
}

}  // namespace

std::string receivedSpfValue(const core::SpfFinding& f, const std::string& clientIp,
                             const std::string& helo, const std::string& receiver) {
  namespace text = core::text;
  std::string v = " " + std::string(core::toString(f.result));
  v += " (" + text::commentText(comment(f, clientIp, receiver), 300) + ")";
  v += "\n\treceiver=" + text::value(receiver, 255, true) + ";";
  v += " client-ip=" + text::value(clientIp, 64, false) + ";";
  v += "\n\tenvelope-from=" + text::quoted(f.sender, 320) + ";";
  if (!helo.empty()) v += " helo=" + text::value(helo, 255, true) + ";";
  v += " identity=" + text::keyword(f.identity, 16) + ";";
  return v;
}

}  // namespace vouch::spf
