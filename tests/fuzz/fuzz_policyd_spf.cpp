// Fuzz target: hostile policy-delegation requests (sender, helo_name, client_address,
// client_name, instance) through the real SpfHandler over a Snapshot with the strict
// policy (SPF fail rejected at MAIL FROM, 550 text quoting the exp= explanation) and a
// FakeResolver. Input: "SENDER\nHELO\nCLIENT\nNAME\n" then example.com's TXT record.
// Asserts the answer Postfix reads is one printable line (no attribute injection).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "config/config.h"
#include "dns/fake_resolver.h"
#include "pipeline/snapshot.h"
#include "policyd/spf_handler.h"

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

std::string_view takeLine(std::string_view& in) {
  std::size_t nl = in.find('\n');
  std::string_view line = in.substr(0, nl);
  in.remove_prefix(nl == std::string_view::npos ? in.size() : nl + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vouch;
  if (size > 4096) return 0;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  policyd::Request req;
  req.attrs["request"] = "smtpd_access_policy";
  req.attrs["protocol_state"] = "RCPT";
  req.attrs["sender"] = std::string(takeLine(in));
  req.attrs["helo_name"] = std::string(takeLine(in));
  req.attrs["client_address"] = std::string(takeLine(in));
  req.attrs["client_name"] = std::string(takeLine(in));
  req.attrs["instance"] = "fuzz.1";
  req.attrs["recipient"] = "bob@example.net";

  auto dns = std::make_shared<dns::FakeResolver>();
  dns->addTxt("example.com", std::string(in));
  dns->addTxt("exp.example.com", "%{i} %{s} %{l} %{h} %{o} %{d} is \x01 not allowed");
  dns->addTxt("example.org", "v=spf1 ip4:192.0.2.0/24 -all exp=exp.example.com");
  config::Config cfg = config::Config::defaults();
  cfg.authserv_id = "mx.example.net";
  const std::string self = __FILE__;
  cfg.policy_dir = self.substr(0, self.rfind('/') + 1) + "../../policies";
  cfg.policy_name = "strict";
  std::vector<config::Error> errors;
  auto snap = pipeline::Snapshot::build(std::make_shared<const config::Config>(cfg), dns, errors);
  require(snap != nullptr);
  policyd::SpfHandler handler(snap, true);
  const std::string answer = handler.decide(req);
  require(!answer.empty() && answer.size() <= 2048);
  for (char ch : answer) {
    auto c = static_cast<unsigned char>(ch);
    require(c >= 0x20 && c < 0x7f);
  }
  return 0;
}
