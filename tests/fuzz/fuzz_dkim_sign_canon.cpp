// Fuzz target for the signing self-check's own canonicalizers (src/dkim/sign_body_hash,
// relaxedHeader), which see every outbound message's bytes. Input: first byte picks
// relaxed/simple and a split point; the rest is a body. Asserts that hashing the body
// whole or split anywhere gives the same bh (the milter splits chunks anywhere), that a
// hash is always produced, and that a relaxed header has no CR/LF but its final CRLF.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

#include "dkim/sign_body_hash.h"
#include "dkim/sign_self_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool relaxed = (data[0] & 1) != 0;
  std::span<const char> body(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::size_t split = body.empty() ? 0 : (data[0] >> 1) % (body.size() + 1);

  vouch::dkim::BodyHasher whole(relaxed);
  whole.update(body);
  vouch::dkim::BodyHasher parts(relaxed);
  parts.update(body.first(split));
  parts.update(body.subspan(split));
  const std::string a = whole.finish();
  const std::string b = parts.finish();
  if (a.empty() || a != b) std::abort();

  const std::string h = vouch::dkim::relaxedHeader(std::string_view(body.data(), body.size()));
  if (h.size() < 3 || h.substr(h.size() - 2) != "\r\n") std::abort();
  for (std::size_t i = 0; i + 2 < h.size(); ++i)
    if (h[i] == '\r' || h[i] == '\n') std::abort();
  return 0;
}
