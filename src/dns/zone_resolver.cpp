// ZoneResolver loading (see zone_resolver.h). Reads RR by RR with ldns_rr_new_frm_fp_l so
// every error carries its line; $ORIGIN/$TTL are tracked by ldns itself. After all files
// are read, NS owners that are not SOA owners become lame delegations. Loading runs on one
// thread before the resolver is shared; lookups afterwards only read.
#include "dns/zone_resolver.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>

#include "dns/ldns_util.h"
#include "dns/names.h"

namespace vouch::dns {

namespace {
struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;
constexpr std::uint32_t kDefaultTtl = 3600;
}  // namespace

class ZoneResolver::Loader {
 public:
  explicit Loader(ZoneResolver& zone) : zone_(zone) {}

  // Reads one master file from `fp`; false with `error` set on the first bad line.
  bool read(std::FILE* fp, const std::string& label, std::string& error) {
    std::uint32_t ttl = kDefaultTtl;
    ldns_rdf* originRaw = ldns_dname_new_frm_str(".");
    ldns_rdf* prevRaw = nullptr;
    int line = 0;  // ldns counts newlines consumed; an RR starts on before + 1
    bool ok = true;
    while (ok && !std::feof(fp)) {
      ldns_rr* rrRaw = nullptr;
      int before = line;
      ldns_status st = ldns_rr_new_frm_fp_l(&rrRaw, fp, &ttl, &originRaw, &prevRaw, &line);
      ldns::RrPtr rr(rrRaw);
      switch (st) {
        case LDNS_STATUS_OK:
          ok = take(rr.get(), label, before + 1, error);
          break;
        case LDNS_STATUS_SYNTAX_EMPTY:
        case LDNS_STATUS_SYNTAX_ORIGIN:
        case LDNS_STATUS_SYNTAX_TTL:
          break;
        case LDNS_STATUS_SYNTAX_INCLUDE:
          error = label + ":" + std::to_string(before + 1) + ": $INCLUDE is not supported";
          ok = false;
          break;
        default:
          error = label + ":" + std::to_string(before + 1) + ": " + ldns_get_errorstr_by_id(st);
          ok = false;
          break;
      }
    }
    if (originRaw != nullptr) {
      ldns_rdf_deep_free(originRaw);
    }
    if (prevRaw != nullptr) {
      ldns_rdf_deep_free(prevRaw);
    }
    return ok;
  }

  // After every file: NS at a name that is not an apex is a (lame) delegation.
  void finish() {
    if (soaOwners_.empty()) {
      return;
    }
    for (const auto& ns : nsOwners_) {
      if (soaOwners_.count(ns) == 0) {
        zone_.store_.delegate(ns);
      }
    }
  }

 private:
  bool take(const ldns_rr* rr, const std::string& label, int line, std::string& error) {
    if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) {
      return true;
    }
    if (zone_.records_ >= kMaxRecords) {
      error = label + ":" + std::to_string(line) + ": more than " + std::to_string(kMaxRecords) +
              " records";
      return false;
    }
    std::string owner = ldns::nameText(ldns_rr_owner(rr));
    auto type = static_cast<RrType>(ldns_rr_get_type(rr));
    if (type == RrType::SOA) {
      soaOwners_.insert(owner);
    }
    if (type == RrType::NS) {
      nsOwners_.insert(owner);
    }
    zone_.store_.add(owner, type, ldns::toRecord(rr), ldns_rr_ttl(rr));
    ++zone_.records_;
    return true;
  }

  ZoneResolver& zone_;
  std::set<std::string> soaOwners_;
  std::set<std::string> nsOwners_;
};

ZoneResolver::ZoneResolver()
    : store_(RecordStore::Options{.emptyNonTerminals = true, .wildcards = true}) {}

std::shared_ptr<ZoneResolver> ZoneResolver::fromFiles(const std::vector<std::string>& paths,
                                                      std::string& error) {
  std::shared_ptr<ZoneResolver> zone(new ZoneResolver());
  Loader loader(*zone);
  for (const auto& path : paths) {
    FilePtr fp(std::fopen(path.c_str(), "r"));
    if (!fp) {
      error = path + ":0: cannot open: " + std::strerror(errno);
      return nullptr;
    }
    if (!loader.read(fp.get(), path, error)) {
      return nullptr;
    }
  }
  loader.finish();
  return zone;
}

std::shared_ptr<ZoneResolver> ZoneResolver::fromFile(const std::string& path, std::string& error) {
  return fromFiles({path}, error);
}

std::shared_ptr<ZoneResolver> ZoneResolver::fromString(std::string_view zoneText,
                                                       std::string& error,
                                                       const std::string& label) {
  std::shared_ptr<ZoneResolver> zone(new ZoneResolver());
  Loader loader(*zone);
  if (!zoneText.empty()) {
    // fmemopen wants a mutable buffer that outlives the FILE.
    std::string buffer(zoneText);
    FilePtr fp(fmemopen(buffer.data(), buffer.size(), "r"));
    if (!fp) {
      error = label + ":0: cannot read zone text";
      return nullptr;
    }
    if (!loader.read(fp.get(), label, error)) {
      return nullptr;
    }
  }
  loader.finish();
  return zone;
}

Answer ZoneResolver::answer(std::string_view name, RrType type) {
  log_.record(name, type);
  return store_.lookup(name, type);
}

PendingPtr ZoneResolver::start(std::string_view name, RrType type) {
  return std::make_shared<ReadyPending>(answer(name, type));
}

}  // namespace vouch::dns
