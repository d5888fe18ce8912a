// Fuzz target: hostile MAIL FROM, HELO and client strings through SpfCheck in a real
// core::Session (both engines) over a FakeResolver whose records expand %{l} %{s} %{h}.
// Input: byte 0 picks engine and client, then "MAILFROM\nHELO\nCLIENT-NAME\n" and the
// rest is example.com's TXT record. Asserts: a finding always exists, its reason and
// explanation are bounded printable ASCII, and the A-R value has no control bytes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "config/config.h"
#include "core/session.h"
#include "dns/fake_resolver.h"
#include "spf/spf_check.h"

namespace {

#define require(ok) requireImpl((ok), #ok)
void requireImpl(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_spf_check: broken promise: %s\n", what);
  std::abort();
}

std::string_view takeLine(std::string_view& in) {
  std::size_t nl = in.find('\n');
  std::string_view line = in.substr(0, nl);
  in.remove_prefix(nl == std::string_view::npos ? in.size() : nl + 1);
  return line;
}

bool printable(std::string_view s, std::size_t max) {
  if (s.size() > max) return false;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x7f) return false;
  }
  return true;
}

// Printable ASCII and TAB; LF (or CRLF, as render() folds) only before WSP.
bool safeHeaderValue(std::string_view v) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    auto c = static_cast<unsigned char>(v[i]);
    if (c == '\r' && i + 1 < v.size() && v[i + 1] == '\n') continue;
    if (c == '\n') {
      if (i + 1 >= v.size() || (v[i + 1] != '\t' && v[i + 1] != ' ')) return false;
      continue;
    }
    if (c != '\t' && (c < 0x20 || c >= 0x7f)) return false;
  }
  return true;
}

std::shared_ptr<vouch::dns::FakeResolver> world(const std::string& record) {
  auto dns = std::make_shared<vouch::dns::FakeResolver>();
  dns->addTxt("example.com", record);
  dns->addTxt("why.example.com", "%{i} %{s} %{l} %{h} %{o} is not allowed");
  dns->addTxt("helo.example.net", "v=spf1 a exists:%{h}.%{l}.ex.example.com -all exp=why.example.com");
  dns->addA("helo.example.net", "192.0.2.9");
  dns->addA("example.com", "192.0.2.1");
  dns->addMx("example.com", 10, "mail.example.com");
  dns->addA("mail.example.com", "192.0.2.20");
  dns->failName("tempfail.example.com", vouch::dns::Status::Timeout);
  return dns;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vouch;
  if (size < 1 || size > 4096) return 0;
  static const char* const clients[] = {"192.0.2.1", "192.0.2.77", "2001:db8::5", "::ffff:192.0.2.20"};
  const std::uint8_t pick = data[0];
  std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::string mailFrom(takeLine(in));
  const std::string helo(takeLine(in));
  const std::string clientName(takeLine(in));
  auto dns = world(std::string(in));

  config::Config cfg = config::Config::defaults();
  cfg.authserv_id = "mx.example.org";
  cfg.spf_engine = (pick & 1) ? "libspf2" : "native";
  cfg.spf_received_spf = true;
  std::vector<config::Error> errors;
  auto factory = spf::SpfCheckFactory::create(cfg, dns, errors);
  require(factory != nullptr);
  std::vector<std::unique_ptr<core::Check>> checks;
  checks.push_back(factory->makeCheck());
  core::SessionOptions options;
  options.authservId = "mx.example.org";
  core::Session session(std::move(options), std::move(checks), nullptr);
  session.connect(clients[(pick >> 1) % 4], clientName);
  session.helo(helo);
  session.mailFrom(mailFrom);
  session.rcpt("<bob@example.org>");
  session.header("From", " a@example.com");
  session.endOfHeaders();
  core::RecordingActions actions;
  session.endOfMessage(actions);

  const auto& f = session.transaction().findings;
  require(f.spf.has_value());
  require(printable(f.spf->reason, 200));
  require(printable(f.spf->explanation, static_cast<std::size_t>(cfg.spf_explanation_max)));
  if (f.spfHelo) require(printable(f.spfHelo->reason, 200));
  require(safeHeaderValue(session.transaction().authResults.render()));
  for (const auto& e : actions.edits()) require(safeHeaderValue(e.value));
  return 0;
}
