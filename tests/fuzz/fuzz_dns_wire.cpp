// Fuzz target: DNS response packets from the network (what libunbound hands back as
// answer_packet) through dns::parseAnswerRecords for every record type vouch asks for,
// then the parsed records back through toWire and parsed again. Input: byte 0 picks the
// type, the rest is the packet. Asserts: parsed records are well-formed (A/AAAA parse
// as addresses, TXT text is the join of its strings) and a round trip keeps them.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/ip.h"
#include "dns/wire.h"

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vouch;
  if (size < 1) return 0;
  static const dns::RrType types[] = {dns::RrType::A,   dns::RrType::AAAA,  dns::RrType::TXT,
                                      dns::RrType::MX,  dns::RrType::PTR,   dns::RrType::CNAME,
                                      dns::RrType::SPF, dns::RrType::NS};
  const dns::RrType type = types[data[0] % 8];
  std::vector<dns::Record> records;
  std::uint32_t ttl = 0;
  if (!dns::parseAnswerRecords(data + 1, size - 1, type, records, ttl)) return 0;
  for (const auto& r : records) {
    if (type == dns::RrType::A || type == dns::RrType::AAAA) require(core::IpAddress::parse(r.text).has_value());
    if (type == dns::RrType::TXT || type == dns::RrType::SPF) {
      std::string joined;
      for (const auto& s : r.strings) joined += s;
      require(joined == r.text);
    }
  }
  if (records.empty()) return 0;
  dns::Answer answer;
  answer.status = dns::Status::Ok;
  answer.records = records;
  answer.ttl = ttl;
  const auto packet = dns::toWire("fuzz.example.org", type, answer);
  if (packet.empty()) return 0;
  std::vector<dns::Record> again;
  std::uint32_t ttl2 = 0;
  require(dns::parseAnswerRecords(packet.data(), packet.size(), type, again, ttl2));
  // Records whose text does not convert are left out of toWire; never more come back.
  require(again.size() <= records.size());
  return 0;
}
