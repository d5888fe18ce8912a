// libpsl wrapper: psl_load_file() in load(), psl_free() in the destructor, and the one
// lookup DMARC needs. The context is never modified after loading, so concurrent
// lookups need no lock. Input names are untrusted: lowercased, trailing dot removed,
// IP literals refused before libpsl sees them (it would answer "2.1" for 192.0.2.1).

#include "dmarc/psl.h"

#include <libpsl.h>

#include <algorithm>

#include "dns/names.h"

namespace vouch::dmarc {

namespace {

bool looksLikeIp(std::string_view d) {
  if (d.find(':') != std::string_view::npos) return true;
  return !d.empty() && std::all_of(d.begin(), d.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

}  // namespace

std::shared_ptr<const PublicSuffixList> PublicSuffixList::load(const std::string& file, std::string& error) {
  psl_ctx_t* ctx = psl_load_file(file.c_str());
  if (ctx == nullptr) {
    error = "cannot load the Public Suffix List from " + file;
    return nullptr;
  }
  return std::shared_ptr<const PublicSuffixList>(new PublicSuffixList(ctx));
}

PublicSuffixList::~PublicSuffixList() { psl_free(ctx_); }

std::string PublicSuffixList::organizationalDomain(std::string_view domain) const {
  const std::string d = dns::normalizeName(domain);
  if (d.empty() || looksLikeIp(d)) return d;
  const char* reg = psl_registrable_domain(ctx_, d.c_str());
  return reg != nullptr ? std::string(reg) : d;
}

}  // namespace vouch::dmarc
