// Fuzz target for zone data: arbitrary text goes through ZoneResolver::fromString (ldns's
// master-file parser plus our RecordStore), then a few lookups (names from the input's
// first owner and fixed ones, every type), each answer through toWire and back through
// parseAnswerRecords. Asserts invariants that must hold for any zone: a failed load has a
// "label:line:" error, answers are self-consistent, wire round trips keep the records.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "dns/wire.h"
#include "dns/zone_resolver.h"

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

using vouch::dns::Answer;
using vouch::dns::Record;
using vouch::dns::RrType;
using vouch::dns::Status;

constexpr RrType kTypes[] = {RrType::A,  RrType::NS,  RrType::CNAME, RrType::SOA, RrType::PTR,
                             RrType::MX, RrType::TXT, RrType::AAAA,  RrType::SPF};

void checkAnswer(std::string_view name, RrType type, const Answer& a) {
  require(a.status == Status::Ok ? !a.records.empty() : a.records.empty());
  std::vector<std::uint8_t> wire = vouch::dns::toWire(name, type, a);
  if (wire.empty()) return;  // names ldns cannot encode
  std::vector<Record> back;
  std::uint32_t ttl = 0;
  require(vouch::dns::parseAnswerRecords(wire.data(), wire.size(), type, back, ttl));
  require(back.size() <= a.records.size());
  if (type != RrType::TXT && type != RrType::SPF) return;
  // TXT bytes survive the trip exactly when every string fits a character-string.
  if (back.size() == a.records.size()) {
    for (std::size_t i = 0; i < back.size(); ++i) require(back[i].text == a.records[i].text);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 16384) return 0;  // zone files are local input; keep runs fast
  std::string text(reinterpret_cast<const char*>(data), size);
  std::string error;
  auto zone = vouch::dns::ZoneResolver::fromString(text, error, "fuzz.zone");
  if (!zone) {
    require(error.rfind("fuzz.zone:", 0) == 0);
    return 0;
  }
  std::vector<std::string> names = {"example.com", "www.example.com", "a.b.example.com", "",
                                    "test"};
  // The first token of the first line is often an owner name: look it up too.
  std::string_view first(text);
  first = first.substr(0, first.find_first_of(" \t\r\n"));
  if (!first.empty() && first.size() < 256) names.emplace_back(first);
  for (const auto& name : names) {
    for (RrType type : kTypes) checkAnswer(name, type, zone->answer(name, type));
  }
  return 0;
}
