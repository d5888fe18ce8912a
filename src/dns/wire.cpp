// Wire bridges (see wire.h). Every ldns object is owned by an RAII alias from ldns_util.h;
// ownership passes to the packet only through ldns_pkt_push_rr, after which we release.
// TXT texts longer than 255 bytes without explicit strings are split into 255-byte
// character-strings, as RFC 7208 3.3 publishers do.
#include "dns/wire.h"

#include <algorithm>
#include <string>

#include "dns/ldns_util.h"
#include "dns/names.h"

namespace vouch::dns {

namespace {

constexpr std::uint32_t kDefaultTtl = 300;
constexpr std::size_t kMaxString = 255;

std::string absolute(std::string_view name) {
  std::string n = normalizeName(name);
  return n + ".";
}

ldns_rdf* nameRdf(std::string_view name) { return ldns_dname_new_frm_str(absolute(name).c_str()); }

ldns_rdf* stringRdf(std::string_view s) {
  std::string buf;
  buf.push_back(static_cast<char>(s.size()));
  buf.append(s);
  return ldns_rdf_new_frm_data(LDNS_RDF_TYPE_STR, buf.size(), buf.data());
}

// Pushes the rdata of `r` onto `rr`; false when the text does not convert.
bool pushRdata(ldns_rr* rr, RrType type, const Record& r) {
  auto push = [rr](ldns_rdf* rdf) {
    if (rdf == nullptr) {
      return false;
    }
    ldns_rr_push_rdf(rr, rdf);
    return true;
  };
  switch (type) {
    case RrType::TXT:
    case RrType::SPF: {
      if (!r.strings.empty()) {
        for (const auto& s : r.strings) {
          if (s.size() > kMaxString || !push(stringRdf(s))) {
            return false;
          }
        }
        return true;
      }
      std::string_view rest = r.text;
      do {
        std::string_view piece = rest.substr(0, kMaxString);
        rest.remove_prefix(piece.size());
        if (!push(stringRdf(piece))) {
          return false;
        }
      } while (!rest.empty());
      return true;
    }
    case RrType::A:
      return push(ldns_rdf_new_frm_str(LDNS_RDF_TYPE_A, r.text.c_str()));
    case RrType::AAAA:
      return push(ldns_rdf_new_frm_str(LDNS_RDF_TYPE_AAAA, r.text.c_str()));
    case RrType::MX:
      return push(ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, r.preference)) &&
             push(nameRdf(r.text));
    case RrType::NS:
    case RrType::CNAME:
    case RrType::PTR:
      return isValidName(r.text) && push(nameRdf(r.text));
    default:
      return false;
  }
}

bool hasBuilder(RrType type) {
  switch (type) {
    case RrType::TXT:
    case RrType::SPF:
    case RrType::A:
    case RrType::AAAA:
    case RrType::MX:
    case RrType::NS:
    case RrType::CNAME:
    case RrType::PTR:
      return true;
    default:
      return false;
  }
}

// A new RR (owner, type, IN, ttl) with rdata, or null.
ldns::RrPtr makeRr(std::string_view owner, RrType type, std::uint32_t ttl, const Record& r) {
  if (!hasBuilder(type)) {
    // Other types carry their presentation form: let ldns parse it.
    std::string line = absolute(owner) + " " + std::to_string(ttl) + " IN " +
                       std::string(toString(type)) + " " + r.text;
    ldns_rr* raw = nullptr;
    if (ldns_rr_new_frm_str(&raw, line.c_str(), ttl, nullptr, nullptr) != LDNS_STATUS_OK) {
      return nullptr;
    }
    return ldns::RrPtr(raw);
  }
  ldns::RrPtr rr(ldns_rr_new());
  ldns_rdf* ownerRdf = nameRdf(owner);
  if (!rr || ownerRdf == nullptr) {
    if (ownerRdf != nullptr) {
      ldns_rdf_deep_free(ownerRdf);
    }
    return nullptr;
  }
  ldns_rr_set_owner(rr.get(), ownerRdf);
  ldns_rr_set_type(rr.get(), static_cast<ldns_rr_type>(type));
  ldns_rr_set_class(rr.get(), LDNS_RR_CLASS_IN);
  ldns_rr_set_ttl(rr.get(), ttl);
  if (!pushRdata(rr.get(), type, r)) {
    return nullptr;
  }
  return rr;
}

std::uint8_t rcodeOf(Status s) {
  switch (s) {
    case Status::Ok:
    case Status::NoData:
      return LDNS_RCODE_NOERROR;
    case Status::NxDomain:
      return LDNS_RCODE_NXDOMAIN;
    case Status::ServFail:
    case Status::Timeout:
      return LDNS_RCODE_SERVFAIL;
  }
  return LDNS_RCODE_SERVFAIL;
}

}  // namespace

