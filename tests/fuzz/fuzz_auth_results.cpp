// Fuzz target for the Authentication-Results renderer and the authserv-id parser.
// Input: fields separated by NUL bytes: authserv-id, then repeated groups of
// (method, reason, comment, property value). Asserts that the rendered header keeps
// its structure whatever the values: 7-bit printable text, CR/LF only as "\r\n\t"
// folds, quotes and comments balanced, exactly one ';' per result, and our own
// authserv-id reads back. Any violation aborts (a finding).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/auth_results.h"
#include "core/header_text.h"

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

std::vector<std::string> split(std::string_view in) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= in.size()) {
    std::size_t nul = in.find('\0', start);
    if (nul == std::string_view::npos) nul = in.size();
    out.emplace_back(in.substr(start, nul - start));
    start = nul + 1;
  }
  return out;
}

// Unfolds "\r\n\t" and checks every other byte is printable ASCII.
std::string unfoldChecked(const std::string& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v.compare(i, 3, "\r\n\t") == 0) {
      require(i > 0 && v[i - 1] != ' ');
      out.push_back(' ');
      i += 2;
      continue;
    }
    auto c = static_cast<unsigned char>(v[i]);
    require(c >= 0x20 && c < 0x7f);
    out.push_back(v[i]);
  }
  return out;
}

// Counts ';' outside quoted-strings and comments; requires both to be balanced.
std::size_t structuralSemicolons(const std::string& s) {
  std::size_t semis = 0;
  int depth = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quoted) {
      if (c == '\\') ++i;
      else if (c == '"') quoted = false;
    } else if (depth > 0) {
      require(c != '\\');  // comments are rendered without quoted-pairs
      if (c == '(') ++depth;
      if (c == ')') --depth;
    } else if (c == '"') {
      quoted = true;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      require(false);
    } else if (c == ';') {
      ++semis;
    }
  }
  require(!quoted && depth == 0);
  return semis;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vouch::core;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)claimedAuthservId(in);  // raw header values must never crash the parser

  std::vector<std::string> f = split(in);
  AuthResults ar(f[0]);
  std::size_t expected = 0;
  for (std::size_t i = 1; i < f.size(); i += 4) {
    auto at = [&](std::size_t k) { return k < f.size() ? f[k] : std::string(); };
    static constexpr Result kResults[] = {Result::None, Result::Pass, Result::Fail, Result::SoftFail,
                                          Result::Neutral, Result::Policy, Result::TempError,
                                          Result::PermError};
    const Result r = kResults[at(i).size() % 8];
    MethodResult m{at(i), r, at(i + 1), at(i + 2), {{"header", "d", at(i + 3)}, {"smtp", "mailfrom", at(i + 3)}}};
    if (!text::keyword(m.method, 64).empty()) ++expected;
    ar.add(std::move(m));
  }
  const std::string rendered = ar.render();
  const std::string flat = unfoldChecked(rendered);
  require(structuralSemicolons(flat) == (expected == 0 ? 1 : expected));
  const std::string wantId = f[0].empty() ? "unknown" : text::lower(text::printable(f[0], 320));
  require(claimedAuthservId(rendered) == wantId);
  return 0;
}
