// Unit tests for answerFromUnbound: every libunbound result shape (error, bogus, secure,
// NXDOMAIN, NODATA, SERVFAIL/REFUSED, data, CNAME) maps to the documented Answer. The
// ub_result values are built by hand; answer packets come from toWire.
#include "dns/unbound_answer.h"

#include <gtest/gtest.h>
#include <unbound.h>

#include <string>
#include <vector>

#include "dns/wire.h"

namespace vouch::dns {
namespace {

struct Case {
  const char* label;
  int err;
  int rcode;
  bool havedata;
  bool nxdomain;
  bool secure;
  bool bogus;
  bool validating;
  const char* canonname;  // nullptr = none
  Status want;
  Security wantSecurity;
  std::vector<std::string> wantTexts;
  std::string wantCanonical = {};
};

class UnboundAnswer : public ::testing::TestWithParam<Case> {};

TEST_P(UnboundAnswer, Maps) {
  const Case& c = GetParam();
  Answer data;
  data.status = Status::Ok;
  Record r1;
  r1.strings = {"v=spf1 ", "-all"};
  r1.text = "v=spf1 -all";
  data.records.push_back(r1);
  data.ttl = 77;
  std::string owner = c.canonname != nullptr ? c.canonname : "example.com";
  data.canonicalName = c.canonname != nullptr ? c.canonname : "";
  std::vector<std::uint8_t> packet = toWire("www.example.com", RrType::TXT, data);

  std::string qname = "www.example.com";
  std::string why = "signature expired";
  ub_result res{};
  res.qname = qname.data();
  res.qtype = static_cast<int>(RrType::TXT);
  res.qclass = 1;
  res.rcode = c.rcode;
  res.havedata = c.havedata;
  res.nxdomain = c.nxdomain;
  res.secure = c.secure;
  res.bogus = c.bogus;
  res.why_bogus = c.bogus ? why.data() : nullptr;
  std::string canon = c.canonname != nullptr ? c.canonname : "";
  res.canonname = c.canonname != nullptr ? canon.data() : nullptr;
  if (c.havedata) {
    res.answer_packet = packet.data();
    res.answer_len = static_cast<int>(packet.size());
    res.ttl = 77;
  }

  Answer a = answerFromUnbound(c.err, &res, c.validating, "www.example.com");
  EXPECT_EQ(a.status, c.want) << c.label << ": " << toString(a.status) << " " << a.why;
  EXPECT_EQ(a.security, c.wantSecurity) << c.label;
  std::vector<std::string> texts;
  for (const auto& r : a.records) texts.push_back(r.text);
  EXPECT_EQ(texts, c.wantTexts) << c.label;
  if (!a.records.empty()) {
    EXPECT_EQ(a.records[0].strings, (std::vector<std::string>{"v=spf1 ", "-all"}));
    EXPECT_EQ(a.ttl, 77u);
  }
  EXPECT_EQ(a.canonicalName, c.wantCanonical) << c.label;
  if (c.bogus) {
    EXPECT_EQ(a.why, "signature expired");
  }
}

INSTANTIATE_TEST_SUITE_P(Unbound, UnboundAnswer,
                         ::testing::Values(Case{"data",
                                                0,
                                                0,
                                                true,
                                                false,
                                                false,
                                                false,
                                                false,
                                                nullptr,
                                                Status::Ok,
                                                Security::Unchecked,
                                                {"v=spf1 -all"}},
                                           Case{"data secure",
                                                0,
                                                0,
                                                true,
                                                false,
                                                true,
                                                false,
                                                true,
                                                nullptr,
                                                Status::Ok,
                                                Security::Secure,
                                                {"v=spf1 -all"}},
                                           Case{"data insecure",
                                                0,
                                                0,
                                                true,
                                                false,
                                                false,
                                                false,
                                                true,
                                                nullptr,
                                                Status::Ok,
                                                Security::Insecure,
                                                {"v=spf1 -all"}},
                                           Case{"bogus with data",
                                                0,
                                                0,
                                                true,
                                                false,
                                                false,
                                                true,
                                                true,
                                                nullptr,
                                                Status::ServFail,
                                                Security::Bogus,
                                                {}},
                                           Case{"cname",
                                                0,
                                                0,
                                                true,
                                                false,
                                                false,
                                                false,
                                                false,
                                                "Example.COM.",
                                                Status::Ok,
                                                Security::Unchecked,
                                                {"v=spf1 -all"},
                                                "example.com"},
                                           Case{"nxdomain",
                                                0,
                                                3,
                                                false,
                                                true,
                                                false,
                                                false,
                                                false,
                                                nullptr,
                                                Status::NxDomain,
                                                Security::Unchecked,
                                                {}},
                                           Case{"nxdomain secure",
                                                0,
                                                3,
                                                false,
                                                true,
                                                true,
                                                false,
                                                true,
                                                nullptr,
                                                Status::NxDomain,
                                                Security::Secure,
                                                {}},
                                           Case{"nodata",
                                                0,
                                                0,
                                                false,
                                                false,
                                                false,
                                                false,
                                                false,
                                                nullptr,
                                                Status::NoData,
                                                Security::Unchecked,
                                                {}},
                                           Case{"servfail",
                                                0,
                                                2,
                                                false,
                                                false,
                                                false,
                                                false,
                                                false,
                                                nullptr,
                                                Status::ServFail,
                                                Security::Unchecked,
                                                {}},
                                           Case{"refused",
                                                0,
                                                5,
                                                false,
                                                false,
                                                false,
                                                false,
                                                false,
                                                nullptr,
                                                Status::ServFail,
                                                Security::Unchecked,
                                                {}},
                                           Case{"local error",
                                                UB_SERVFAIL,
                                                0,
                                                false,
                                                false,
                                                false,
                                                false,
                                                false,
                                                nullptr,
                                                Status::ServFail,
                                                Security::Unchecked,
                                                {}}));

TEST(UnboundAnswer, NullResultIsServFail) {
  EXPECT_EQ(answerFromUnbound(UB_NOMEM, nullptr, false, "x.example").status, Status::ServFail);
  EXPECT_EQ(answerFromUnbound(0, nullptr, false, "x.example").status, Status::ServFail);
}

TEST(UnboundAnswer, GarbagePacketIsServFail) {
  std::uint8_t junk[] = {0, 1, 2};
  ub_result res{};
  res.qtype = static_cast<int>(RrType::TXT);
  res.havedata = 1;
  res.answer_packet = junk;
  res.answer_len = sizeof junk;
  Answer a = answerFromUnbound(0, &res, false, "x.example");
  EXPECT_EQ(a.status, Status::ServFail);
  EXPECT_EQ(a.why, "unparsable answer packet");
}

}  // namespace
}  // namespace vouch::dns
