// DNS wire-format bridges built on ldns: toWire() turns an Answer back into a response
// packet (header + question + answer section) for libraries that parse packets
// themselves (libopendkim's DNS hooks); parseAnswerRecords() reads the answer section of
// a real response (libunbound's answer_packet) into Records. Stateless, thread-safe.
// Packets from the network are untrusted: malformed ones yield false, never a throw.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "dns/resolver.h"

namespace vouch::dns {

// A response to (qname, type, IN): rcode NOERROR for Ok/NoData, NXDOMAIN for NxDomain,
// SERVFAIL for ServFail/Timeout. When answer.canonicalName is set, a CNAME from qname to
// it leads the answer section and the records are owned by it. Records whose text does
// not convert are left out. Empty when qname is not a valid domain name.
std::vector<std::uint8_t> toWire(std::string_view qname, RrType type, const Answer& answer);

// Records of `type` in the answer section of `packet` (CNAMEs before them are skipped);
// `ttl` gets the smallest TTL among them. False when the packet does not parse.
bool parseAnswerRecords(const std::uint8_t* packet, std::size_t size, RrType type,
                        std::vector<Record>& records, std::uint32_t& ttl);

}  // namespace vouch::dns
