// IpAddress and Cidr parsing/matching (see ip.h). Text comes from outside (MTA macros,
// SPF records, config) and is parsed strictly with inet_pton: no leading zeros games,
// no partial addresses, no scope ids. Failures are nullopt, never exceptions. Value
// types; thread-safe to share once built. IPv4-mapped IPv6 is unmapped to IPv4 so a
// client seen as ::ffff:192.0.2.1 matches 192.0.2.0/24 (libspf2 would not).
#include "core/ip.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace vouch::core {
namespace {

constexpr std::size_t kMaxText = 64;  // longer text cannot be an address (INET6_ADDRSTRLEN is 46)

bool isMapped(const std::array<std::uint8_t, 16>& b) {
  for (int i = 0; i < 10; ++i) {
    if (b[i] != 0) return false;
  }
  return b[10] == 0xff && b[11] == 0xff;
}

bool startsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  bool forceV6 = false;
  if (startsWithNoCase(text, "ipv6:")) {
    text.remove_prefix(5);
    forceV6 = true;
  }
  if (text.empty() || text.size() > kMaxText) return std::nullopt;
  // inet_pton needs a NUL-terminated string; an embedded NUL must not cut the text short.
  if (text.find('\0') != std::string_view::npos) return std::nullopt;
  char buf[kMaxText + 1];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';

  IpAddress ip;
  if (!forceV6 && inet_pton(AF_INET, buf, ip.bytes.data()) == 1) {
    return ip;
  }
  if (inet_pton(AF_INET6, buf, ip.bytes.data()) != 1) return std::nullopt;
  ip.v6 = true;
  if (isMapped(ip.bytes)) {
    std::array<std::uint8_t, 16> v4{};
    std::memcpy(v4.data(), ip.bytes.data() + 12, 4);
    ip.bytes = v4;
    ip.v6 = false;
  }
  return ip;
}

std::string IpAddress::toString() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof buf) == nullptr) return {};
  return buf;
}

std::optional<Cidr> Cidr::parse(std::string_view text) {
  auto slash = text.find('/');
  auto ip = IpAddress::parse(text.substr(0, slash));
  if (!ip) return std::nullopt;
  // A mapped base like ::ffff:10.0.0.0/104 was unmapped; its prefix counts v6 bits.
  bool mappedText = ip->v6 == false && text.substr(0, slash).find(':') != std::string_view::npos;
  const unsigned width = ip->v6 ? 128 : 32;
  unsigned prefix = width;
  if (slash != std::string_view::npos) {
    std::string_view p = text.substr(slash + 1);
    if (p.empty() || p.size() > 3) return std::nullopt;
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), prefix);
    if (ec != std::errc() || end != p.data() + p.size()) return std::nullopt;
    if (mappedText) {
      if (prefix < 96 || prefix > 128) return std::nullopt;
      prefix -= 96;
    } else if (prefix > width) {
      return std::nullopt;
    }
  }
  return Cidr{*ip, prefix};
}

bool Cidr::contains(const IpAddress& ip) const { return prefixMatch(base, ip, prefix); }

bool prefixMatch(const IpAddress& a, const IpAddress& b, unsigned prefix) {
  if (a.v6 != b.v6) return false;
  const unsigned width = a.v6 ? 128 : 32;
  if (prefix > width) prefix = width;
  const unsigned full = prefix / 8;
  for (unsigned i = 0; i < full; ++i) {
    if (a.bytes[i] != b.bytes[i]) return false;
  }
  const unsigned rest = prefix % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (a.bytes[full] & mask) == (b.bytes[full] & mask);
}

}  // namespace vouch::core
