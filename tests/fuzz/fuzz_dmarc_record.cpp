// libFuzzer target: the DMARC record parser in both modes, and the classification of a
// TXT answer holding the input (and a copy of it). Invariants: mode-specific tags never
// leak into the other mode, pct stays within 0..100, and two copies of one DMARC record
// at a name count as none (RFC 9989 4.10 step 2).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "dmarc/record.h"
#include "dmarc/record_lookup.h"

using namespace vouch;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const dmarc::ParseResult bis = dmarc::parseRecord(text, dmarc::Mode::Rfc9989);
  const dmarc::ParseResult old = dmarc::parseRecord(text, dmarc::Mode::Rfc7489);
  if ((bis.status == dmarc::ParseStatus::NotDmarc) != (old.status == dmarc::ParseStatus::NotDmarc)) std::abort();
  if (bis.status == dmarc::ParseStatus::NotDmarc && dmarc::looksLikeDmarc(text)) std::abort();
  if (bis.record.pct != 100) std::abort();
  if (old.record.pct < 0 || old.record.pct > 100) std::abort();
  if (old.record.hasNp || old.record.testing || old.record.psd != dmarc::Psd::Unset) std::abort();

  dns::Answer answer;
  answer.status = dns::Status::Ok;
  answer.records.push_back(dns::Record{text, {text}, 0});
  const dmarc::SiteLookup one = dmarc::classify(answer, dmarc::Mode::Rfc9989);
  if ((one.kind == dmarc::SiteLookup::Kind::Record) != (bis.status != dmarc::ParseStatus::NotDmarc)) std::abort();
  answer.records.push_back(answer.records.front());
  const dmarc::SiteLookup two = dmarc::classify(answer, dmarc::Mode::Rfc9989);
  if (two.kind == dmarc::SiteLookup::Kind::Record) std::abort();
  return 0;
}
