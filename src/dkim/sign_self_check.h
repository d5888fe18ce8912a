// Sign-then-verify self-check: a fresh DKIM-Signature is checked with OpenSSL against the
// public half of its private key by an independent RFC 6376 header selection and
// canonicalization, before the header may be added (libopendkim can sign what nobody
// verifies: its c=simple Ed25519 signatures fail in dkimpy and in libopendkim itself).
// Stateless, thread-safe; header bytes are untrusted and only hashed. Returns false
// with a reason; never throws for bad data.
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

// The canonicalized header data an h= list covers (RFC 6376 5.4.2: each name takes the
// last not yet used instance, bottom-up; names with none left add nothing).
std::string signedHeaderData(std::string_view hList, const std::vector<std::string>& headerLines,
                             bool relaxed);

// RFC 6376 3.4.2 relaxed header canonicalization of one "Name:value" line (CRLF folding
// allowed), with the final CRLF.
std::string relaxedHeader(std::string_view line);

}  // namespace vouch::dkim
