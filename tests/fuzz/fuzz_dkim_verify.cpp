// libFuzzer target for the DKIM verify path: a hostile DKIM-Signature value, a hostile
// key record (or a DNS failure) served by dns::FakeResolver, and hostile headers and
// body, through VerifyStream, the DNS hooks, libopendkim and the result judgement.
// Input: SIGNATURE "\n%%\n" KEY "\n%%\n" MESSAGE, where KEY may be "!servfail",
// "!timeout", "!nxdomain" or "!nodata". Any crash, leak or UB report is a bug.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "config/config.h"
#include "dkim/dkim_library.h"
#include "dkim/verify_message.h"
#include "dkim/verify_signature_tags.h"
#include "dns/fake_resolver.h"

namespace vdkim = vouch::dkim;  // not "dkim": libopendkim declares a global struct dkim
namespace dns = vouch::dns;
namespace config = vouch::config;

namespace {

std::string_view cut(std::string_view& rest) {
  constexpr std::string_view kSep = "\n%%\n";
  const std::size_t at = rest.find(kSep);
  std::string_view part = rest.substr(0, at);
  rest = at == std::string_view::npos ? std::string_view() : rest.substr(at + kSep.size());
  return part;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  const std::string_view signature = cut(rest);
  const std::string_view key = cut(rest);
  const std::string_view message = rest;

  const vdkim::SignatureTags tags = vdkim::parseSignatureTags(signature);
  auto resolver = std::make_shared<dns::FakeResolver>();
  const std::string name = tags.keyName().empty() ? "x._domainkey.example.org" : tags.keyName();
  if (key == "!servfail") {
    resolver->failName(name, dns::Status::ServFail);
  } else if (key == "!timeout") {
    resolver->failName(name, dns::Status::Timeout);
  } else if (key == "!nodata") {
    resolver->setStatus(name, dns::RrType::TXT, dns::Status::NoData);
  } else if (key != "!nxdomain") {
    resolver->addTxt(name, std::string(key));
  }
  std::string error;
  static const config::Config cfg = config::Config::defaults();
  auto lib = vdkim::Library::create(cfg, resolver, error);
  if (!lib) return 0;

  std::string text = "DKIM-Signature:";
  text.append(signature);
  text.append("\r\n");
  text.append(message);
  vdkim::VerifyOptions options;
  options.maxSignatures = 3;
  const auto findings = vdkim::verifyMessage(lib, options, text);
  // Every finding must carry a result and bounded, printable-safe fields.
  for (const auto& f : findings) {
    if (f.bPrefix.size() > 8 || f.domain.size() > vdkim::kMaxTagValue) __builtin_trap();
  }
  return 0;
}
