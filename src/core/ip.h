// IP addresses and CIDR blocks for client classification, SPF ip4/ip6 and allowlists.
// Parses untrusted text strictly (inet_pton); returns nullopt instead of throwing.
// Value types, thread-safe to share once built.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vouch::core {

struct IpAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};  // v4 uses the first 4

  // Accepts dotted IPv4 and IPv6 text (with or without brackets, "IPv6:" prefix);
  // IPv4-mapped IPv6 (::ffff:a.b.c.d) becomes IPv4.
  static std::optional<IpAddress> parse(std::string_view text);
  std::string toString() const;
  bool operator==(const IpAddress&) const = default;
};

struct Cidr {
  IpAddress base;
  unsigned prefix = 0;

  // "192.0.2.0/24", "2001:db8::/32", or a bare address (full length).
  static std::optional<Cidr> parse(std::string_view text);
  bool contains(const IpAddress& ip) const;
};

// True when the first `prefix` bits of a and b agree (same family required).
bool prefixMatch(const IpAddress& a, const IpAddress& b, unsigned prefix);

}  // namespace vouch::core
