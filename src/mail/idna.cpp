// libidn2 wrapper: one call, its output owned by a unique_ptr whose deleter is
// idn2_free. No library state to set up or share. Input is untrusted UTF-8 (possibly
// invalid): libidn2 validates it and refuses what IDNA2008/UTS #46 disallow.

#include "mail/idna.h"

#include <idn2.h>

#include <memory>

#include "mail/header_unfold.h"

namespace vouch::mail {

namespace {

struct Idn2Free {
  void operator()(std::uint8_t* p) const { idn2_free(p); }
};
using Idn2String = std::unique_ptr<std::uint8_t, Idn2Free>;

}  // namespace

bool hasNonAscii(std::string_view domain) {
  for (char c : domain) {
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}

bool toALabel(std::string_view domain, std::string& out) {
  const std::string input(domain);  // NUL-terminated copy; the lexer refuses NUL bytes
  std::uint8_t* raw = nullptr;
  const int rc = idn2_lookup_u8(reinterpret_cast<const std::uint8_t*>(input.c_str()), &raw,
                                IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
  const Idn2String owned(raw);
  if (rc != IDN2_OK || !owned) return false;
  out = asciiLower(reinterpret_cast<const char*>(owned.get()));
  return true;
}

}  // namespace vouch::mail
