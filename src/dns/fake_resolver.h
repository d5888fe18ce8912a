// FakeResolver: the scripted resolver for unit tests. Tests add records and failures
// (SERVFAIL, timeout, NXDOMAIN, NODATA) per name or per (name, type), then assert on the
// queries made. Thread-safe: one mutex guards the records, QueryLog counts queries.
// Timeouts answer at once with Status::Timeout (no sleeping), so tests stay fast and
// never depend on the clock. Names are case-insensitive; a trailing dot is ignored.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dns/query_log.h"
#include "dns/record_store.h"
#include "dns/resolver.h"

namespace vouch::dns {

class FakeResolver final : public Resolver {
 public:
  void add(std::string_view name, RrType type, Record record);
  void addTxt(std::string_view name, std::string text);
  void addTxt(std::string_view name, std::vector<std::string> strings);  // one RR, many strings
  // Makes addTxt(name, {"v=DKIM1; p=AB", "CD"}) unambiguous (one RR, two strings).
  void addTxt(std::string_view name, std::initializer_list<std::string> strings) {
    addTxt(name, std::vector<std::string>(strings));
  }
  void addSpf(std::string_view name, std::string text);  // type 99
  void addA(std::string_view name, std::string address);
  void addAaaa(std::string_view name, std::string address);
  void addMx(std::string_view name, std::uint16_t preference, std::string_view exchange);
  void addPtr(std::string_view name, std::string_view target);
  void addCname(std::string_view name, std::string_view target);

  void setStatus(std::string_view name, RrType type, Status status);
  void failName(std::string_view name, Status status);

  PendingPtr start(std::string_view name, RrType type) override;
  Answer answer(std::string_view name, RrType type);  // start + wait, no deadline

  std::size_t queryCount() const { return log_.count(); }
  std::vector<std::pair<std::string, RrType>> queries() const { return log_.queries(); }
  void resetCounts() { log_.reset(); }

 private:
  mutable std::mutex mutex_;
  RecordStore store_;
  QueryLog log_;
};

}  // namespace vouch::dns
