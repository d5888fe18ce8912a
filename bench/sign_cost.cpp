// sign_cost: CPU time vouch spends DKIM-signing one message, for RSA-2048, Ed25519 and
// both at once, with and without the sign-then-verify self-check. Measures the calling
// thread's CPU time (CLOCK_THREAD_CPUTIME_ID), never wall-clock, so a loaded machine
// skews it less (caches and frequency still matter: report it with that caveat).
// Usage: sign_cost [MESSAGES_PER_CASE=300]. A benchmark that reports; it asserts nothing
// but that signing works (exit 1 otherwise).
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "config/config.h"
#include "dkim/sign_message.h"
#include "dns/fake_resolver.h"

// Not `using namespace vouch`: <opendkim/dkim.h> declares a global `struct dkim`.
namespace config = vouch::config;
namespace vd = vouch::dkim;
namespace dns = vouch::dns;

namespace {

double threadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// A typical small message: 8 headers, a 4 KB body of 76-column lines.
struct Message {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

Message typicalMessage() {
  Message m;
  m.headers = {{"From", " Alice <alice@example.org>"},
               {"To", " Bob <bob@example.net>"},
               {"Cc", " carol@example.net"},
               {"Subject", " Quarterly figures and the\n\tnext steps"},
               {"Date", " Fri, 27 Nov 2026 11:00:00 +0000"},
               {"Message-ID", " <20261127110000.1@example.org>"},
               {"MIME-Version", " 1.0"},
               {"Content-Type", " text/plain; charset=utf-8"}};
  const std::string line(74, 'x');
  while (m.body.size() < 4096) m.body += line + "\r\n";
  return m;
}

bool signOnce(const std::shared_ptr<vd::Library>& lib, const std::vector<const vd::KeyEntry*>& keys,
              bool selfCheck, const Message& m) {
  vd::MessageSigner s(lib, vd::Canonicalization{}, selfCheck);
  std::string err;
  bool ok = s.start(keys, "bench", err);
  for (const auto& [n, v] : m.headers) ok = ok && s.header(n, v, err);
  ok = ok && s.endOfHeaders(err) && s.body(m.body, err);
  std::vector<vd::SignedHeader> out;
  ok = ok && s.finish(out, err);
  if (!ok) std::fprintf(stderr, "sign_cost: %s\n", err.c_str());
  return ok && out.size() == keys.size();
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::max(1, std::atoi(argv[1])) : 300;
  std::string err;
  auto lib = vd::Library::create(config::Config::defaults(), std::make_shared<dns::FakeResolver>(), err);
  auto rsaKey = vd::PrivateKey::generate(vd::KeyAlgorithm::Rsa, 2048, err);
  auto edKey = vd::PrivateKey::generate(vd::KeyAlgorithm::Ed25519, 0, err);
  if (!lib || !rsaKey || !edKey) {
    std::fprintf(stderr, "sign_cost: set-up failed: %s\n", err.c_str());
    return 1;
  }
  vd::KeyEntry rsa{"rsa", "example.org", "r", "", rsaKey};
  vd::KeyEntry ed{"ed", "example.org", "e", "", edKey};
  const Message m = typicalMessage();
  struct Case { const char* name; std::vector<const vd::KeyEntry*> keys; bool selfCheck; };
  const Case cases[] = {
      {"rsa-2048", {&rsa}, false},           {"rsa-2048 +self-check", {&rsa}, true},
      {"ed25519", {&ed}, false},             {"ed25519 +self-check", {&ed}, true},
      {"rsa+ed25519", {&rsa, &ed}, false},   {"rsa+ed25519 +self-check", {&rsa, &ed}, true},
  };
  std::printf("sign_cost: %d messages per case, %zu-byte body, %zu headers, relaxed/relaxed; "
              "thread CPU time\n", n, m.body.size(), m.headers.size());
  std::printf("%-26s %12s %14s\n", "case", "CPU ms/msg", "msgs/CPU-s");
  for (const auto& c : cases) {
    if (!signOnce(lib, c.keys, c.selfCheck, m)) return 1;  // warm-up, and proof it works
    const double start = threadCpuSeconds();
    for (int i = 0; i < n; ++i)
      if (!signOnce(lib, c.keys, c.selfCheck, m)) return 1;
    const double perMsg = (threadCpuSeconds() - start) / n;
    std::printf("%-26s %12.3f %14.0f\n", c.name, perMsg * 1e3, 1.0 / perMsg);
  }
  return 0;
}
