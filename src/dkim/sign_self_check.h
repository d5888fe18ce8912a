// The sign-then-verify self-check: a fresh DKIM-Signature is verified by libopendkim
// against the public key derived from the private key that made it (never DNS: the
// record is handed to the key lookup as a ready answer), before the header may be
// added. Stateless; thread-safe as the shared Library is. The headers are the
// message's own (untrusted). Returns false with a reason when the signature does not
// verify; it never throws for bad data.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "dkim/dkim_library.h"
#include "dkim/key_table.h"

namespace vouch::dkim {

// `signatureValue`: libopendkim's header value (no leading space, "\r\n\t" folding).
// `headerLines`: the message's headers as fed to the signer ("Name:value", CRLF folding).
// The body is not fed again (it is streamed, not kept): the check covers the b=
// signature over the headers and the bh= value with the key, i.e. key, algorithm and
// header canonicalization; bh= itself comes from libopendkim's one body hasher.
bool selfCheckSignature(const Library& library, const KeyEntry& key,
                        std::string_view signatureValue,
                        const std::vector<std::string>& headerLines, std::string& why);

}  // namespace vouch::dkim
