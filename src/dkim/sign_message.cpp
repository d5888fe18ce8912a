// MessageSigner (see sign_message.h): drives N signers in step (libopendkim for RSA,
// NativeSigner for Ed25519), so one pass over the message makes every signature. Each
// DKIM* is owned by a unique_ptr with dkim_free; dkim_sign() copies the key. Status codes
// become error text that names the key; nothing here throws for bad mail.
#include "dkim/sign_message.h"

#include "dkim/sign_self_check.h"

namespace vouch::dkim {

namespace {

struct DkimFree {
  void operator()(DKIM* d) const { dkim_free(d); }
};

std::string libError(DKIM* d, DKIM_STAT st) {
  const char* detail = d != nullptr ? dkim_geterror(d) : nullptr;
  const char* name = dkim_getresultstr(st);
  std::string out = name != nullptr ? name : "status " + std::to_string(st);
  if (detail != nullptr && *detail != '\0') out += std::string(": ") + detail;
  return out;
}

// libopendkim hands back "\r\n\t" folding; the milter wants "\n\t" and a leading space.
std::string milterValue(std::string_view wire) {
  std::string out = " ";
  out.reserve(wire.size() + 1);
  for (char c : wire)
    if (c != '\r') out += c;
  return out;
}

}  // namespace

struct MessageSigner::Handle {
  const KeyEntry* key;
  std::unique_ptr<DKIM, DkimFree> dkim;    // RSA: libopendkim
  std::unique_ptr<NativeSigner> native;    // Ed25519: our own
};

bool Canonicalization::parse(std::string_view text, Canonicalization& out) {
  auto one = [](std::string_view t, bool& relaxed) {
    if (t == "relaxed") relaxed = true;
    else if (t == "simple") relaxed = false;
    else return false;
    return true;
  };
  auto slash = text.find('/');
  Canonicalization c;
  if (!one(text.substr(0, slash), c.relaxedHeader)) return false;
  if (slash == std::string_view::npos) {
    c.relaxedBody = false;
  } else if (!one(text.substr(slash + 1), c.relaxedBody)) {
    return false;
  }
  out = c;
  return true;
}

std::string libHeaderLine(std::string_view name, std::string_view value) {
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.remove_suffix(1);
  std::string line;
  line.reserve(name.size() + value.size() + 8);
  line.append(name);
  line += ':';
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\n' && (i == 0 || value[i - 1] != '\r')) line += '\r';
    line += value[i];
  }
  return line;
}

MessageSigner::MessageSigner(std::shared_ptr<Library> library, Canonicalization canon,
                             bool selfCheck, HeaderPolicy policy)
    : library_(std::move(library)), canon_(canon), selfCheck_(selfCheck), policy_(std::move(policy)) {}

MessageSigner::~MessageSigner() = default;

bool MessageSigner::start(const std::vector<const KeyEntry*>& keys, std::string_view jobId,
                          std::string& error) {
  handles_.clear();
  headerLines_.clear();
  bodyHash_.reset();
  if (selfCheck_) bodyHash_ = std::make_unique<BodyHasher>(canon_.relaxedBody);
  const std::string id(jobId.empty() ? "vouch" : jobId);
  const dkim_canon_t hc = canon_.relaxedHeader ? DKIM_CANON_RELAXED : DKIM_CANON_SIMPLE;
  const dkim_canon_t bc = canon_.relaxedBody ? DKIM_CANON_RELAXED : DKIM_CANON_SIMPLE;
  for (const KeyEntry* key : keys) {
    if (key == nullptr || !key->key) {
      error = "signing key missing";
      return false;
    }
    if (key->key->algorithm() == KeyAlgorithm::Ed25519 || policy_.nativeRsa) {
      handles_.push_back({key, nullptr,
                          std::make_unique<NativeSigner>(*key, policy_, canon_.relaxedHeader,
                                                         canon_.relaxedBody)});
      continue;
    }
    const dkim_alg_t alg = key->key->algorithm() == KeyAlgorithm::Rsa
                               ? DKIM_SIGN_RSASHA256
                               : DKIM_SIGN_ED25519SHA256;
    DKIM_STAT st = DKIM_STAT_OK;
    // libopendkim's API is not const-correct; it copies the key, selector and domain.
    DKIM* d = dkim_sign(library_->handle(), reinterpret_cast<const unsigned char*>(id.c_str()),
                        nullptr,
                        reinterpret_cast<dkim_sigkey_t>(const_cast<char*>(key->key->pem().c_str())),
                        reinterpret_cast<const unsigned char*>(key->selector.c_str()),
                        reinterpret_cast<const unsigned char*>(key->domain.c_str()), hc, bc, alg,
                        -1, &st);
    if (d == nullptr || st != DKIM_STAT_OK) {
      if (d != nullptr) dkim_free(d);
      error = "key \"" + key->name + "\": cannot start signing (" + libError(nullptr, st) + ")";
      return false;
    }
    handles_.push_back({key, std::unique_ptr<DKIM, DkimFree>(d), nullptr});
  }
  return true;
}

