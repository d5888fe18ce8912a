// Domain-name text helpers (see names.h). Byte-level work on untrusted text with explicit
// length checks; no allocation beyond the returned string, no state, no exceptions
// beyond std::bad_alloc.
#include "dns/names.h"

namespace vouch::dns {

namespace {
constexpr std::size_t kMaxLabel = 63;
constexpr std::size_t kMaxName = 253;

char lowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
}  // namespace

std::string normalizeName(std::string_view name) {
  if (!name.empty() && name.back() == '.') {
    name.remove_suffix(1);
  }
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    out.push_back(lowerAscii(c));
  }
  return out;
}

bool isValidName(std::string_view name) {
  if (name == ".") {
    return true;
  }
  if (!name.empty() && name.back() == '.') {
    name.remove_suffix(1);
  }
  if (name.size() > kMaxName) {
    return false;
  }
  if (name.empty()) {
    return true;
  }
  std::size_t label = 0;
  for (char c : name) {
    if (c == '.') {
      if (label == 0) {
        return false;  // empty label: "a..b" or ".a"
      }
      label = 0;
    } else if (++label > kMaxLabel) {
      return false;
    }
  }
  return label != 0;
}

std::string_view parentName(std::string_view normalized) {
  auto dot = normalized.find('.');
  if (dot == std::string_view::npos) {
    return {};
  }
  return normalized.substr(dot + 1);
}

bool isAtOrBelow(std::string_view name, std::string_view ancestor) {
  if (ancestor.empty()) {
    return true;
  }
  if (name.size() < ancestor.size()) {
    return false;
  }
  if (name.substr(name.size() - ancestor.size()) != ancestor) {
    return false;
  }
  return name.size() == ancestor.size() || name[name.size() - ancestor.size() - 1] == '.';
}

}  // namespace vouch::dns
