// Table tests for the DMARC record parser: every tag, invalid values, unknown tags, the
// v=DMARC1-first rule and the RFC 9989 / RFC 7489 differences.

#include <gtest/gtest.h>

#include <string>

#include "dmarc/record.h"

namespace vouch::dmarc {
namespace {

struct RecordCase {
  const char* name;
  std::string text;
  Mode mode;
  ParseStatus status;
  Policy p = Policy::None;
  int sp = -1;  // -1 = absent, else Policy as int
  int np = -1;
  Alignment adkim = Alignment::Relaxed;
  Alignment aspf = Alignment::Relaxed;
  Psd psd = Psd::Unset;
  bool testing = false;
  int pct = 100;
  std::size_t rua = 0;
};

constexpr auto B = Mode::Rfc9989;
constexpr auto L = Mode::Rfc7489;
constexpr auto OK = ParseStatus::Ok;
constexpr auto NOT = ParseStatus::NotDmarc;
constexpr auto NOP = ParseStatus::NoPolicy;
constexpr auto R = Alignment::Relaxed;
constexpr auto S = Alignment::Strict;
constexpr int kQ = static_cast<int>(Policy::Quarantine);
constexpr int kR = static_cast<int>(Policy::Reject);
constexpr int kN = static_cast<int>(Policy::None);

class RecordCases : public ::testing::TestWithParam<RecordCase> {};

TEST_P(RecordCases, Parses) {
  const RecordCase& c = GetParam();
  const ParseResult r = parseRecord(c.text, c.mode);
  ASSERT_EQ(r.status, c.status) << c.text << " error=" << r.error;
  if (c.status != OK) return;
  EXPECT_EQ(r.record.p, c.p);
  EXPECT_EQ(r.record.hasSp ? static_cast<int>(r.record.sp) : -1, c.sp);
  EXPECT_EQ(r.record.hasNp ? static_cast<int>(r.record.np) : -1, c.np);
  EXPECT_EQ(r.record.adkim, c.adkim);
  EXPECT_EQ(r.record.aspf, c.aspf);
  EXPECT_EQ(r.record.psd, c.psd);
  EXPECT_EQ(r.record.testing, c.testing);
  EXPECT_EQ(r.record.pct, c.pct);
  EXPECT_EQ(r.record.rua.size(), c.rua);
}

const RecordCase kRecords[] = {
    {"minimal_reject", "v=DMARC1; p=reject", B, OK, Policy::Reject},
    {"spaces", "v = DMARC1 ;  p = quarantine ; ", B, OK, Policy::Quarantine},
    {"uppercase_values", "v=DMARC1; p=REJECT; adkim=S", B, OK, Policy::Reject, -1, -1, S},
    {"all_tags_bis", "v=DMARC1; p=quarantine; sp=reject; np=reject; adkim=s; aspf=s; psd=n; t=y; fo=1:d; rua=mailto:a@example.org,mailto:b@example.org!10m; ruf=mailto:f@example.org",
     B, OK, Policy::Quarantine, kR, kR, S, S, Psd::No, true, 100, 2},
    {"psd_y", "v=DMARC1; p=none; psd=y", B, OK, Policy::None, -1, -1, R, R, Psd::Yes},
    {"psd_u", "v=DMARC1; p=none; psd=u", B, OK, Policy::None, -1, -1, R, R, Psd::Unset},
    {"psd_bad_ignored", "v=DMARC1; p=none; psd=x", B, OK, Policy::None, -1, -1, R, R, Psd::Unset},
    {"t_bad_ignored", "v=DMARC1; p=reject; t=maybe", B, OK, Policy::Reject},
    {"t_n", "v=DMARC1; p=reject; t=n", B, OK, Policy::Reject},
    {"pct_ignored_bis", "v=DMARC1; p=reject; pct=10", B, OK, Policy::Reject},
    {"pct_honoured_7489", "v=DMARC1; p=reject; pct=10", L, OK, Policy::Reject, -1, -1, R, R, Psd::Unset, false, 10},
    {"pct_bad_7489", "v=DMARC1; p=reject; pct=150", L, OK, Policy::Reject},
    {"pct_zero_7489", "v=DMARC1; p=reject; pct=0", L, OK, Policy::Reject, -1, -1, R, R, Psd::Unset, false, 0},
    {"np_psd_t_ignored_7489", "v=DMARC1; p=reject; np=none; psd=y; t=y", L, OK, Policy::Reject},
    {"missing_p_bis_is_none", "v=DMARC1; rua=mailto:a@example.org", B, OK, Policy::None, -1, -1, R, R, Psd::Unset, false, 100, 1},
    {"missing_p_no_rua_bis", "v=DMARC1", B, OK, Policy::None},
    {"missing_p_no_rua_7489", "v=DMARC1; adkim=s", L, NOP},
    {"missing_p_rua_7489", "v=DMARC1; rua=mailto:a@example.org", L, OK, Policy::None, -1, -1, R, R, Psd::Unset, false, 100, 1},
    {"invalid_p_no_rua", "v=DMARC1; p=bounce", B, NOP},
    {"empty_p_no_rua", "v=DMARC1; p=", B, NOP},
    {"invalid_p_with_rua", "v=DMARC1; p=bounce; sp=reject; adkim=s; rua=mailto:a@example.org", B, OK, Policy::None, -1, -1, R, R, Psd::Unset, false, 100, 1},
    {"invalid_sp_no_rua", "v=DMARC1; p=reject; sp=maybe", B, NOP},
    {"invalid_np_with_rua", "v=DMARC1; p=reject; np=maybe; rua=mailto:a@example.org", B, OK, Policy::None, -1, -1, R, R, Psd::Unset, false, 100, 1},
    {"invalid_rua_uri_not_counted", "v=DMARC1; p=bounce; rua=not a uri", B, NOP},
    {"adkim_bad_default", "v=DMARC1; p=reject; adkim=x; aspf=s", B, OK, Policy::Reject, -1, -1, R, S},
    {"unknown_tags_ignored", "v=DMARC1; p=reject; foo=bar; rf=afrf; ri=86400", B, OK, Policy::Reject},
    {"garbage_item_ignored", "v=DMARC1; p=reject; !!!; sp=none", B, OK, Policy::Reject, kN},
    {"duplicate_first_wins", "v=DMARC1; p=none; p=reject", B, OK, Policy::None},
    {"sp_only", "v=DMARC1; p=none; sp=quarantine", B, OK, Policy::None, kQ},
    {"trailing_semicolons", "v=DMARC1; p=reject;;;", B, OK, Policy::Reject},
    {"not_first", "p=reject; v=DMARC1", B, NOT},
    {"lowercase_version", "v=dmarc1; p=reject", B, NOT},
    {"version_2", "v=DMARC2; p=reject", B, NOT},
    {"spf_record", "v=spf1 -all", B, NOT},
    {"no_separator", "v=DMARC1 p=reject", B, NOT},
    {"empty", "", B, NOT},
    {"upper_v_tag", "V=DMARC1; p=reject", B, NOT},
    {"leading_space", " v=DMARC1; p=reject", B, OK, Policy::Reject},
};

INSTANTIATE_TEST_SUITE_P(Table, RecordCases, ::testing::ValuesIn(kRecords),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Record, RuaSizeSuffixIsDropped) {
  const ParseResult r = parseRecord("v=DMARC1; p=none; rua=mailto:a@example.org!10m, https://r.example/x", Mode::Rfc9989);
  ASSERT_EQ(r.status, ParseStatus::Ok);
  ASSERT_EQ(r.record.rua.size(), 2u);
  EXPECT_EQ(r.record.rua[0], "mailto:a@example.org");
  EXPECT_EQ(r.record.rua[1], "https://r.example/x");
}

TEST(Record, InvalidValuesLeaveNotes) {
  const ParseResult r = parseRecord("v=DMARC1; p=reject; adkim=x; fo=0:1", Mode::Rfc9989);
  ASSERT_EQ(r.status, ParseStatus::Ok);
  EXPECT_EQ(r.record.notes.size(), 2u);
  EXPECT_EQ(r.record.fo, "0");
}

TEST(Record, PolicyNames) {
  EXPECT_EQ(toString(Policy::None), "none");
  EXPECT_EQ(toString(Policy::Quarantine), "quarantine");
  EXPECT_EQ(toString(Policy::Reject), "reject");
}

}  // namespace
}  // namespace vouch::dmarc
