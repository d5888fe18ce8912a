// KeyLookupService (see the header): prefetch matching, deadlines, and the mapping of
// resolver statuses to libopendkim's DKIM_DNS_* codes. Shared by all threads; the only
// shared mutable state is the thread->context map, under mutex_. Never throws towards
// libopendkim: failures become DKIM_DNS_ERROR (temperror), never a fake "no key".
#include "dkim/key_lookup_service.h"

#include "dkim/dkim_library.h"  // libopendkim, with its _Bool mapped
#include <sys/time.h>

#include <algorithm>
#include <cstring>

#include "dns/wire.h"

namespace vouch::dkim {
namespace {

// DKIM joins a key record's character-strings (RFC 6376 3.6.2.2), so strings longer than
// the 255 octets a packet can carry are split rather than dropped by dns::toWire.
void splitLongStrings(dns::Answer& answer) {
  constexpr std::size_t kMax = 255;
  for (auto& rec : answer.records) {
    std::vector<std::string> out;
    for (const auto& s : rec.strings.empty() ? std::vector<std::string>{rec.text} : rec.strings) {
      if (s.empty()) out.emplace_back();
      for (std::size_t i = 0; i < s.size(); i += kMax) out.push_back(s.substr(i, kMax));
    }
    rec.strings = std::move(out);
  }
}

}  // namespace

std::string normalizeKeyName(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty() || name.size() > 253) return {};
  std::string out;
  out.reserve(name.size());
  std::size_t label = 0;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == ';' || c == '\\') return {};
    if (c == '.') {
      if (label == 0) return {};
      label = 0;
    } else if (++label > 63) {
      return {};
    }
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return label == 0 ? std::string() : out;
}

KeyLookupService::KeyLookupService(std::shared_ptr<dns::Resolver> resolver,
                                   std::chrono::milliseconds timeout)
    : resolver_(std::move(resolver)), timeout_(timeout) {}

KeyLookupService::Binding::Binding(KeyLookupService& service, KeyLookupContext& ctx)
    : service_(service), thread_(std::this_thread::get_id()) {
  std::lock_guard lock(service_.mutex_);
  KeyLookupContext*& slot = service_.bound_[thread_];
  previous_ = slot;
  slot = &ctx;
}

KeyLookupService::Binding::~Binding() {
  std::lock_guard lock(service_.mutex_);
  if (previous_ != nullptr) {
    service_.bound_[thread_] = previous_;
  } else {
    service_.bound_.erase(thread_);
  }
}

KeyLookupContext* KeyLookupService::contextForThisThread() {
  std::lock_guard lock(mutex_);
  auto it = bound_.find(std::this_thread::get_id());
  return it == bound_.end() ? nullptr : it->second;
}

std::unique_ptr<KeyLookupService::Query> KeyLookupService::start(std::string_view qname,
                                                                 unsigned char* buf,
                                                                 std::size_t buflen) {
  auto q = std::make_unique<Query>();
  q->qname = normalizeKeyName(qname);
  q->buf = buf;
  q->buflen = buflen;
  KeyLookupContext* ctx = contextForThisThread();
  // Without a bound message (e.g. a signer's self-check) the per-query timeout applies.
  q->deadline = ctx != nullptr ? ctx->deadline : dns::Clock::now() + timeout_;
  q->context = ctx;
  if (q->qname.empty()) return q;
  if (ctx != nullptr) {
    ++ctx->queries;
    auto it = std::find_if(ctx->prefetched.begin(), ctx->prefetched.end(),
                           [&](const PrefetchedKey& p) { return p.qname == q->qname; });
    if (it != ctx->prefetched.end() && it->pending) {
      ++ctx->prefetchHits;
      q->pending = it->pending;
      return q;
    }
  }
  q->pending = resolver_->start(q->qname, dns::RrType::TXT);
  return q;
}

int KeyLookupService::wait(Query& q, const struct timeval* timeout, std::size_t* bytes,
                           int* dnssec) {
  *bytes = 0;
  if (dnssec != nullptr) *dnssec = DKIM_DNSSEC_UNKNOWN;
  dns::Answer answer;
  if (!q.pending) {
    answer.status = dns::Status::NxDomain;
  } else {
    dns::Deadline deadline = q.deadline;
    if (timeout != nullptr) {
      const auto lib = std::chrono::seconds(timeout->tv_sec) +
                       std::chrono::microseconds(timeout->tv_usec);
      deadline = std::min(deadline, dns::Clock::now() +
                                        std::chrono::duration_cast<dns::Clock::duration>(lib));
    }
    answer = q.pending->wait(deadline);
  }
  if (answer.temporary() || answer.security == dns::Security::Bogus) {
    if (q.context != nullptr) q.context->failures.emplace_back(q.qname, answer.status);
    // Never a SERVFAIL packet: libopendkim would read it as "no key" (permanent).
    return answer.status == dns::Status::Timeout ? DKIM_DNS_EXPIRED : DKIM_DNS_ERROR;
  }
  // A name that cannot exist gets NXDOMAIN under a placeholder question (libopendkim
  // checks only the question's type and class).
  if (q.qname.empty()) answer.status = dns::Status::NxDomain;
  splitLongStrings(answer);
  const std::vector<std::uint8_t> wire =
      dns::toWire(q.qname.empty() ? "invalid" : q.qname, dns::RrType::TXT, answer);
  if (wire.empty() || wire.size() > q.buflen) return DKIM_DNS_ERROR;  // cannot be handed over
  std::memcpy(q.buf, wire.data(), wire.size());
  const std::size_t n = wire.size();
  *bytes = n;
  if (dnssec != nullptr) {
    switch (answer.security) {
      case dns::Security::Secure: *dnssec = DKIM_DNSSEC_SECURE; break;
      case dns::Security::Insecure: *dnssec = DKIM_DNSSEC_INSECURE; break;
      default: *dnssec = DKIM_DNSSEC_UNKNOWN; break;
    }
  }
  return DKIM_DNS_SUCCESS;
}

}  // namespace vouch::dkim
