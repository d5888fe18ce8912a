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
  const unsigned long proto = wantedProtocol(postfixProtocol);
  EXPECT_TRUE(proto & SMFIP_HDR_LEADSPC);
  EXPECT_TRUE(proto & SMFIP_SKIP);
  EXPECT_TRUE(proto & SMFIP_NR_HDR);
  EXPECT_TRUE(proto & SMFIP_NOUNKNOWN);
  EXPECT_TRUE(proto & SMFIP_NODATA);
  // NR_BODY would make SMFIS_SKIP ignored; the stages that may reply keep their reply.
  EXPECT_FALSE(proto & SMFIP_NR_BODY);
  EXPECT_FALSE(proto & SMFIP_NR_CONN);
  EXPECT_FALSE(proto & SMFIP_NR_MAIL);
  EXPECT_FALSE(proto & SMFIP_NR_RCPT);
  EXPECT_FALSE(proto & SMFIP_NR_EOH);
  // Nothing the MTA did not offer.
  EXPECT_EQ(wantedProtocol(0), 0ul);
  EXPECT_EQ(wantedActions(SMFIF_ADDHDRS), static_cast<unsigned long>(SMFIF_ADDHDRS));
}

}  // namespace
}  // namespace vouch::milter
