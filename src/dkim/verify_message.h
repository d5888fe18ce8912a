// The standalone verify API: a whole message text in, one DkimFinding per signature out.
// For tests, the signer's self-check, `vouch testkey` and tools; the milter path uses
// VerifyStream stage by stage instead. Accepts CRLF or LF line ends. Thread-safe (each
// call has its own stream; the Library is shared). Never throws for hostile text.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "core/findings.h"
#include "dkim/dkim_library.h"
#include "dkim/verify_options.h"
#include "dkim/verify_stream.h"

namespace vouch::dkim {

// Feeds a whole message to `stream`: headers (folded continuation lines joined with
// their line ends kept), end of headers, then the body in chunks of chunkSize bytes.
// Lines before the first header that have no colon (an mbox "From " line) are skipped.
void feedMessage(VerifyStream& stream, std::string_view message, std::size_t chunkSize = 65536);

// Verifies with a deadline of options.dnsDeadline from now.
std::vector<core::DkimFinding> verifyMessage(std::shared_ptr<const Library> library,
                                             const VerifyOptions& options,
                                             std::string_view message);

}  // namespace vouch::dkim
