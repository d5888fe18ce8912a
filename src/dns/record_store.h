// RecordStore: the in-memory answer engine behind FakeResolver and ZoneResolver. Holds
// records by (normalized name, type) plus scripted failures, and answers one query the
// way a recursive resolver would: data, NODATA, NXDOMAIN, CNAME chains (bounded, loops
// -> SERVFAIL), optional empty non-terminals, wildcards and lame delegations (SERVFAIL).
// Not synchronised: the owner either freezes it after loading or guards it with a mutex.
// Input names are untrusted; malformed ones answer NXDOMAIN. Never throws on lookups.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dns/names.h"
#include "dns/resolver.h"

namespace vouch::dns {

class RecordStore {
 public:
  struct Options {
    bool emptyNonTerminals = false;  // ancestors of owner names exist (NODATA, not NXDOMAIN)
    bool wildcards = false;          // "*.parent" owners synthesise answers (RFC 4592)
  };
  // Longest CNAME chain followed; a longer chain (or a loop) answers SERVFAIL.
  static constexpr int kMaxCnameHops = 8;
  static constexpr std::uint32_t kDefaultTtl = 300;

  RecordStore() = default;
  explicit RecordStore(Options options) : options_(options) {}

  void add(std::string_view name, RrType type, Record record, std::uint32_t ttl = kDefaultTtl);
  // Every query of `type` at exactly `name` answers `status` (no records).
  void setStatus(std::string_view name, RrType type, Status status);
  // Every query at exactly `name`, whatever the type, answers `status`.
  void failName(std::string_view name, Status status);
  // Every query at or below `name` answers SERVFAIL (a lame delegation).
  void delegate(std::string_view name);

  bool hasRecords(std::string_view normalizedName, RrType type) const;
  std::size_t nameCount() const { return nodes_.size(); }

  Answer lookup(std::string_view name, RrType type) const;

 private:
  struct RrSet {
    std::vector<Record> records;
    std::uint32_t ttl = kDefaultTtl;
  };
  using Node = std::map<RrType, RrSet>;

  // One step: the answer at `name` itself, without CNAME following; sets `cnameTarget`
  // when the name holds a CNAME and `type` is not CNAME.
  Answer lookupOne(const std::string& name, RrType type, std::string& cnameTarget) const;
  const Node* findNode(const std::string& name, bool& exists) const;
  // RFC 2308 5: a "no record" answer lives min(SOA TTL, SOA MINIMUM) of the nearest
  // enclosing SOA; 0 when the store has none (as for a scripted fake).
  std::uint32_t negativeTtl(std::string_view name) const;
  bool isDelegated(std::string_view name) const;

  Options options_;
  std::map<std::string, Node, std::less<>> nodes_;
  std::set<std::string, std::less<>> entNames_;  // empty non-terminals (when enabled)
  std::map<std::pair<std::string, RrType>, Status> typeStatus_;
  std::map<std::string, Status, std::less<>> nameStatus_;
  std::set<std::string, std::less<>> delegations_;
};

}  // namespace vouch::dns
