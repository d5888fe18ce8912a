// Fuzz target for dkim::parseKeyRecord, the parser `vouch testkey` runs on DKIM key
// records fetched from DNS. Input: the TXT text. Asserts the parser's promises: it
// never crashes, a record without error has p= (possibly empty = revoked), the key it
// returns has no whitespace, and parsing is deterministic. Any violation aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "dkim/key_record.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const vouch::dkim::KeyRecord r = vouch::dkim::parseKeyRecord(text);
  if (r.error.empty() && !r.hasP) std::abort();
  for (char c : r.publicKey)
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') std::abort();
  if (r.revoked() != (r.hasP && r.publicKey.empty())) std::abort();
  const vouch::dkim::KeyRecord again = vouch::dkim::parseKeyRecord(text);
  if (again.error != r.error || again.publicKey != r.publicKey || again.keyType != r.keyType)
    std::abort();
  return 0;
}
