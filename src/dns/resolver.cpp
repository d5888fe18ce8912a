// Text forms of the dns::Resolver vocabulary (types, statuses, security states), used in
// logs, Authentication-Results comments and `vouch dns`. Stateless tables; parseRrType
// accepts untrusted text and reports unknown names by returning false.
#include "dns/resolver.h"

#include <array>
#include <utility>

namespace vouch::dns {

namespace {
constexpr std::array<std::pair<RrType, std::string_view>, 9> kTypes{{
    {RrType::A, "A"},
    {RrType::NS, "NS"},
    {RrType::CNAME, "CNAME"},
    {RrType::SOA, "SOA"},
    {RrType::PTR, "PTR"},
    {RrType::MX, "MX"},
    {RrType::TXT, "TXT"},
    {RrType::AAAA, "AAAA"},
    {RrType::SPF, "SPF"},
}};

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    if (x >= 'a' && x <= 'z') {
      x = static_cast<char>(x - 'a' + 'A');
    }
    if (x != b[i]) {
      return false;
    }
  }
  return true;
}
}  // namespace

std::string_view toString(RrType t) {
  for (const auto& [type, name] : kTypes) {
    if (type == t) {
      return name;
    }
  }
  return "TYPE?";
}

std::string_view toString(Status s) {
  switch (s) {
    case Status::Ok:
      return "ok";
    case Status::NoData:
      return "nodata";
    case Status::NxDomain:
      return "nxdomain";
    case Status::ServFail:
      return "servfail";
    case Status::Timeout:
      return "timeout";
  }
  return "unknown";
}

std::string_view toString(Security s) {
  switch (s) {
    case Security::Unchecked:
      return "unchecked";
    case Security::Insecure:
      return "insecure";
    case Security::Secure:
      return "secure";
    case Security::Bogus:
      return "bogus";
  }
  return "unknown";
}

bool parseRrType(std::string_view text, RrType& out) {
  for (const auto& [type, name] : kTypes) {
    if (equalsIgnoreCase(text, name)) {
      out = type;
      return true;
    }
  }
  return false;
}

}  // namespace vouch::dns