std::vector<std::uint8_t> toWire(std::string_view qname, RrType type, const Answer& answer) {
  if (!isValidName(qname)) {
    return {};
  }
  ldns_rdf* q = nameRdf(qname);
  if (q == nullptr) {
    return {};
  }
  // ldns_pkt_query_new takes ownership of the name.
  ldns::PktPtr pkt(
      ldns_pkt_query_new(q, static_cast<ldns_rr_type>(type), LDNS_RR_CLASS_IN, LDNS_RD));
  if (!pkt) {
    return {};
  }
  ldns_pkt_set_qr(pkt.get(), true);
  ldns_pkt_set_ra(pkt.get(), true);
  ldns_pkt_set_rcode(pkt.get(), rcodeOf(answer.status));
  std::uint32_t ttl = answer.ttl != 0 ? answer.ttl : kDefaultTtl;
  std::string owner(qname);
  if (!answer.canonicalName.empty() &&
      normalizeName(answer.canonicalName) != normalizeName(qname)) {
    Record target;
    target.text = answer.canonicalName;
    if (auto cname = makeRr(qname, RrType::CNAME, ttl, target)) {
      ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_ANSWER, cname.release());
      owner = answer.canonicalName;
    }
  }
  if (answer.status == Status::Ok) {
    for (const auto& r : answer.records) {
      if (auto rr = makeRr(owner, type, ttl, r)) {
        ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_ANSWER, rr.release());
      }
    }
  }
  std::uint8_t* raw = nullptr;
  std::size_t size = 0;
  if (ldns_pkt2wire(&raw, pkt.get(), &size) != LDNS_STATUS_OK || raw == nullptr) {
    return {};
  }
  ldns::MallocPtr<std::uint8_t> wire(raw);
  return std::vector<std::uint8_t>(wire.get(), wire.get() + size);
}

bool parseAnswerRecords(const std::uint8_t* packet, std::size_t size, RrType type,
                        std::vector<Record>& records, std::uint32_t& ttl) {
  ldns_pkt* raw = nullptr;
  if (packet == nullptr || ldns_wire2pkt(&raw, packet, size) != LDNS_STATUS_OK) {
    return false;
  }
  ldns::PktPtr pkt(raw);
  const ldns_rr_list* answers = ldns_pkt_answer(pkt.get());
  bool first = true;
  for (std::size_t i = 0; answers != nullptr && i < ldns_rr_list_rr_count(answers); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(answers, i);
    if (ldns_rr_get_type(rr) != static_cast<ldns_rr_type>(type)) {
      continue;
    }
    if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) {
      continue;
    }
    // An RR with empty RDATA (RDLENGTH 0) is malformed for every type asked for: an A
    // record would otherwise come back as an empty address text.
    if (ldns_rr_rd_count(rr) == 0) {
      continue;
    }
    records.push_back(ldns::toRecord(rr));
    ttl = first ? ldns_rr_ttl(rr) : std::min(ttl, ldns_rr_ttl(rr));
    first = false;
  }
  return true;
}

}  // namespace vouch::dns
