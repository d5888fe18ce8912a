// Tests for dkim::parseKeyRecord: tag parsing of published DKIM key records.
#include <gtest/gtest.h>

#include "dkim/key_record.h"

namespace vouch::dkim {
namespace {

TEST(KeyRecord, ParsesTags) {
  struct Case {
    std::string text;
    std::string error;  // substring; "" = valid
    std::string k;
    std::string p;
    bool revoked;
    bool testing;
  };
  const Case cases[] = {
      {"v=DKIM1; k=rsa; p=MIIBIjAN", "", "rsa", "MIIBIjAN", false, false},
      {"v=DKIM1; k=ed25519; p=abc=", "", "ed25519", "abc=", false, false},
      {"p=AB CD\t EF", "", "rsa", "ABCDEF", false, false},
      {"v=DKIM1; p=", "", "rsa", "", true, false},
      {"v=DKIM1; K=Ed25519; t=y:s; p=x;", "", "ed25519", "x", false, true},
      {"v=DKIM1; h=sha256; unknown=1; p=x", "", "rsa", "x", false, false},
      {"k=rsa; v=DKIM1; p=x", "v= must come first", "", "", false, false},
      {"v=DKIM2; p=x", "v= must come first and be DKIM1", "", "", false, false},
      {"v=DKIM1; k=rsa", "no p=", "", "", false, false},
      {"v=DKIM1; p=x; p=y", "duplicate tag p=", "", "", false, false},
      {"v=DKIM1; garbage; p=x", "tag without '='", "", "", false, false},
      {"", "no p=", "", "", false, false},
  };
  for (const auto& c : cases) {
    KeyRecord r = parseKeyRecord(c.text);
    if (!c.error.empty()) {
      EXPECT_NE(r.error.find(c.error), std::string::npos) << c.text << " -> " << r.error;
      continue;
    }
    EXPECT_EQ(r.error, "") << c.text;
    EXPECT_EQ(r.keyType, c.k) << c.text;
    EXPECT_EQ(r.publicKey, c.p) << c.text;
    EXPECT_EQ(r.revoked(), c.revoked) << c.text;
    EXPECT_EQ(r.testing(), c.testing) << c.text;
  }
}

}  // namespace
}  // namespace vouch::dkim
