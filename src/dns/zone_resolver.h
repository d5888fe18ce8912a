// ZoneResolver: answers like a recursive resolver in front of RFC 1035 master files,
// for tests and `vouch check --dns-file`. Parsing is ldns's ($ORIGIN, $TTL, parentheses,
// escapes, multi-string TXT); lookups are a frozen RecordStore with empty non-terminals,
// wildcards, CNAME chains and lame delegations (NS below a zone apex -> SERVFAIL).
// Immutable after loading, so thread-safe; zone text is untrusted: errors come back as
// "file:line: message", never as an exception. $INCLUDE is refused.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dns/query_log.h"
#include "dns/record_store.h"
#include "dns/resolver.h"

namespace vouch::dns {

class ZoneResolver final : public Resolver {
 public:
  // Upper bound on records loaded from one set of files (zone text may be hostile).
  static constexpr std::size_t kMaxRecords = 1000000;

  // nullptr and `error` = "path:line: what" when a file cannot be read or parsed.
  static std::shared_ptr<ZoneResolver> fromFile(const std::string& path, std::string& error);
  // Several files answer as one namespace (e.g. one zone per test domain).
  static std::shared_ptr<ZoneResolver> fromFiles(const std::vector<std::string>& paths,
                                                 std::string& error);
  // `label` names the text in error messages. Relative names without $ORIGIN are
  // relative to the root.
  static std::shared_ptr<ZoneResolver> fromString(std::string_view zoneText, std::string& error,
                                                  const std::string& label = "<zone>");

  PendingPtr start(std::string_view name, RrType type) override;
  Answer answer(std::string_view name, RrType type);  // start + wait, no deadline

  std::size_t recordCount() const { return records_; }
  std::size_t queryCount() const { return log_.count(); }
  std::vector<std::pair<std::string, RrType>> queries() const { return log_.queries(); }
  void resetCounts() { log_.reset(); }

  class Loader;  // zone_resolver.cpp

 private:
  ZoneResolver();

  RecordStore store_;
  std::size_t records_ = 0;
  QueryLog log_;
};

}  // namespace vouch::dns
