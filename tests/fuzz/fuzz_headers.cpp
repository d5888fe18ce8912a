// libFuzzer target: header unfolding and trimming on arbitrary bytes. Invariants: the
// unfolded value never grows, never ends in a line break, and every line break left in
// it is one that was not followed by white space.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mail/header_unfold.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string out = vouch::mail::unfold(input);
  if (out.size() > input.size()) std::abort();
  if (!out.empty() && (out.back() == '\n' || out.back() == '\r')) std::abort();
  for (std::size_t i = 0; i < out.size(); ++i) {
    if ((out[i] == '\n' || out[i] == '\r') && i + 1 < out.size() && vouch::mail::isWsp(out[i + 1])) std::abort();
  }
  if (vouch::mail::unfold(out) != out) std::abort();  // idempotent
  const std::string_view t = vouch::mail::trimWsp(input);
  if (!t.empty() && (vouch::mail::isWsp(t.front()) || vouch::mail::isWsp(t.back()))) std::abort();
  (void)vouch::mail::headerNameEquals(input.substr(0, size / 2), input.substr(size / 2));
  return 0;
}
