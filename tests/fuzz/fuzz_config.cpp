// libFuzzer target: arbitrary bytes as a vouch config file (TOML) -> config::loadString,
// then the same text's settings re-applied as --set overrides. The loader must never
// crash, hang or throw; it either returns a Config or errors with file:line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto r = vouch::config::loadString(text, "fuzz.conf");
  if (r.config == nullptr && r.errors.empty()) std::abort();  // no config and no reason why
  for (const auto& e : r.errors) {
    if (e.toString().empty()) std::abort();
  }
  if (r.config) {
    vouch::config::Config cfg = *r.config;
    std::vector<vouch::config::Error> errors;
    // Each line of the input as a --set override: same validation, other entry point.
    std::vector<std::string> sets;
    std::size_t start = 0;
    while (start < text.size() && sets.size() < 32) {
      const auto nl = text.find('\n', start);
      sets.emplace_back(text.substr(start, nl == std::string_view::npos ? text.size() - start : nl - start));
      if (nl == std::string_view::npos) break;
      start = nl + 1;
    }
    vouch::config::applyOverrides(cfg, sets, errors);
    (void)vouch::config::reloadConflicts(*r.config, cfg);
  }
  return 0;
}
