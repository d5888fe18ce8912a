// RecordStore lookups (see record_store.h). The CNAME walk is bounded by kMaxCnameHops
// so a hostile zone cannot loop us; wildcard and empty-non-terminal rules follow RFC 4592
// in their simple form (closest encloser, no DNSSEC proofs). Single-threaded by contract.
#include "dns/record_store.h"

#include <algorithm>
#include <charconv>

namespace vouch::dns {

void RecordStore::add(std::string_view name, RrType type, Record record, std::uint32_t ttl) {
  std::string key = normalizeName(name);
  if (options_.emptyNonTerminals) {
    for (std::string_view p = parentName(key);; p = parentName(p)) {
      entNames_.emplace(p);
      if (p.empty()) {
        break;
      }
    }
  }
  RrSet& set = nodes_[key][type];
  if (set.records.empty() || ttl < set.ttl) {
    set.ttl = ttl;
  }
  set.records.push_back(std::move(record));
}

void RecordStore::setStatus(std::string_view name, RrType type, Status status) {
  typeStatus_[{normalizeName(name), type}] = status;
}

void RecordStore::failName(std::string_view name, Status status) {
  nameStatus_[normalizeName(name)] = status;
}

void RecordStore::delegate(std::string_view name) { delegations_.insert(normalizeName(name)); }

bool RecordStore::hasRecords(std::string_view normalizedName, RrType type) const {
  auto it = nodes_.find(normalizedName);
  return it != nodes_.end() && it->second.count(type) != 0;
}

bool RecordStore::isDelegated(std::string_view name) const {
  if (delegations_.empty()) {
    return false;
  }
  for (std::string_view p = name;; p = parentName(p)) {
    if (delegations_.count(p) != 0) {
      return true;
    }
    if (p.empty()) {
      return false;
    }
  }
}

const RecordStore::Node* RecordStore::findNode(const std::string& name, bool& exists) const {
  exists = false;
  if (auto it = nodes_.find(name); it != nodes_.end()) {
    exists = true;
    return &it->second;
  }
  if (entNames_.count(name) != 0) {
    exists = true;
    return nullptr;
  }
  if (!options_.wildcards || name.empty()) {
    return nullptr;
  }
  // Closest encloser: the nearest existing ancestor; only "*.<it>" may match.
  for (std::string_view p = parentName(name);; p = parentName(p)) {
    bool pExists = nodes_.count(std::string(p)) != 0 || entNames_.count(p) != 0;
    if (pExists) {
      std::string wild = p.empty() ? std::string("*") : "*." + std::string(p);
      if (auto it = nodes_.find(wild); it != nodes_.end()) {
        exists = true;
        return &it->second;
      }
      return nullptr;
    }
    if (p.empty()) {
      return nullptr;
    }
  }
}

std::uint32_t RecordStore::negativeTtl(std::string_view name) const {
  for (std::string_view p = name;; p = parentName(p)) {
    if (auto it = nodes_.find(p); it != nodes_.end()) {
      if (auto soa = it->second.find(RrType::SOA); soa != it->second.end() && !soa->second.records.empty()) {
        // Presentation form: mname rname serial refresh retry expire minimum.
        const std::string& text = soa->second.records.front().text;
        const auto last = text.find_last_of(' ');
        const std::string_view field =
            last == std::string::npos ? std::string_view(text) : std::string_view(text).substr(last + 1);
        std::uint32_t minimum = 0;
        const auto [end, err] = std::from_chars(field.data(), field.data() + field.size(), minimum);
        if (err != std::errc() || end != field.data() + field.size()) return 0;
        return std::min(minimum, soa->second.ttl);
      }
    }
    if (p.empty()) return 0;
  }
}

Answer RecordStore::lookupOne(const std::string& name, RrType type,
                              std::string& cnameTarget) const {
  Answer a;
  if (isDelegated(name)) {
    a.status = Status::ServFail;
    a.why = "lame delegation at or above " + (name.empty() ? std::string(".") : name);
    return a;
  }
  if (auto it = nameStatus_.find(name); it != nameStatus_.end()) {
    a.status = it->second;
    a.why = "scripted failure";
    return a;
  }
  if (auto it = typeStatus_.find({name, type}); it != typeStatus_.end()) {
    a.status = it->second;
    a.why = "scripted status";
    return a;
  }
  bool exists = false;
  const Node* node = findNode(name, exists);
  if (node == nullptr) {
    a.status = exists ? Status::NoData : Status::NxDomain;
    a.ttl = negativeTtl(name);
    return a;
  }
  if (auto it = node->find(type); it != node->end()) {
    a.status = Status::Ok;
    a.records = it->second.records;
    a.ttl = it->second.ttl;
    return a;
  }
  if (type != RrType::CNAME) {
    if (auto it = node->find(RrType::CNAME); it != node->end() && !it->second.records.empty()) {
      cnameTarget = it->second.records.front().text;
    }
  }
  a.status = Status::NoData;
  a.ttl = negativeTtl(name);
  return a;
}

Answer RecordStore::lookup(std::string_view name, RrType type) const {
  if (!isValidName(name)) {
    Answer a;
    a.status = Status::NxDomain;
    a.why = "malformed domain name";
    return a;
  }
  std::string current = normalizeName(name);
  for (int hop = 0; hop <= kMaxCnameHops; ++hop) {
    std::string target;
    Answer a = lookupOne(current, type, target);
    if (hop > 0) {
      a.canonicalName = current;
    }
    if (target.empty()) {
      return a;
    }
    current = normalizeName(target);
  }
  Answer loop;
  loop.status = Status::ServFail;
  loop.why = "CNAME chain longer than " + std::to_string(kMaxCnameHops) + " or a loop";
  return loop;
}

}  // namespace vouch::dns
