// libspf2's DNS layer over dns::Resolver, and the owner of the per-evaluation
// SPF_server_t. Answers are untrusted: addresses are re-parsed, names bounded, and TXT
// text screened by vouch's own record/macro parsers before libspf2 sees it. Every path
// returns an SPF_dns_rr_t (NULL makes libspf2 abort); DNS failures become TRY_AGAIN.
// One thread at a time (the object lives on one check()'s stack).
#include "spf/libspf2_dns.h"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <cstdlib>
#include <cstring>

#include "spf/dns_name.h"
#include "spf/record.h"

namespace vouch::spf::detail {
namespace {

constexpr std::size_t kMaxName = 255;
// libspf2 sees this instead of a record our parser refuses: a clean syntax error.
constexpr std::string_view kRefusedRecord = "v=spf1 ?refused-by-vouch";

bool toRrType(ns_type type, dns::RrType& out) {
  switch (type) {
    case ns_t_a: out = dns::RrType::A; return true;
    case ns_t_aaaa: out = dns::RrType::AAAA; return true;
    case ns_t_mx: out = dns::RrType::MX; return true;
    case ns_t_ptr: out = dns::RrType::PTR; return true;
    case ns_t_txt: out = dns::RrType::TXT; return true;
    default: return false;  // type 99 and anything else: NO_DATA
  }
}

bool isAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u != 0 && u < 0x80;
  });
}

// ip4:x/0 and ip6:x/0 (valid, but refused by libspf2) as two /1 halves, same qualifier.
std::string splitZeroCidr(std::string_view term) {
  std::string q = (term[0] == '+' || term[0] == '-' || term[0] == '~' || term[0] == '?') ? std::string(1, term[0]) : "";
  std::string lower(term.substr(q.size()));
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.size() < 6 || lower.compare(lower.size() - 2, 2, "/0") != 0) return std::string(term);
  if (lower.rfind("ip4:", 0) == 0) return q + "ip4:0.0.0.0/1 " + q + "ip4:128.0.0.0/1";
  if (lower.rfind("ip6:", 0) == 0) return q + "ip6:::/1 " + q + "ip6:8000::/1";
  return std::string(term);
}

// The record as libspf2 should see it: without what RFC 7208 says to ignore and
// libspf2 does not (unknown modifiers, whose names libspf2 refuses when they hold '.',
// '-' or '_'; redirect= in a record that has "all", 6.1), and with /0 networks split.
std::string forLibspf2(std::string_view text, const Record& record) {
  std::string out(text.substr(0, 6));
  std::size_t i = 6;
  while (i < text.size()) {
    std::size_t end = std::min(text.find(' ', i), text.size());
    std::string_view term = text.substr(i, end - i);
    i = end + 1;
    if (term.empty()) continue;
    auto stop = term.find_first_of(":/=");
    if (stop != std::string_view::npos && term[stop] == '=') {
      std::string name(term.substr(0, stop));
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (name != "exp" && !(name == "redirect" && !record.hasAll)) continue;
    }
    out += ' ';
    out += splitZeroCidr(term);
  }
  return out;
}

// The text libspf2 may compile for this TXT string, or nullopt to leave it out.
std::optional<std::string> screenTxt(const std::string& text, bool& refused) {
  if (isSpfRecord(text)) {
    ParsedRecord parsed = isAscii(text) ? parseRecord(text) : ParsedRecord{};
    if (parsed.record) return forLibspf2(text, *parsed.record);
    refused = true;
    return std::string(kRefusedRecord);
  }
  std::string error;
  if (!isAscii(text) || !parseMacroString(text, MacroScope::Explanation, error)) return std::nullopt;
  return text;
}

bool putBytes(SPF_dns_rr_t* rr, int idx, const void* data, std::size_t len) {
  if (SPF_dns_rr_buf_realloc(rr, idx, len) != SPF_E_SUCCESS) return false;
  std::memcpy(rr->rr[idx], data, len);
  return true;
}

