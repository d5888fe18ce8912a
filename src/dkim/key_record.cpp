// Parser for DKIM key records (see key_record.h). Untrusted input from DNS: every
// index is checked, nothing is assumed about length or character set, and a bad
// record becomes KeyRecord::error rather than an exception.
#include "dkim/key_record.h"

#include <algorithm>
#include <cctype>

#include "core/header_text.h"

namespace vouch::dkim {

namespace {

using core::text::lower;
constexpr auto trim = core::text::trimFws;

bool isWsp(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::vector<std::string> colonList(std::string_view v) {
  std::vector<std::string> out;
  while (true) {
    auto pos = v.find(':');
    std::string item = lower(trim(v.substr(0, pos)));
    if (!item.empty()) out.push_back(std::move(item));
    if (pos == std::string_view::npos) break;
    v.remove_prefix(pos + 1);
  }
  return out;
}

}  // namespace

bool KeyRecord::testing() const {
  return std::find(flags.begin(), flags.end(), "y") != flags.end();
}

KeyRecord parseKeyRecord(std::string_view text) {
  KeyRecord rec;
  rec.keyType = "rsa";
  std::vector<std::string> seen;
  bool first = true;
  while (!text.empty()) {
    auto semi = text.find(';');
    std::string_view item = trim(text.substr(0, semi));
    text = semi == std::string_view::npos ? std::string_view{} : text.substr(semi + 1);
    if (item.empty()) continue;
    auto eq = item.find('=');
    if (eq == std::string_view::npos) {
      rec.error = "tag without '='";
      return rec;
    }
    std::string tag = lower(trim(item.substr(0, eq)));
    std::string_view value = trim(item.substr(eq + 1));
    if (std::find(seen.begin(), seen.end(), tag) != seen.end()) {
      rec.error = "duplicate tag " + tag + "=";
      return rec;
    }
    seen.push_back(tag);
    if (tag == "v") {
      rec.version = std::string(value);
      // RFC 6376 3.6.1: v= must be first when present, and exactly DKIM1.
      if (!first || rec.version != "DKIM1") {
        rec.error = "v= must come first and be DKIM1";
        return rec;
      }
    } else if (tag == "k") {
      rec.keyType = lower(value);
    } else if (tag == "p") {
      rec.hasP = true;
      for (char c : value)
        if (!isWsp(c)) rec.publicKey += c;
    } else if (tag == "h") {
      rec.hashes = colonList(value);
    } else if (tag == "s") {
      rec.services = colonList(value);
    } else if (tag == "t") {
      rec.flags = colonList(value);
    }
    first = false;
  }
  if (!rec.hasP) rec.error = "no p= tag";
  return rec;
}

}  // namespace vouch::dkim
