// Fuzz target: a whole hostile message, stage by stage, through a real Session built by
// the composition root (every registered check) over a scripted FakeResolver.
// Input: "MAIL-FROM\nHELO\n" then the message text. Asserts what the front end relies
// on: end of message always decides; forged A-R deletions are in descending order and
// never more than the A-R headers present; inserted values start with a space, use only
// "\n\t" folding and stay printable (no header injection).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "config/config.h"
#include "dns/fake_resolver.h"
#include "pipeline/replay.h"
#include "pipeline/snapshot.h"

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

std::shared_ptr<const vouch::pipeline::Snapshot> makeSnapshot() {
  using namespace vouch;
  auto resolver = std::make_shared<dns::FakeResolver>();
  resolver->addTxt("example.org", "v=spf1 ip4:192.0.2.0/24 include:_spf.example.net ~all");
  resolver->addTxt("_spf.example.net", "v=spf1 a mx -all");
  resolver->addA("example.net", "192.0.2.7");
  resolver->addMx("example.net", 10, "mx.example.net");
  resolver->addTxt("_dmarc.example.org", "v=DMARC1; p=reject; adkim=s");
  resolver->addTxt("_dmarc.example.com", "v=DMARC1; p=quarantine; sp=none; t=y");
  resolver->failName("temperror.example", dns::Status::ServFail);
  resolver->failName("_dmarc.temperror.example", dns::Status::Timeout);
  config::Config cfg = config::Config::defaults();
  cfg.authserv_id = "mx.example.net";
  // The shipped policies, found from this file's place in the source tree.
  const std::string self = __FILE__;
  cfg.policy_dir = self.substr(0, self.rfind('/') + 1) + "../../policies";
  std::vector<config::Error> errors;
  auto snap = pipeline::Snapshot::build(std::make_shared<const config::Config>(cfg), resolver, errors);
  require(snap != nullptr);
  return snap;
}

std::string_view takeLine(std::string_view& in) {
  std::size_t nl = in.find('\n');
  std::string_view line = in.substr(0, nl);
  in.remove_prefix(nl == std::string_view::npos ? in.size() : nl + 1);
  return line;
}

bool equalsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vouch;
  static const auto snapshot = makeSnapshot();
  std::string_view in(reinterpret_cast<const char*>(data), size);
  pipeline::Envelope env;
  env.mailFrom = std::string(takeLine(in));
  env.helo = std::string(takeLine(in));
  env.clientIp = size % 2 ? "192.0.2.55" : "2001:db8::77";
  env.rcpts = {"<bob@example.net>"};
  env.queueId = "FUZZ";
  const pipeline::StoredMessage msg = pipeline::parseStoredMessage(in);

  auto session = snapshot->newSession();
  const pipeline::ReplayOutcome out = pipeline::replay(*session, env, msg);
  require(out.verdict.decided());

  std::size_t arHeaders = 0;
  for (const auto& [name, value] : msg.headers) {
    if (equalsNoCase(name, "Authentication-Results")) ++arHeaders;
  }
  std::size_t deletes = 0;
  std::size_t lastIndex = SIZE_MAX;
  for (const auto& e : out.actions.edits()) {
    if (e.kind == core::HeaderEdit::Kind::Delete) {
      if (e.name == "Authentication-Results") {
        require(e.index < lastIndex && e.index >= 1 && e.index <= arHeaders);
        lastIndex = e.index;
        ++deletes;
      }
      continue;
    }
    require(!e.value.empty() && e.value[0] == ' ');
    for (std::size_t i = 0; i < e.value.size(); ++i) {
      auto c = static_cast<unsigned char>(e.value[i]);
      if (c == '\n') {
        require(i + 1 < e.value.size() && (e.value[i + 1] == '\t' || e.value[i + 1] == ' '));
        continue;
      }
      require(c == '\t' || (c >= 0x20 && c < 0x7f));
    }
  }
  require(deletes <= arHeaders);
  return 0;
}