bool putString(SPF_dns_rr_t* rr, int idx, std::string_view s) {
  if (SPF_dns_rr_buf_realloc(rr, idx, s.size() + 1) != SPF_E_SUCCESS) return false;
  char* dst = reinterpret_cast<char*>(rr->rr[idx]);
  std::memcpy(dst, s.data(), s.size());
  dst[s.size()] = '\0';
  return true;
}

}  // namespace

Libspf2Dns::Libspf2Dns(dns::Resolver& resolver, const Limits& limits, dns::Deadline deadline)
    : resolver_(resolver),
      queryCap_(limits.maxDnsTerms * (limits.maxMxNames + 2) + limits.maxPtrNames + 4),
      maxVoid_(limits.maxVoidLookups),
      maxTerms_(limits.maxDnsTerms),
      maxMx_(limits.maxMxNames),
      maxPtr_(limits.maxPtrNames),
      deadline_(deadline) {
  layer_ = static_cast<SPF_dns_server_t*>(std::calloc(1, sizeof(SPF_dns_server_t)));
  if (!layer_) return;
  layer_->destroy = &Libspf2Dns::destroy;
  layer_->lookup = &Libspf2Dns::lookup;
  layer_->name = "vouch";
  layer_->hook = this;
  server_ = SPF_server_new_dns(layer_, 0);
}

Libspf2Dns::~Libspf2Dns() {
  if (server_) SPF_server_free(server_);  // first: the server does not own the layer
  if (layer_) SPF_dns_free(layer_);
}

void Libspf2Dns::destroy(SPF_dns_server_t* layer) { std::free(layer); }

namespace {
std::string lowerName(std::string_view name) {
  std::string out(name);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}
}  // namespace

bool Libspf2Dns::voidLimitExceeded(std::string_view name, dns::RrType type) {
  std::string lname = lowerName(name);
  if (type == dns::RrType::TXT || mxTargets_.count(lname) || ptrTargets_.count(lname)) return false;
  ++stats_.voidLookups;
  if (stats_.voidLookups <= maxVoid_) return false;
  stats_.voidLimitHit = true;
  return true;
}

// The layer sees lookups, not terms, so it infers them: a TXT answer holding an SPF
// record (other than the first) is an include/redirect target; an MX or PTR lookup, or
// an address lookup of a name that no MX/PTR answer gave, is an a/mx/ptr/exists term.
bool Libspf2Dns::termLimitExceeded(std::string_view name, dns::RrType type, const dns::Answer& answer) {
  bool term = false;
  if (type == dns::RrType::TXT) {
    term = stats_.queries > 1 && std::any_of(answer.records.begin(), answer.records.end(),
                                             [](const dns::Record& r) { return isSpfRecord(r.text); });
  } else {
    std::string lname = lowerName(name);
    term = type == dns::RrType::MX || type == dns::RrType::PTR ||
           (mxTargets_.count(lname) == 0 && ptrTargets_.count(lname) == 0);
  }
  if (!term || ++stats_.dnsTerms <= maxTerms_) return false;
  stats_.termLimitHit = true;
  return true;
}

SPF_dns_rr_t* Libspf2Dns::lookup(SPF_dns_server_t* layer, const char* domain, ns_type type, int) {
  return static_cast<Libspf2Dns*>(layer->hook)->answer(layer, domain, type);
}

