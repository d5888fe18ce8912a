// DKIM-Signature tag reading for prefetch and reporting (see the header). A tag-list is
// "name = value ; ..." with folding whitespace anywhere (RFC 6376 3.2); we split on ';'
// and '=' only, so a hostile value can never make us read past the input or keep more
// than kMaxTagValue bytes per tag. Stateless; never throws for any input.
#include "dkim/verify_signature_tags.h"

#include <array>

#include "dkim/key_lookup_service.h"

namespace vouch::dkim {
namespace {

bool isFws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && isFws(s.front())) s.remove_prefix(1);
  while (!s.empty() && isFws(s.back())) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s.substr(0, kMaxTagValue));
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string withoutFws(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (out.size() >= kMaxTagValue) break;
    if (!isFws(c)) out.push_back(c);
  }
  return out;
}

// libopendkim's decoder skips stray characters, so "b=!!!!<valid>" would still verify:
// RFC 6376 3.5 says base64string is ALPHA / DIGIT / "+" / "/" with FWS, "=" padding.
bool isBase64(std::string_view s) {
  for (char c : s) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '/' || c == '=' || isFws(c);
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string SignatureTags::keyName() const {
  if (domain.empty() || selector.empty()) return {};
  return normalizeKeyName(selector + "._domainkey." + domain);
}

SignatureTags parseSignatureTags(std::string_view value) {
  SignatureTags tags;
  value = value.substr(0, kMaxSignatureScan);
  // Tags we keep, in the order of `seen`, to detect duplicates.
  constexpr std::array<std::string_view, 7> kKept = {"d", "s", "a", "i", "b", "l", "bh"};
  std::array<bool, kKept.size()> seen{};
  while (!value.empty()) {
    const std::size_t semi = value.find(';');
    std::string_view item = value.substr(0, semi);
    value = semi == std::string_view::npos ? std::string_view() : value.substr(semi + 1);
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view name = trim(item.substr(0, eq));
    const std::string_view val = trim(item.substr(eq + 1));
    std::size_t idx = kKept.size();
    for (std::size_t i = 0; i < kKept.size(); ++i) {
      if (name == kKept[i]) idx = i;
    }
    if (idx == kKept.size()) continue;
    if (seen[idx]) {
      tags.duplicateTag = true;
      continue;  // the first occurrence is the one reported
    }
    seen[idx] = true;
    switch (idx) {
      case 0: {
        std::string d = lower(val);
        if (!d.empty() && d.back() == '.') d.pop_back();
        tags.domain = std::move(d);
        break;
      }
      case 1: tags.selector = lower(val); break;
      case 2: tags.algorithm = lower(val); break;
      case 3: tags.identity = std::string(val.substr(0, kMaxTagValue)); break;
      case 4:
        tags.b = withoutFws(val);
        if (!isBase64(val) && !tags.badBase64) {
          tags.badBase64 = true;
          tags.badBase64Tag = "b";
        }
        break;
      case 6:
        if (!isBase64(val) && !tags.badBase64) {
          tags.badBase64 = true;
          tags.badBase64Tag = "bh";
        }
        break;
      case 5:
        tags.hasLength = true;
        tags.length = std::string(val.substr(0, 32));
        break;
      default: break;
    }
  }
  return tags;
}

bool isSignatureHeader(std::string_view name) {
  constexpr std::string_view kName = "dkim-signature";
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
  if (name.size() != kName.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kName[i]) return false;
  }
  return true;
}

}  // namespace vouch::dkim
