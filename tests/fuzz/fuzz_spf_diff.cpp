// libFuzzer target: the same random SPF record and client through vouch's evaluator and
// the libspf2 engine over one FakeResolver, comparing results. Differences that README.md
// ("SPF engines") documents are counted and tolerated; any other difference is printed
// and aborts, since it means one engine is wrong in a way nobody has explained.
// Input: byte 0 picks the client, byte 1 the sender, the rest is example.com's record.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "dns/fake_resolver.h"
#include "spf/engine.h"
#include "spf/record.h"

using namespace vouch;

namespace {

std::shared_ptr<dns::FakeResolver> world(const std::string& record) {
  auto dns = std::make_shared<dns::FakeResolver>();
  dns->addTxt("example.com", record);
  dns->addA("example.com", "192.0.2.1");
  dns->addAaaa("example.com", "2001:db8::1");
  dns->addMx("example.com", 10, "mail.example.com");
  dns->addA("mail.example.com", "192.0.2.20");
  dns->addAaaa("mail.example.com", "2001:db8::20");
  dns->addPtr("20.2.0.192.in-addr.arpa", "mail.example.com");
  dns->addTxt("inc.example.com", "v=spf1 ip4:198.51.100.0/24 -all");
  dns->addTxt("soft.example.com", "v=spf1 ~all");
  dns->addTxt("why.example.com", "not allowed");
  dns->addA("1.2.0.192.bl.example.com", "127.0.0.2");
  dns->setStatus("down.example.com", dns::RrType::TXT, dns::Status::ServFail);
  dns->setStatus("down.example.com", dns::RrType::A, dns::Status::ServFail);
  return dns;
}

bool contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

bool containsNoCase(std::string_view hay, std::string_view needle) {
  std::string h(hay);
  for (char& c : h) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return contains(h, needle);
}

// The category of a documented deviation, or nullptr when the difference is unexplained.
const char* documented(std::string_view record, const spf::Outcome& native, const spf::Outcome& lib,
                       const std::string& ip) {
  using core::Result;
  if (native.result == Result::PermError || lib.result == Result::PermError) return "syntax/limits";
  if (ip.rfind("127.", 0) == 0) return "localhost";
  if (contains(record, "/0")) return "cidr /0";
  if (containsNoCase(record, "redirect")) return "redirect with all";
  if (containsNoCase(record, "ptr") || containsNoCase(record, "%{p")) return "ptr";
  if (contains(record, "%")) return "macros";
  if (native.voidLookups > 0) return "void lookups";
  return nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2 || size > 600) return 0;
  static const std::array<const char*, 5> clients{"192.0.2.1", "192.0.2.20", "198.51.100.7", "2001:db8::1",
                                                  "127.0.0.1"};
  static const std::array<const char*, 4> senders{"user@example.com", "", "@example.com", "a.b-c@example.com"};
  std::string ip = clients[data[0] % clients.size()];
  std::string sender = senders[data[1] % senders.size()];
  std::string record(reinterpret_cast<const char*>(data + 2), size - 2);
  if (!spf::isSpfRecord(record)) record = "v=spf1 " + record;

  auto dns = world(record);
  spf::Limits limits;
  spf::Request req{*core::IpAddress::parse(ip), sender, "example.com", "mx.example.org", 1700000000};
  auto deadline = dns::Clock::now() + std::chrono::seconds(5);
  spf::Outcome native = spf::makeEngine("native", dns, limits)->check(req, deadline);
  spf::Outcome lib = spf::makeEngine("libspf2", dns, limits)->check(req, deadline);
  if (native.result == lib.result) return 0;
  if (documented(record, native, lib, ip)) return 0;
  std::fprintf(stderr, "undocumented SPF engine difference\n  record: %s\n  client: %s sender: %s\n"
               "  native: %s (%s)\n  libspf2: %s (%s)\n",
               record.c_str(), ip.c_str(), sender.c_str(), std::string(core::toString(native.result)).c_str(),
               native.reason.c_str(), std::string(core::toString(lib.result)).c_str(), lib.reason.c_str());
  std::abort();
}
