// libFuzzer target: the strict From/address-list parser and the From reduction on
// arbitrary bytes. Checks invariants, not just crashes: a successful parse yields
// mailboxes whose rendered address re-parses to the same address, and limits hold.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mail/address.h"
#include "mail/from_header.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  vouch::mail::ParseLimits limits;
  limits.maxMailboxes = 20;
  const vouch::mail::AddressList list = vouch::mail::parseFrom(input, limits);
  if (list.ok()) {
    if (list.mailboxes.size() > limits.maxMailboxes) std::abort();
    for (const auto& mb : list.mailboxes) {
      if (mb.domainValid && !vouch::mail::isHostName(mb.domain)) std::abort();
      if (mb.domain.empty() || mb.localPart.empty()) continue;
      // The canonical form of an address must parse back to itself.
      const auto again = vouch::mail::parseFrom(mb.address(), limits);
      if (!again.ok() || again.mailboxes.size() != 1 || again.mailboxes[0].address() != mb.address()) std::abort();
    }
  } else if (!list.mailboxes.empty()) {
    std::abort();  // a failed parse never leaks half a result
  }
  const auto a = vouch::mail::analyzeFromValues({input}, limits);
  if (a.finding.problem.empty() && a.finding.domain.empty()) std::abort();
  if (!a.finding.problem.empty() && a.finding.problem != "unparsable" && a.finding.problem != "no-domain" &&
      a.finding.problem != "multiple-domains") {
    std::abort();
  }
  return 0;
}
