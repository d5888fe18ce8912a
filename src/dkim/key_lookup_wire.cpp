// Encodes key lookup answers as DNS response packets for libopendkim (see the header).
// Owns ldns objects only for the span of one call, through unique_ptr deleters. TXT
// strings longer than 255 octets are split, as a zone would have to store them.
// Hostile text cannot overflow: ldns sizes the packet and we copy only when it fits.
#include "dkim/key_lookup_wire.h"

#include <ldns/ldns.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace vouch::dkim {
namespace {

struct PktFree {
  void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
};
struct RdfFree {
  void operator()(ldns_rdf* r) const { ldns_rdf_deep_free(r); }
};
struct RrFree {
  void operator()(ldns_rr* r) const { ldns_rr_free(r); }
};
struct MallocFree {
  void operator()(std::uint8_t* p) const { std::free(p); }
};
using PktPtr = std::unique_ptr<ldns_pkt, PktFree>;
using RdfPtr = std::unique_ptr<ldns_rdf, RdfFree>;
using RrPtr = std::unique_ptr<ldns_rr, RrFree>;

constexpr std::size_t kMaxCharString = 255;

// The character-strings of one TXT record, each at most 255 octets.
std::vector<std::string> charStrings(const dns::Record& rec) {
  std::vector<std::string> in = rec.strings;
  if (in.empty()) in.push_back(rec.text);
  std::vector<std::string> out;
  for (const auto& s : in) {
    if (s.empty()) out.emplace_back();
    for (std::size_t i = 0; i < s.size(); i += kMaxCharString) out.push_back(s.substr(i, kMaxCharString));
  }
  return out;
}

RrPtr txtRecord(const ldns_rdf* owner, const dns::Record& rec, std::uint32_t ttl) {
  RrPtr rr(ldns_rr_new());
  if (!rr) return nullptr;
  ldns_rr_set_owner(rr.get(), ldns_rdf_clone(owner));
  ldns_rr_set_type(rr.get(), LDNS_RR_TYPE_TXT);
  ldns_rr_set_class(rr.get(), LDNS_RR_CLASS_IN);
  ldns_rr_set_ttl(rr.get(), ttl);
  for (const auto& s : charStrings(rec)) {
    std::vector<std::uint8_t> data(s.size() + 1);
    data[0] = static_cast<std::uint8_t>(s.size());
    if (!s.empty()) std::memcpy(data.data() + 1, s.data(), s.size());
    ldns_rdf* rdf = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_STR, data.size(), data.data());
    if (rdf == nullptr || !ldns_rr_push_rdf(rr.get(), rdf)) {
      if (rdf != nullptr) ldns_rdf_deep_free(rdf);
      return nullptr;
    }
  }
  return rr;
}

}  // namespace

std::size_t buildKeyResponse(std::string_view qname, const dns::Answer& answer,
                             unsigned char* buf, std::size_t buflen) {
  const bool valid = !qname.empty();
  const std::string name = valid ? std::string(qname) + "." : std::string("invalid.");
  RdfPtr owner(ldns_dname_new_frm_str(name.c_str()));
  if (!owner) return 0;
  // ldns_pkt_query_new takes ownership of the name it is given.
  PktPtr pkt(ldns_pkt_query_new(ldns_rdf_clone(owner.get()), LDNS_RR_TYPE_TXT, LDNS_RR_CLASS_IN,
                                LDNS_RD));
  if (!pkt) return 0;
  ldns_pkt_set_qr(pkt.get(), true);
  ldns_pkt_set_ra(pkt.get(), true);

  if (!valid || answer.status == dns::Status::NxDomain) {
    ldns_pkt_set_rcode(pkt.get(), LDNS_RCODE_NXDOMAIN);
  } else if (answer.status == dns::Status::Ok) {
    for (const auto& rec : answer.records) {
      RrPtr rr = txtRecord(owner.get(), rec, answer.ttl);
      if (!rr || !ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_ANSWER, rr.get())) return 0;
      rr.release();  // the packet owns it now
    }
  } else if (answer.status != dns::Status::NoData) {
    return 0;  // SERVFAIL/timeout are reported to libopendkim as codes, not packets
  }

  std::uint8_t* raw = nullptr;
  std::size_t size = 0;
  if (ldns_pkt2wire(&raw, pkt.get(), &size) != LDNS_STATUS_OK) return 0;
  std::unique_ptr<std::uint8_t, MallocFree> wire(raw);
  if (size == 0 || size > buflen) return 0;
  std::memcpy(buf, wire.get(), size);
  return size;
}

}  // namespace vouch::dkim
