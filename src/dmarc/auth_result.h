// The dmarc entry of Authentication-Results (RFC 8601, RFC 9989 9.1): the result, a
// "(p=... dis=...)" comment, header.from and policy.dmarc. Pure; thread-safe. Values
// come from mail and DNS and are untrusted: core::AuthResults::render() quotes them.
// The policy engine may call this again after setting DmarcFinding::disposition.
#pragma once

#include "core/auth_results.h"
#include "core/findings.h"

namespace vouch::dmarc {

// dis= is the finding's disposition when set, else what the policy asks for a failing
// message (the local policy may still amend it), else "none".
core::MethodResult toMethodResult(const core::DmarcFinding& finding);

// Replaces the dmarc entry of `results` (if any) with toMethodResult(finding); adds it
// when absent.
void updateAuthResults(core::AuthResults& results, const core::DmarcFinding& finding);

}  // namespace vouch::dmarc
