// The libmilter-facing constants: Disposition -> sfsistat, and what vouch negotiates
// out of what Postfix 3.7 offers (actions 0x1ff, protocol 0x1fffff).
#include "milter/smfi_glue.h"

#include <gtest/gtest.h>
#include <libmilter/mfapi.h>

#include "milter/callbacks.h"

namespace vouch::milter {
namespace {

TEST(ToSfsistat, Table) {
  const struct {
    Disposition d;
    sfsistat want;
  } cases[] = {
      {Disposition::Continue, SMFIS_CONTINUE}, {Disposition::Accept, SMFIS_ACCEPT},
      {Disposition::Discard, SMFIS_DISCARD},   {Disposition::TempFail, SMFIS_TEMPFAIL},
      {Disposition::Reject, SMFIS_REJECT},
  };
  for (const auto& c : cases) EXPECT_EQ(toSfsistat(c.d), c.want);
}

TEST(Negotiation, WhatPostfixOffers) {
  const unsigned long postfixActions = 0x1ff;
  const unsigned long postfixProtocol = 0x1fffff;
  const unsigned long actions = wantedActions(postfixActions);
  EXPECT_EQ(actions, static_cast<unsigned long>(SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE |
                                                SMFIF_SETSYMLIST));
  // A policy that never refuses before DATA: only end of message is answered.
  const unsigned long proto = wantedProtocol(postfixProtocol, false);
  EXPECT_TRUE(proto & SMFIP_HDR_LEADSPC);
  EXPECT_TRUE(proto & SMFIP_NOUNKNOWN);
  EXPECT_TRUE(proto & SMFIP_NODATA);
  for (unsigned long nr : {SMFIP_NR_CONN, SMFIP_NR_HELO, SMFIP_NR_MAIL, SMFIP_NR_RCPT, SMFIP_NR_HDR,
                           SMFIP_NR_EOH, SMFIP_NR_BODY})
    EXPECT_TRUE(proto & nr) << nr;
  EXPECT_FALSE(proto & SMFIP_SKIP);  // meaningless when body chunks get no reply
  // A policy that may refuse at MAIL FROM/RCPT TO keeps those replies.
  const unsigned long early = wantedProtocol(postfixProtocol, true);
  EXPECT_FALSE(early & SMFIP_NR_MAIL);
  EXPECT_FALSE(early & SMFIP_NR_RCPT);
  EXPECT_TRUE(early & SMFIP_NR_EOH);
  // An MTA without NR_BODY: body chunks are answered, and may be skipped.
  const unsigned long old = wantedProtocol(postfixProtocol & ~SMFIP_NR_BODY, false);
  EXPECT_TRUE(old & SMFIP_SKIP);
  EXPECT_FALSE(old & SMFIP_NR_BODY);
  // Nothing the MTA did not offer.
  EXPECT_EQ(wantedProtocol(0, false), 0ul);
  EXPECT_EQ(wantedActions(SMFIF_ADDHDRS), static_cast<unsigned long>(SMFIF_ADDHDRS));
}

}  // namespace
}  // namespace vouch::milter
