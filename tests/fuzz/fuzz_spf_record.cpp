// libFuzzer target: the SPF record parser and the macro-string parser/expander on
// arbitrary bytes (DNS TXT text is attacker-controlled). Checks invariants rather than
// just "no crash": a parsed record re-validates its own pieces, expansion stays within
// kMaxExpansion, and explanation text never needs more than the bound.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "spf/macro.h"
#include "spf/record.h"

using namespace vouch;

namespace {

spf::MacroContext context() {
  spf::MacroContext ctx;
  ctx.sender = "strong-bad@email.example.com";
  ctx.localPart = "strong-bad";
  ctx.senderDomain = "email.example.com";
  ctx.domain = "email.example.com";
  ctx.helo = "mx.example.org";
  ctx.ip = *core::IpAddress::parse("2001:db8::cb01");
  ctx.now = 1700000000;
  ctx.validatedName = [] { return std::string("mail.example.com"); };
  return ctx;
}

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  static const spf::MacroContext ctx = context();

  std::string record = spf::isSpfRecord(text) ? std::string(text) : "v=spf1 " + std::string(text);
  spf::ParsedRecord parsed = spf::parseRecord(record);
  if (!parsed.record) check(!parsed.error.empty());
  if (parsed.record) {
    for (const auto& m : parsed.record->mechanisms) {
      check(m.cidr4 <= 32 && m.cidr6 <= 128);
      if (m.target) {
        std::string name = spf::normalizeDomain(spf::expandMacroString(*m.target, ctx));
        check(name.size() <= spf::kMaxExpansion);
      }
    }
    if (parsed.record->redirect) spf::expandMacroString(*parsed.record->redirect, ctx);
  }

  for (auto scope : {spf::MacroScope::DomainSpec, spf::MacroScope::Explanation, spf::MacroScope::Modifier}) {
    std::string error;
    auto macro = spf::parseMacroString(text, scope, error);
    check(macro.has_value() || !error.empty());
    if (macro && scope != spf::MacroScope::Modifier) {
      check(spf::expandMacroString(*macro, ctx).size() <= spf::kMaxExpansion);
    }
  }
  spf::isValidDomain(text);
  return 0;
}
