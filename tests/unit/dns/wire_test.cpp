// Unit tests for dns::toWire / parseAnswerRecords: answers go to wire format and come
// back through ldns's own packet parser unchanged (records, rcode, question, CNAME).
#include "dns/wire.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dns/ldns_util.h"
#include "dns/names.h"

namespace vouch::dns {
namespace {

Record txt(std::vector<std::string> strings) {
  Record r;
  for (const auto& s : strings) r.text += s;
  r.strings = std::move(strings);
  return r;
}
Record text(std::string t, std::uint16_t pref = 0) {
  Record r;
  r.text = std::move(t);
  r.preference = pref;
  return r;
}

struct Case {
  const char* label;
  const char* qname;
  RrType type;
  Status status;
  std::vector<Record> records;
  std::uint8_t wantRcode;
  std::string canonical = {};
};

class WireRoundTrip : public ::testing::TestWithParam<Case> {};

TEST_P(WireRoundTrip, ParsesBackThroughLdns) {
  const Case& c = GetParam();
  Answer in;
  in.status = c.status;
  in.records = c.records;
  in.ttl = 120;
  in.canonicalName = c.canonical;
  std::vector<std::uint8_t> wire = toWire(c.qname, c.type, in);
  ASSERT_FALSE(wire.empty());

  ldns_pkt* raw = nullptr;
  ASSERT_EQ(ldns_wire2pkt(&raw, wire.data(), wire.size()), LDNS_STATUS_OK);
  ldns::PktPtr pkt(raw);
  EXPECT_TRUE(ldns_pkt_qr(pkt.get()));
  EXPECT_EQ(ldns_pkt_get_rcode(pkt.get()), c.wantRcode);
  ASSERT_EQ(ldns_pkt_qdcount(pkt.get()), 1);
  const ldns_rr* q = ldns_rr_list_rr(ldns_pkt_question(pkt.get()), 0);
  EXPECT_EQ(ldns::nameText(ldns_rr_owner(q)), normalizeName(c.qname));
  EXPECT_EQ(ldns_rr_get_type(q), static_cast<ldns_rr_type>(c.type));
  std::size_t wantAn =
      (c.status == Status::Ok ? c.records.size() : 0) + (c.canonical.empty() ? 0 : 1);
  EXPECT_EQ(ldns_pkt_ancount(pkt.get()), wantAn);

  std::vector<Record> back;
  std::uint32_t ttl = 0;
  ASSERT_TRUE(parseAnswerRecords(wire.data(), wire.size(), c.type, back, ttl));
  ASSERT_EQ(back.size(), c.status == Status::Ok ? c.records.size() : 0u);
  for (std::size_t i = 0; i < back.size(); ++i) {
    EXPECT_EQ(back[i].text, c.records[i].text) << c.label;
    EXPECT_EQ(back[i].preference, c.records[i].preference) << c.label;
    if (!c.records[i].strings.empty()) {
      EXPECT_EQ(back[i].strings, c.records[i].strings);
    }
  }
  if (!back.empty()) {
    EXPECT_EQ(ttl, 120u);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Wire, WireRoundTrip,
    ::testing::Values(
        Case{"txt",
             "sel._domainkey.example.com",
             RrType::TXT,
             Status::Ok,
             {txt({"v=DKIM1; k=rsa; ", "p=MIGf"})},
             LDNS_RCODE_NOERROR},
        Case{"raw bytes",
             "x.example.com.",
             RrType::TXT,
             Status::Ok,
             {txt({std::string("caf\xc3\xa9\r\n\"\\;", 10)})},
             LDNS_RCODE_NOERROR},
        Case{"two txt",
             "example.com",
             RrType::TXT,
             Status::Ok,
             {txt({"one"}), txt({"two"})},
             LDNS_RCODE_NOERROR},
        Case{"a",
             "example.com",
             RrType::A,
             Status::Ok,
             {text("192.0.2.1"), text("192.0.2.2")},
             LDNS_RCODE_NOERROR},
        Case{"aaaa",
             "example.com",
             RrType::AAAA,
             Status::Ok,
             {text("2001:db8::1")},
             LDNS_RCODE_NOERROR},
        Case{"mx",
             "example.com",
             RrType::MX,
             Status::Ok,
             {text("mx1.example.com", 10), text("mx2.example.com", 20)},
             LDNS_RCODE_NOERROR},
        Case{"ptr",
             "1.2.0.192.in-addr.arpa",
             RrType::PTR,
             Status::Ok,
             {text("host.example.com")},
             LDNS_RCODE_NOERROR},
        Case{"cname chain",
             "www.example.com",
             RrType::A,
             Status::Ok,
             {text("192.0.2.1")},
             LDNS_RCODE_NOERROR,
             "example.com"},
        Case{"nodata", "example.com", RrType::TXT, Status::NoData, {}, LDNS_RCODE_NOERROR},
        Case{
            "nxdomain", "nope.example.com", RrType::TXT, Status::NxDomain, {}, LDNS_RCODE_NXDOMAIN},
        Case{"servfail", "example.com", RrType::TXT, Status::ServFail, {}, LDNS_RCODE_SERVFAIL},
        Case{"timeout", "example.com", RrType::TXT, Status::Timeout, {}, LDNS_RCODE_SERVFAIL}),
    [](const auto& info) {
      std::string n = info.param.label;
      for (char& ch : n)
        if (ch == ' ') ch = '_';
      return n;
    });

TEST(Wire, LongTxtWithoutStringsIsSplitAt255) {
  Answer in;
  in.status = Status::Ok;
  in.records.push_back(text(std::string(600, 'k')));
  auto wire = toWire("long.example.com", RrType::TXT, in);
  std::vector<Record> back;
  std::uint32_t ttl = 0;
  ASSERT_TRUE(parseAnswerRecords(wire.data(), wire.size(), RrType::TXT, back, ttl));
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].text, std::string(600, 'k'));
  EXPECT_EQ(back[0].strings.size(), 3u);
  EXPECT_EQ(back[0].strings[0].size(), 255u);
}

TEST(Wire, InvalidNameGivesNoPacket) {
  Answer in;
  in.status = Status::NxDomain;
  EXPECT_TRUE(toWire("bad..name", RrType::TXT, in).empty());
}

TEST(Wire, GarbagePacketDoesNotParse) {
  std::vector<Record> back;
  std::uint32_t ttl = 0;
  const std::uint8_t junk[] = {1, 2, 3};
  EXPECT_FALSE(parseAnswerRecords(junk, sizeof junk, RrType::TXT, back, ttl));
  EXPECT_FALSE(parseAnswerRecords(nullptr, 0, RrType::TXT, back, ttl));
}

}  // namespace
}  // namespace vouch::dns