bool MessageSigner::header(std::string_view name, std::string_view value, std::string& error) {
  std::string line = libHeaderLine(name, value);
  bool keep = selfCheck_;
  for (auto& h : handles_) {
    if (h.native) {
      keep = true;
      continue;
    }
    DKIM_STAT st = dkim_header(h.dkim.get(), reinterpret_cast<unsigned char*>(line.data()),
                               line.size());
    if (st != DKIM_STAT_OK) {
      error = "key \"" + h.key->name + "\": header refused (" + libError(h.dkim.get(), st) + ")";
      return false;
    }
  }
  if (keep) headerLines_.push_back(std::move(line));
  return true;
}

bool MessageSigner::endOfHeaders(std::string& error) {
  for (auto& h : handles_) {
    if (h.native) continue;
    DKIM_STAT st = dkim_eoh(h.dkim.get());
    if (st != DKIM_STAT_OK) {
      error = "key \"" + h.key->name + "\": end of headers (" + libError(h.dkim.get(), st) + ")";
      return false;
    }
  }
  return true;
}

bool MessageSigner::body(std::span<const char> chunk, std::string& error) {
  if (chunk.empty()) return true;
  if (bodyHash_) bodyHash_->update(chunk);
  // dkim_body() takes a non-const pointer but only reads it.
  auto* data = reinterpret_cast<unsigned char*>(const_cast<char*>(chunk.data()));
  for (auto& h : handles_) {
    if (h.native) {
      h.native->body(chunk);
      continue;
    }
    DKIM_STAT st = dkim_body(h.dkim.get(), data, chunk.size());
    if (st != DKIM_STAT_OK) {
      error = "key \"" + h.key->name + "\": body (" + libError(h.dkim.get(), st) + ")";
      return false;
    }
  }
  return true;
}

bool MessageSigner::finish(std::vector<SignedHeader>& out, std::string& error) {
  std::vector<SignedHeader> made;
  const std::string bodyHash = bodyHash_ ? bodyHash_->finish() : std::string();
  if (bodyHash_ && bodyHash.empty()) {
    error = "self-check could not hash the body";
    return false;
  }
  for (auto& h : handles_) {
    std::string wire;
    if (h.native) {
      if (!h.native->finish(headerLines_, wire, error)) {
        error = "key \"" + h.key->name + "\": " + error;
        return false;
      }
    } else {
      DKIM* d = h.dkim.get();
      DKIM_STAT st = dkim_eom(d, nullptr);
      if (st != DKIM_STAT_OK) {
        error = "key \"" + h.key->name + "\": end of message (" + libError(d, st) + ")";
        return false;
      }
      unsigned char* buf = nullptr;
      size_t len = 0;
      st = dkim_getsighdr_d(d, sizeof("DKIM-Signature: ") - 1, &buf, &len);
      if (st != DKIM_STAT_OK || buf == nullptr) {
        error = "key \"" + h.key->name + "\": no signature (" + libError(d, st) + ")";
        return false;
      }
      wire.assign(reinterpret_cast<const char*>(buf), len);
    }
    if (selfCheck_) {
      std::string why;
      if (!selfCheckSignature(*h.key->key, wire, headerLines_, bodyHash, why)) {
        error = "key \"" + h.key->name + "\": self-check failed, signature not added (" + why +
                ")";
        return false;
      }
    }
    SignedHeader s;
    s.keyName = h.key->name;
    s.domain = h.key->domain;
    s.selector = h.key->selector;
    s.algorithm = std::string(signAlgorithm(h.key->key->algorithm()));
    s.value = milterValue(wire);
    s.wireValue = std::move(wire);
    made.push_back(std::move(s));
  }
  handles_.clear();
  out = std::move(made);
  return true;
}

}  // namespace vouch::dkim
