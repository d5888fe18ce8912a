// NativeSigner (see sign_native.h). Builds the tag list, folds it the way libopendkim
// does (between tags, "\r\n\t"), hashes the chosen headers and the signature header with
// an empty b= (RFC 6376 3.7), signs that with RSA-SHA256 or Ed25519-SHA256 (RFC 8463 3),
// then appends b=. OpenSSL contexts are owned by unique_ptr; nothing throws for bad mail.
#include "dkim/sign_native.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <memory>
#include <vector>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "dkim/sign_self_check.h"
#include "core/header_text.h"

namespace vouch::dkim {

namespace {

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

using core::text::lower;

std::string nameOf(const std::string& line) {
  std::string n = line.substr(0, line.find(':'));
  while (!n.empty() && (n.back() == ' ' || n.back() == '\t')) n.pop_back();
  return n;
}

// Joins "tag=value" items with "; ", starting a new "\r\n\t" line before an item that
// would pass column 76 (lines stay far below RFC 5322's 998).
std::string fold(const std::vector<std::string>& items, std::size_t column) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    std::string piece = items[i] + (i + 1 < items.size() ? ";" : "");
    if (i > 0) {
      if (column + 1 + piece.size() > 76) {
        out += "\r\n\t";
        column = 8;
      } else {
        out += ' ';
        ++column;
      }
    }
    out += piece;
    column += piece.size();
  }
  return out;
}

}  // namespace

HeaderPolicy HeaderPolicy::fromConfig(const config::Config& cfg) {
  HeaderPolicy p;
  for (const auto& h : cfg.dkim_sign_headers) p.sign.push_back(lower(h));
  for (const auto& h : cfg.dkim_oversign_headers) {
    p.oversign.push_back(lower(h));
    if (std::find(p.sign.begin(), p.sign.end(), p.oversign.back()) == p.sign.end())
      p.sign.push_back(p.oversign.back());
  }
  p.lifetimeS = cfg.dkim_signature_lifetime_s;
  p.nativeRsa = cfg.dkim_rsa_signer == "native";
  return p;
}

NativeSigner::NativeSigner(const KeyEntry& key, const HeaderPolicy& policy, bool relaxedHeader,
                           bool relaxedBody)
    : key_(key), policy_(policy), relaxedHeader_(relaxedHeader), relaxedBody_(relaxedBody),
      bodyHash_(relaxedBody) {}

bool NativeSigner::finish(const std::vector<std::string>& headerLines, std::string& value,
                          std::string& error) {
  const std::string bh = bodyHash_.finish();
  if (bh.empty()) {
    error = "cannot hash the body";
    return false;
  }
  // h=: every present instance of a listed header, top-down, then the oversigned names.
  std::string h;
  for (const auto& line : headerLines) {
    const std::string name = nameOf(line);
    if (std::find(policy_.sign.begin(), policy_.sign.end(), lower(name)) == policy_.sign.end())
      continue;
    h += (h.empty() ? "" : ":") + name;
  }
  for (const auto& o : policy_.oversign) h += (h.empty() ? "" : ":") + o;
  if (h.empty()) {
    error = "no header to sign";
    return false;
  }
  const std::time_t now = std::time(nullptr);
  std::vector<std::string> tags = {
      "v=1", "a=" + std::string(signAlgorithm(key_.key->algorithm())),
      std::string("c=") + (relaxedHeader_ ? "relaxed" : "simple") + "/" + (relaxedBody_ ? "relaxed" : "simple"),
      "d=" + key_.domain, "s=" + key_.selector, "t=" + std::to_string(now)};
  if (policy_.lifetimeS > 0) tags.push_back("x=" + std::to_string(now + policy_.lifetimeS));
  tags.push_back("bh=" + bh);
  tags.push_back("h=" + h);
  tags.push_back("b=");
  const std::string unsignedValue = fold(tags, sizeof("DKIM-Signature: ") - 1);

  std::string data = signedHeaderData(h, headerLines, relaxedHeader_);
  const std::string sigLine = "DKIM-Signature: " + unsignedValue;
  if (relaxedHeader_) {
    std::string canon = relaxedHeader(sigLine);
    data += canon.substr(0, canon.size() - 2);
  } else {
    data += sigLine;
  }
  // rsa-sha256 (RFC 6376 3.3.1): RSASSA-PKCS1-v1_5 over SHA-256 of the data.
  // ed25519-sha256 (RFC 8463 3): PureEdDSA over the SHA-256 digest of the data.
  // The key is parsed once at load; libopendkim re-reads the PEM for every message.
  const bool rsa = key_.key->algorithm() == KeyAlgorithm::Rsa;
  unsigned char digest[SHA256_DIGEST_LENGTH];
  const unsigned char* input = reinterpret_cast<const unsigned char*>(data.data());
  std::size_t inputLen = data.size();
  if (!rsa) {
    SHA256(input, inputLen, digest);
    input = digest;
    inputLen = sizeof digest;
  }
  std::vector<unsigned char> sig(static_cast<std::size_t>(std::max(64, EVP_PKEY_get_size(key_.key->get()))));
  std::size_t sigLen = sig.size();
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx ||
      EVP_DigestSignInit(ctx.get(), nullptr, rsa ? EVP_sha256() : nullptr, nullptr, key_.key->get()) != 1 ||
      EVP_DigestSign(ctx.get(), sig.data(), &sigLen, input, inputLen) != 1) {
    error = rsa ? "RSA signing failed" : "Ed25519 signing failed";
    return false;
  }
  std::string b64(4 * ((sigLen + 2) / 3) + 1, '\0');
  b64.resize(static_cast<std::size_t>(
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), sig.data(), static_cast<int>(sigLen))));
  // Whitespace inside b= is removed with b='s value when verifying, so it may fold anywhere.
  value = unsignedValue;
  const std::size_t lineStart = value.rfind('\n');
  std::size_t column = (lineStart == std::string::npos ? value.size() + 16 : value.size() - lineStart + 7);
  for (char c : b64) {
    if (column >= 76) {
      value += "\r\n\t ";
      column = 9;
    }
    value += c;
    ++column;
  }
  return true;
}

}  // namespace vouch::dkim
