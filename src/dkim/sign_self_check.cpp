// selfCheckSignature (see sign_self_check.h). Runs libopendkim's verifier on the shared
// Library with a KeyLookupContext whose only "prefetched" answer is the record derived
// from the private key, so the check never touches DNS and never trusts what is
// published. The VerifyScreen limits the verifier to the first signature (ours, fed on
// top), so older DKIM-Signature headers in the message cause no lookups.
#include "dkim/sign_self_check.h"

#include <memory>

namespace vouch::dkim {

namespace {

struct DkimFree {
  void operator()(DKIM* d) const { dkim_free(d); }
};

// Bounds the self-check's one (local) key lookup; it is answered at once.
constexpr auto kSelfCheckDeadline = std::chrono::seconds(5);

}  // namespace

bool selfCheckSignature(const Library& library, const KeyEntry& key,
                        std::string_view signatureValue,
                        const std::vector<std::string>& headerLines, std::string& why) {
  DKIM_STAT st = DKIM_STAT_OK;
  std::unique_ptr<DKIM, DkimFree> v(
      dkim_verify(library.handle(), reinterpret_cast<const unsigned char*>("self-check"),
                  nullptr, &st));
  if (!v || st != DKIM_STAT_OK) {
    why = "cannot start the verifier";
    return false;
  }
  VerifyScreen screen;
  screen.maxSignatures = 1;
  dkim_set_user_context(v.get(), &screen);

  dns::Answer answer;
  answer.status = dns::Status::Ok;
  dns::Record rec;
  rec.text = key.key->dnsRecord();
  // As DNS would carry it: character-strings of at most 255 octets (RFC 1035 3.3).
  for (std::size_t pos = 0; pos < rec.text.size(); pos += 255) rec.strings.push_back(rec.text.substr(pos, 255));
  answer.records.push_back(std::move(rec));
  KeyLookupContext ctx;
  ctx.deadline = dns::Clock::now() + kSelfCheckDeadline;
  ctx.prefetched.push_back({normalizeKeyName(key.selector + "._domainkey." + key.domain),
                            std::make_shared<dns::ReadyPending>(std::move(answer))});

  auto feed = [&](std::string line) {
    return dkim_header(v.get(), reinterpret_cast<unsigned char*>(line.data()), line.size()) ==
           DKIM_STAT_OK;
  };
  if (!feed("DKIM-Signature: " + std::string(signatureValue))) {
    why = "verifier refused the signature header";
    return false;
  }
  for (const auto& line : headerLines) {
    if (!feed(line)) {
      why = "verifier refused a header";
      return false;
    }
  }
  {
    KeyLookupService::Binding bind(library.keyLookup(), ctx);
    st = dkim_eoh(v.get());
    if (st == DKIM_STAT_OK) st = dkim_eom(v.get(), nullptr);
  }
  if (ctx.queries != 1 || ctx.prefetchHits != 1) {
    why = "key lookup did not use the derived key";
    return false;
  }
  DKIM_SIGINFO** sigs = nullptr;
  int n = 0;
  if (dkim_getsiglist(v.get(), &sigs, &n) != DKIM_STAT_OK || n < 1 || sigs == nullptr) {
    why = "verifier found no signature";
    return false;
  }
  DKIM_SIGINFO* sig = sigs[0];
  // The body was not fed again, so bh= cannot match unless the body is empty; PASSED
  // alone says the b= signature over headers and bh= verified with the derived key.
  if ((dkim_sig_getflags(sig) & DKIM_SIGFLAG_PASSED) == 0) {
    const char* e = dkim_sig_geterrorstr(static_cast<DKIM_SIGERROR>(dkim_sig_geterror(sig)));
    why = std::string("signature does not verify with the key's public half") +
          (e != nullptr ? std::string(": ") + e : std::string());
    return false;
  }
  return true;
}

}  // namespace vouch::dkim
