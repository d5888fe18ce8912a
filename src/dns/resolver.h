// dns::Resolver: the one DNS interface every check uses (SPF, DKIM keys, DMARC).
// Implementations: UnboundResolver (production, libunbound, shared cache), ZoneResolver
// (RFC 1035 zone file via ldns, for tests and `vouch check --dns-file`), FakeResolver
// (unit tests: scripted answers, failures and query counts). All are thread-safe: one
// instance serves every thread. DNS trouble is a Status value, never an exception.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace vouch::dns {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

enum class RrType : std::uint16_t {
  A = 1, NS = 2, CNAME = 5, SOA = 6, PTR = 12, MX = 15, TXT = 16, AAAA = 28, SPF = 99
};

// What happened to a query. Checks map these to RFC results: NxDomain/NoData are
// answers ("no record"), ServFail/Timeout are temporary errors.
enum class Status { Ok, NoData, NxDomain, ServFail, Timeout };

enum class Security { Unchecked, Insecure, Secure, Bogus };

std::string_view toString(RrType t);
std::string_view toString(Status s);
std::string_view toString(Security s);
// "TXT", "txt", "MX", ... -> type; false when unknown.
bool parseRrType(std::string_view text, RrType& out);

struct Record {
  // A/AAAA: address text. TXT/SPF: the character-strings joined with nothing between
  // (RFC 7208 3.3 / RFC 6376 3.6.2.2). MX/PTR/CNAME/NS: target name, lowercase, no
  // trailing dot. Other types: presentation form.
  std::string text;
  std::vector<std::string> strings;  // TXT/SPF only: the individual character-strings
  std::uint16_t preference = 0;      // MX only
};

struct Answer {
  Status status = Status::ServFail;
  Security security = Security::Unchecked;
  std::vector<Record> records;  // only when status == Ok (then non-empty)
  std::uint32_t ttl = 0;
  std::string canonicalName;    // after CNAMEs, when one was followed
  std::string why;              // human detail for failures (e.g. why bogus)

  bool ok() const { return status == Status::Ok; }
  bool temporary() const { return status == Status::ServFail || status == Status::Timeout; }
  bool empty() const { return status == Status::NoData || status == Status::NxDomain; }
};

// A query in flight (prefetch). wait() may be called from any thread, more than once;
// it returns Status::Timeout if the answer is not there by the deadline.
class Pending {
 public:
  virtual ~Pending() = default;
  virtual Answer wait(Deadline deadline) = 0;
};
using PendingPtr = std::shared_ptr<Pending>;

class Resolver {
 public:
  virtual ~Resolver() = default;
  // Starts a lookup and returns at once; the answer is collected with wait().
  // Names are domain names in text form, with or without the trailing dot.
  virtual PendingPtr start(std::string_view name, RrType type) = 0;

  // The answer when it is already in memory: no query is sent and nothing waits. Lets a
  // caller finish work on its own thread when nothing would block (SPF evaluations).
  // Default: never (every answer needs a query).
  virtual bool cached(std::string_view /*name*/, RrType /*type*/, Answer& /*out*/) { return false; }

  // Blocking form: start + wait.
  Answer query(std::string_view name, RrType type, Deadline deadline) {
    return start(name, type)->wait(deadline);
  }
};

// A Pending whose answer is already known (for resolvers that answer synchronously).
class ReadyPending final : public Pending {
 public:
  explicit ReadyPending(Answer a) : answer_(std::move(a)) {}
  Answer wait(Deadline) override { return answer_; }

 private:
  Answer answer_;
};

}  // namespace vouch::dns
