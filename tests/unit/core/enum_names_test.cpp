// The names of Action and ClientClass are a contract of `vouch check` JSON, log lines
// and policy files: each must map to its documented word.
#include <gtest/gtest.h>

#include "core/connection.h"
#include "core/verdict.h"

namespace vouch::core {
namespace {

TEST(EnumNames, Actions) {
  EXPECT_EQ(toString(Action::Continue), "continue");
  EXPECT_EQ(toString(Action::Accept), "accept");
  EXPECT_EQ(toString(Action::Quarantine), "quarantine");
  EXPECT_EQ(toString(Action::TempFail), "tempfail");
  EXPECT_EQ(toString(Action::Reject), "reject");
  EXPECT_EQ(toString(Action::Discard), "discard");
}

TEST(EnumNames, ClientClasses) {
  EXPECT_EQ(toString(ClientClass::External), "external");
  EXPECT_EQ(toString(ClientClass::Internal), "internal");
  EXPECT_EQ(toString(ClientClass::Authenticated), "authenticated");
  EXPECT_EQ(toString(ClientClass::TrustedForwarder), "trusted_forwarder");
}

}  // namespace
}  // namespace vouch::core
