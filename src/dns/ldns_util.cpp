// ldns helpers (see ldns_util.h). TXT character-strings are copied as raw bytes from the
// wire form (length octet + bytes), so zone escapes such as \195\175 arrive as the bytes
// they denote, exactly as libunbound delivers them. Stateless.
#include "dns/ldns_util.h"

#include "dns/names.h"

namespace vouch::dns::ldns {

std::string rdfText(const ldns_rdf* rdf) {
  if (rdf == nullptr) {
    return {};
  }
  MallocPtr<char> s(ldns_rdf2str(rdf));
  return s ? std::string(s.get()) : std::string();
}

std::string nameText(const ldns_rdf* rdf) { return normalizeName(rdfText(rdf)); }

namespace {
void appendStrings(const ldns_rr* rr, Record& out) {
  for (std::size_t i = 0; i < ldns_rr_rd_count(rr); ++i) {
    const ldns_rdf* rdf = ldns_rr_rdf(rr, i);
    const std::uint8_t* data = ldns_rdf_data(rdf);
    std::size_t size = ldns_rdf_size(rdf);
    if (size == 0) {
      continue;
    }
    std::size_t len = data[0];
    if (len + 1 > size) {
      len = size - 1;  // malformed length octet: keep what is there
    }
    out.strings.emplace_back(reinterpret_cast<const char*>(data + 1), len);
    out.text += out.strings.back();
  }
}
}  // namespace

Record toRecord(const ldns_rr* rr) {
  Record r;
  std::size_t n = ldns_rr_rd_count(rr);
  switch (static_cast<RrType>(ldns_rr_get_type(rr))) {
    case RrType::TXT:
    case RrType::SPF:
      appendStrings(rr, r);
      return r;
    case RrType::MX:
      if (n == 2 && ldns_rdf_size(ldns_rr_rdf(rr, 0)) == 2) {
        r.preference = ldns_rdf2native_int16(ldns_rr_rdf(rr, 0));
        r.text = nameText(ldns_rr_rdf(rr, 1));
        return r;
      }
      break;
    case RrType::NS:
    case RrType::CNAME:
    case RrType::PTR:
      if (n == 1) {
        r.text = nameText(ldns_rr_rdf(rr, 0));
        return r;
      }
      break;
    case RrType::A:
    case RrType::AAAA:
      if (n == 1) {
        r.text = rdfText(ldns_rr_rdf(rr, 0));
        return r;
      }
      break;
    default:
      break;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) {
      r.text += ' ';
    }
    r.text += rdfText(ldns_rr_rdf(rr, i));
  }
  return r;
}

}  // namespace vouch::dns::ldns
