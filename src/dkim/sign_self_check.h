// The sign-then-verify self-check: a fresh DKIM-Signature is verified with OpenSSL
// against the public half of the private key that made it, by a second, independent
// implementation of RFC 6376 header selection and canonicalization (3.4.1/3.4.2, 3.7),
// before the header may be added. It exists because libopendkim can make signatures
// nobody verifies (probed: its Ed25519 signatures with c=simple headers fail in dkimpy
// and in libopendkim itself). Stateless, thread-safe; header bytes are untrusted and
// only hashed. Returns false with a reason; never throws for bad data.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "dkim/key_file.h"

namespace vouch::dkim {

// `signatureValue`: libopendkim's header value (no leading space, "\r\n\t" folding), as
// it will be inserted as "DKIM-Signature: <value>".
// `headerLines`: the message's headers as fed to the signer ("Name:value", CRLF
// folding, no final CRLF), in message order.
// `bodyHash`: the base64 body hash the caller computed on its own, or "" to skip
// comparing it with bh=.
bool selfCheckSignature(const PrivateKey& key, std::string_view signatureValue,
                        const std::vector<std::string>& headerLines, std::string_view bodyHash,
                        std::string& why);

// RFC 6376 3.4.2 relaxed header canonicalization of one "Name:value" line (CRLF folding
// allowed), with the final CRLF.
std::string relaxedHeader(std::string_view line);

}  // namespace vouch::dkim
