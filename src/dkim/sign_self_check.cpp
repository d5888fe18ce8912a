// selfCheckSignature (see sign_self_check.h). Parses our own signature's tags, picks the
// signed header instances bottom-up as a verifier does (RFC 6376 5.4.2), canonicalizes
// them and the signature header with b= emptied, and checks b= with EVP_DigestVerify:
// RSASSA-PKCS1-v1_5/SHA-256, or Ed25519 over the SHA-256 digest (RFC 8463 3). OpenSSL
// contexts are owned by unique_ptr; nothing is cached, so any thread may call it.
#include "dkim/sign_self_check.h"
#include "core/header_text.h"

#include <algorithm>
#include <cctype>
#include <memory>

#include <openssl/evp.h>
#include <openssl/sha.h>

namespace vouch::dkim {

namespace {

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

bool isWsp(char c) { return c == ' ' || c == '\t'; }
bool isFws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

using core::text::lower;

std::string stripFws(std::string_view s) {
  std::string out;
  for (char c : s)
    if (!isFws(c)) out += c;
  return out;
}

// tag -> value (FWS removed) of a tag-list, and the text with b='s value deleted.
struct SigTags {
  std::string a, c, h, b, bh;
  std::string withoutB;
};

SigTags parseTags(std::string_view v) {
  SigTags t;
  std::size_t pos = 0;
  while (pos <= v.size()) {
    std::size_t end = v.find(';', pos);
    if (end == std::string_view::npos) end = v.size();
    std::string_view item = v.substr(pos, end - pos);
    auto eq = item.find('=');
    std::string name = eq == std::string_view::npos ? std::string() : stripFws(item.substr(0, eq));
    std::string value = eq == std::string_view::npos ? std::string() : stripFws(item.substr(eq + 1));
    if (name == "b") {
      t.b = value;
      // RFC 6376 3.7: b='s value, with the whitespace around it, hashes as empty.
      t.withoutB.append(item.substr(0, eq + 1));
    } else {
      t.withoutB.append(item);
      if (name == "a") t.a = value;
      else if (name == "c") t.c = value;
      else if (name == "h") t.h = value;
      else if (name == "bh") t.bh = value;
    }
    if (end < v.size()) t.withoutB += ';';
    pos = end + 1;
  }
  return t;
}

// Lowercased, unfolded (relaxed canonicalization unfolds the whole field), no WSP
// before the colon.
std::string headerName(std::string_view line) {
  std::string n;
  for (char c : line.substr(0, line.find(':')))
    if (c != '\r' && c != '\n') n += c;
  while (!n.empty() && isWsp(n.back())) n.pop_back();
  return lower(n);
}

bool base64Decode(const std::string& in, std::string& out) {
  if (in.empty() || in.size() % 4 != 0) return false;
  out.assign(in.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  if (n < 0) return false;
  std::size_t pad = static_cast<std::size_t>(std::count(in.end() - 2, in.end(), '='));
  out.resize(static_cast<std::size_t>(n) - pad);
  return true;
}

}  // namespace

std::string relaxedHeader(std::string_view line) {
  auto colon = line.find(':');
  std::string out = headerName(line);
  out += ':';
  std::string_view value = colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 1);
  bool pendingSpace = false;
  bool atStart = true;
  for (char c : value) {
    if (c == '\r' || c == '\n') continue;  // unfold
    if (isWsp(c)) {
      pendingSpace = true;
      continue;
    }
    // Whitespace right after the colon is dropped, inner runs become one space.
    if (pendingSpace && !atStart) out += ' ';
    pendingSpace = false;
    atStart = false;
    out += c;
  }
  return out + "\r\n";
}

std::string signedHeaderData(std::string_view hList, const std::vector<std::string>& headerLines,
                             bool relaxed) {
  std::string data;
  std::vector<bool> used(headerLines.size(), false);
  std::size_t pos = 0;
  while (pos <= hList.size()) {
    std::size_t end = std::min(hList.find(':', pos), hList.size());
    const std::string want = lower(stripFws(hList.substr(pos, end - pos)));
    pos = end + 1;
    if (want.empty()) continue;
    for (std::size_t i = headerLines.size(); i-- > 0;) {
      if (used[i] || headerName(headerLines[i]) != want) continue;
      used[i] = true;
      data += relaxed ? relaxedHeader(headerLines[i]) : headerLines[i] + "\r\n";
      break;
    }
  }
  return data;
}

bool selfCheckSignature(const PrivateKey& key, std::string_view signatureValue,
                        const std::vector<std::string>& headerLines, std::string_view bodyHash,
                        std::string& why) {
  const SigTags tags = parseTags(signatureValue);
  const bool rsa = key.algorithm() == KeyAlgorithm::Rsa;
  if (tags.a != signAlgorithm(key.algorithm())) {
    why = "a=" + tags.a + " does not fit the key";
    return false;
  }
  if (!bodyHash.empty() && tags.bh != bodyHash) {
    why = "bh= differs from the independently computed body hash";
    return false;
  }
  const bool relaxed = tags.c.rfind("relaxed", 0) == 0;

  std::string data = signedHeaderData(tags.h, headerLines, relaxed);
  const std::string sigLine = "DKIM-Signature: " + tags.withoutB;
  if (relaxed) {
    std::string canon = relaxedHeader(sigLine);
    data += canon.substr(0, canon.size() - 2);  // the signature header has no final CRLF
  } else {
    data += sigLine;
  }

  std::string sig;
  if (!base64Decode(tags.b, sig)) {
    why = "b= is not base64";
    return false;
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  unsigned char digest[SHA256_DIGEST_LENGTH];
  const unsigned char* msg = reinterpret_cast<const unsigned char*>(data.data());
  std::size_t msgLen = data.size();
  if (!rsa) {
    // RFC 8463: Ed25519 signs the SHA-256 hash of the canonicalized data (PureEdDSA).
    SHA256(msg, msgLen, digest);
    msg = digest;
    msgLen = sizeof digest;
  }
  if (!ctx ||
      EVP_DigestVerifyInit(ctx.get(), nullptr, rsa ? EVP_sha256() : nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                       msg, msgLen) != 1) {
    why = "b= does not verify with the key's public half";
    return false;
  }
  return true;
}

}  // namespace vouch::dkim