SPF_dns_rr_t* Libspf2Dns::answer(SPF_dns_server_t* layer, const char* domain, ns_type type) {
  const char* name = domain ? domain : "";
  dns::RrType rrType{};
  std::size_t nameLen = strnlen(name, kMaxName + 1);
  if (nameLen == 0 || nameLen > kMaxName || !toRrType(type, rrType)) {
    return SPF_dns_rr_new_init(layer, name, type, 0, nameLen == 0 || nameLen > kMaxName ? HOST_NOT_FOUND : NO_DATA);
  }
  if (++stats_.queries > queryCap_) {
    stats_.queryCapHit = true;
    return SPF_dns_rr_new_init(layer, name, type, 0, TRY_AGAIN);
  }
  if (dns::Clock::now() >= deadline_) {
    stats_.deadlineHit = true;
    if (stats_.queries == 1) stats_.firstLookupTemporary = true;
    return SPF_dns_rr_new_init(layer, name, type, 0, TRY_AGAIN);
  }
  dns::Answer a = resolver_.query(presentationName(std::string_view(name, nameLen)), rrType, deadline_);
  int herrno = NETDB_SUCCESS;
  switch (a.status) {
    case dns::Status::Ok: break;
    case dns::Status::NoData: herrno = NO_DATA; break;
    case dns::Status::NxDomain: herrno = HOST_NOT_FOUND; break;
    case dns::Status::ServFail:
    case dns::Status::Timeout: herrno = TRY_AGAIN; break;
  }
  if (stats_.queries == 1 && herrno == TRY_AGAIN) stats_.firstLookupTemporary = true;
  std::string_view qname(name, nameLen);
  if (termLimitExceeded(qname, rrType, a)) return SPF_dns_rr_new_init(layer, name, type, 0, TRY_AGAIN);
  if (herrno == TRY_AGAIN && !stats_.deadlineHit) {
    // A failed PTR lookup, or a failed address lookup of a PTR target, means "no such
    // name" for ptr and %{p} (RFC 7208 5.5); libspf2 would make it a temperror.
    std::string lname = lowerName(qname);
    bool ptrTarget = ptrTargets_.count(lname) != 0 && mxTargets_.count(lname) == 0;
    bool address = rrType == dns::RrType::A || rrType == dns::RrType::AAAA;
    if (rrType == dns::RrType::PTR || (address && ptrTarget)) {
      return SPF_dns_rr_new_init(layer, name, type, 0, NO_DATA);
    }
  }
  // Past the void limit libspf2 is told TRY_AGAIN, which ends its evaluation; the engine
  // reports permerror (RFC 7208 4.6.4).
  if (herrno != NETDB_SUCCESS && herrno != TRY_AGAIN && voidLimitExceeded(qname, rrType)) herrno = TRY_AGAIN;
  SPF_dns_rr_t* rr = SPF_dns_rr_new_init(layer, name, type, static_cast<int>(a.ttl), herrno);
  if (!rr || herrno != NETDB_SUCCESS) return rr;
  if (rrType == dns::RrType::MX && a.records.size() > maxMx_) {
    stats_.mxLimitHit = true;  // RFC 7208 4.6.4: permerror (libspf2 checks 10, then errs)
    rr->herrno = TRY_AGAIN;
    return rr;
  }
  int n = 0;
  for (const auto& record : a.records) {
    if (rrType == dns::RrType::PTR && static_cast<unsigned>(n) >= maxPtr_) break;  // the first ones only
    bool ok = false;
    if (rrType == dns::RrType::A || rrType == dns::RrType::AAAA) {
      auto ip = core::IpAddress::parse(record.text);
      bool wantV6 = rrType == dns::RrType::AAAA;
      if (!ip || ip->v6 != wantV6) continue;
      ok = putBytes(rr, n, ip->bytes.data(), wantV6 ? sizeof(struct in6_addr) : sizeof(struct in_addr));
    } else if (rrType == dns::RrType::TXT) {
      auto text = screenTxt(record.text, stats_.refusedRecord);
      if (!text) continue;
      ok = putString(rr, n, *text);
    } else {
      auto target = rawName(record.text);
      if (target && !target->empty() && target->back() == '.') target->pop_back();
      if (!target || target->empty() || target->size() > kMaxName) continue;
      (rrType == dns::RrType::MX ? mxTargets_ : ptrTargets_).insert(lowerName(*target));
      ok = putString(rr, n, *target);
    }
    if (ok) ++n;
  }
  rr->num_rr = n;
  if (n == 0) rr->herrno = voidLimitExceeded(qname, rrType) ? TRY_AGAIN : NO_DATA;
  return rr;
}

}  // namespace vouch::spf::detail
