// RAII owners for ldns handles (one unique_ptr alias per handle type, stateless
// deleters) and the one conversion from an ldns RR to a dns::Record, shared by the zone
// resolver, the unbound resolver (answer packets) and the wire encoder, so every
// resolver hands checks identical values. Stateless and thread-safe; input RRs are
// untrusted wire/zone data: odd rdata yields presentation text, never a crash.
#pragma once

#include <cstdlib>
#include <memory>
#include <string>

// ldns/common.h #defines bool/true/false unless stdbool.h came first; in C++ those
// macros break libstdc++ under clang. Include it first, and include ldns only via here.
// clang-format off
#include <stdbool.h>  // NOLINT(modernize-deprecated-headers)
#include <ldns/ldns.h>
// clang-format on

#include "dns/resolver.h"

namespace vouch::dns::ldns {

struct RrDeleter {
  void operator()(ldns_rr* p) const { ldns_rr_free(p); }
};
struct RdfDeleter {
  void operator()(ldns_rdf* p) const { ldns_rdf_deep_free(p); }
};
struct PktDeleter {
  void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
};
struct MallocDeleter {
  void operator()(void* p) const { std::free(p); }  // NOLINT(cppcoreguidelines-no-malloc)
};

using RrPtr = std::unique_ptr<ldns_rr, RrDeleter>;
using RdfPtr = std::unique_ptr<ldns_rdf, RdfDeleter>;
using PktPtr = std::unique_ptr<ldns_pkt, PktDeleter>;
template <typename T>
using MallocPtr = std::unique_ptr<T, MallocDeleter>;

// Presentation text of one rdf ("" when ldns cannot print it).
std::string rdfText(const ldns_rdf* rdf);
// Domain name rdf -> normalized text (lowercase, no trailing dot, root = "").
std::string nameText(const ldns_rdf* rdf);
// The RR's data as a Record (see resolver.h for what `text` holds per type).
Record toRecord(const ldns_rr* rr);

}  // namespace vouch::dns::ldns
