// Golden tests for the RFC 8601 renderer and the authserv-id parser: tables of
// {name, results, want}, including hostile values that try to inject results,
// comments or header lines.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/auth_results.h"
#include "core/header_text.h"

namespace vouch::core {
namespace {

struct RenderCase {
  std::string name;
  std::string authservId;
  std::vector<MethodResult> results;
  std::string want;
};

MethodResult spf(Result r, std::string mailfrom) {
  return {"spf", r, {}, {}, {{"smtp", "mailfrom", std::move(mailfrom)}}};
}
MethodResult dkim(Result r, std::string d, std::string s) {
  return {"dkim", r, {}, {}, {{"header", "d", std::move(d)}, {"header", "s", std::move(s)}}};
}
MethodResult dmarc(Result r, std::string from) {
  return {"dmarc", r, {}, {}, {{"header", "from", std::move(from)}}};
}

class RenderTest : public ::testing::TestWithParam<RenderCase> {};

TEST_P(RenderTest, Renders) {
  const RenderCase& c = GetParam();
  AuthResults ar(c.authservId);
  for (const auto& r : c.results) ar.add(r);
  EXPECT_EQ(ar.render(), c.want);
}

const std::string kLong(400, 'a');

INSTANTIATE_TEST_SUITE_P(
    Golden, RenderTest,
    ::testing::Values(
        RenderCase{"no_results", "mx.example.net", {}, "mx.example.net; none"},
        RenderCase{"empty_authserv_id", "", {}, "unknown; none"},
        RenderCase{"spf_pass", "mx.example.net", {spf(Result::Pass, "alice@example.org")},
                   "mx.example.net;\r\n\tspf=pass smtp.mailfrom=alice@example.org"},
        RenderCase{"short_one_line", "mx", {spf(Result::Pass, "a@example.org")},
                   "mx; spf=pass smtp.mailfrom=a@example.org"},
        RenderCase{"three_methods_folded",
                   "mx.example.net",
                   {spf(Result::Pass, "alice@example.org"),
                    dkim(Result::Pass, "example.org", "sel2024"),
                    dmarc(Result::Pass, "example.org")},
                   "mx.example.net;\r\n\tspf=pass smtp.mailfrom=alice@example.org;\r\n"
                   "\tdkim=pass header.d=example.org header.s=sel2024;\r\n"
                   "\tdmarc=pass header.from=example.org"},
        RenderCase{"comment_and_reason",
                   "mx",
                   {{"dkim", Result::Fail, "bad signature", "1024-bit key", {}}},
                   "mx; dkim=fail (1024-bit key) reason=\"bad signature\""},
        RenderCase{"semicolon_injection_quoted",
                   "mx",
                   {dmarc(Result::Fail, "evil.org; dmarc=pass")},
                   "mx; dmarc=fail header.from=\"evil.org; dmarc=pass\""},
        RenderCase{"dquote_escaped", "mx", {spf(Result::Fail, "a\"b@x.org")},
                   "mx; spf=fail smtp.mailfrom=\"a\\\"b@x.org\""},
        RenderCase{"backslash_escaped", "mx", {spf(Result::Fail, "a\\b@x.org")},
                   "mx; spf=fail smtp.mailfrom=\"a\\\\b@x.org\""},
        RenderCase{"crlf_injection_flattened", "mx", {dmarc(Result::None, "x\r\nX-Injected: 1")},
                   "mx; dmarc=none header.from=\"x  X-Injected: 1\""},
        RenderCase{"nul_and_tab_replaced", "mx", {dmarc(Result::None, std::string("a\0b\tc", 5))},
                   "mx; dmarc=none header.from=\"a b c\""},
        RenderCase{"comment_open_paren_value", "mx", {dmarc(Result::None, "(comment")},
                   "mx; dmarc=none header.from=\"(comment\""},
        RenderCase{"comment_cannot_close",
                   "mx",
                   {{"spf", Result::Pass, {}, "x) spf=pass (y\\", {}}},
                   "mx; spf=pass (x] spf=pass [y/)"},
        RenderCase{"non_ascii_replaced", "mx", {dmarc(Result::None, "b\xc3\xbcro.example")},
                   "mx; dmarc=none header.from=\"b??ro.example\""},
        RenderCase{"empty_value_quoted", "mx", {spf(Result::None, "")},
                   "mx; spf=none smtp.mailfrom=\"\""},
        RenderCase{"null_sender_at_domain", "mx", {spf(Result::Pass, "@helo.example")},
                   "mx; spf=pass smtp.mailfrom=@helo.example"},
        RenderCase{"hostile_authserv_id", "mx; spf=pass", {},
                   "\"mx; spf=pass\"; none"},
        RenderCase{"keyword_sanitized",
                   "mx",
                   {{"dk;im", Result::Pass, {}, {}, {{"hea der", "d=", "example.org"}}}},
                   "mx; dkim=pass header.d=example.org"},
        RenderCase{"empty_method_skipped", "mx", {{";", Result::Pass, {}, {}, {}}}, "mx; none"},
        RenderCase{"long_value_cut_and_quoted", "mx", {spf(Result::Pass, kLong)},
                   "mx;\r\n\tspf=pass\r\n\tsmtp.mailfrom=\"" + std::string(320, 'a') + "\""}),
    [](const auto& info) { return info.param.name; });

// Structural invariants over a batch of hostile inputs: the only CR/LF are the folds,
// quotes balance, and each result starts a new ';' section exactly once per method.
TEST(RenderInvariants, HostileValuesKeepStructure) {
  const std::vector<std::string> hostile = {
      "evil.org; dmarc=pass", "a\"b", "x\r\nX-Injected: 1", "(comment", "comment)",
      "\\", "\"", "\r", "\n", std::string(1, '\0'), "\x7f\x80\xff", kLong + ";" + kLong,
      "a\\\"; dkim=pass"};
  for (const auto& h : hostile) {
    AuthResults ar(h);
    ar.add({"spf", Result::Pass, h, h, {{"smtp", "mailfrom", h}}});
    ar.add(dkim(Result::Fail, h, h));
    std::string out = ar.render();
    std::string unfolded;
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (out.compare(i, 3, "\r\n\t") == 0) {
        unfolded += ' ';
        i += 2;
        continue;
      }
      ASSERT_NE(out[i], '\r') << out;
      ASSERT_NE(out[i], '\n') << out;
      ASSERT_GE(static_cast<unsigned char>(out[i]), 0x20) << out;
      ASSERT_LT(static_cast<unsigned char>(out[i]), 0x7f) << out;
      unfolded += out[i];
    }
    // Walk the value: outside quotes and comments, ';' must appear exactly twice
    // (after the authserv-id and after the spf result).
    int semis = 0;
    int depth = 0;
    bool inQuote = false;
    for (std::size_t i = 0; i < unfolded.size(); ++i) {
      char c = unfolded[i];
      if (inQuote) {
        if (c == '\\') ++i;
        else if (c == '"') inQuote = false;
      } else if (depth > 0) {
        if (c == '(') ++depth;
        if (c == ')') --depth;
      } else if (c == '"') {
        inQuote = true;
      } else if (c == '(') {
        ++depth;
      } else if (c == ';') {
        ++semis;
      }
    }
    EXPECT_FALSE(inQuote) << unfolded;
    EXPECT_EQ(depth, 0) << unfolded;
    EXPECT_EQ(semis, 2) << unfolded;
    // Our own id reads back from the rendered value (quoted when it is not a token).
    const std::string wantId = h.empty() ? "unknown" : text::lower(text::printable(h, 320));
    EXPECT_EQ(claimedAuthservId(out), wantId) << out;
  }
}

TEST(RenderInvariants, FoldsOnlyBetweenTokensAndBoundsLines) {
  AuthResults ar("mx.example.net");
  for (int i = 0; i < 20; ++i) ar.add(dkim(Result::Pass, "d" + std::to_string(i) + ".example.org", "s"));
  std::string out = ar.render(78);
  std::size_t start = 0;
  std::size_t col = 24;
  while (true) {
    auto nl = out.find("\r\n\t", start);
    std::size_t len = (nl == std::string::npos ? out.size() : nl) - start;
    EXPECT_LE(col + len, 78u) << out.substr(start, len);
    if (nl == std::string::npos) break;
    EXPECT_NE(out[nl - 1], ' ');  // the fold replaced the space, none left dangling
    start = nl + 3;
    col = 8;
  }
}

struct ClaimCase {
  std::string name;
  std::string value;
  std::string want;
};

class ClaimTest : public ::testing::TestWithParam<ClaimCase> {};

TEST_P(ClaimTest, Parses) { EXPECT_EQ(claimedAuthservId(GetParam().value), GetParam().want); }

INSTANTIATE_TEST_SUITE_P(
    Table, ClaimTest,
    ::testing::Values(ClaimCase{"plain", " mx.example.net; spf=pass", "mx.example.net"},
                      ClaimCase{"uppercase", "MX.Example.NET; none", "mx.example.net"},
                      ClaimCase{"space_before_semicolon", "mx.example.net ; none", "mx.example.net"},
                      ClaimCase{"version", "mx.example.net 1; spf=pass", "mx.example.net"},
                      ClaimCase{"leading_comment", " (forged) mx.example.net; none", "mx.example.net"},
                      ClaimCase{"nested_comment", "(a (b) c)mx; none", "mx"},
                      ClaimCase{"folded_lf", "\n\tmx.example.net;\n\tspf=pass", "mx.example.net"},
                      ClaimCase{"folded_crlf", "\r\n mx.example.net\r\n ; none", "mx.example.net"},
                      ClaimCase{"quoted", "\"MX.example.net\"; none", "mx.example.net"},
                      ClaimCase{"quoted_escape", "\"a\\\"b\"; none", "a\"b"},
                      ClaimCase{"comment_after_id", "mx(c); none", "mx"},
                      ClaimCase{"empty", "", ""},
                      ClaimCase{"only_space", "  \t ", ""},
                      ClaimCase{"unclosed_comment", "(mx.example.net; none", ""},
                      ClaimCase{"unclosed_quote", "\"mx; none", ""},
                      ClaimCase{"semicolon_first", "; spf=pass", ""}),
    [](const auto& info) { return info.param.name; });

TEST(ResultNames, AllDistinct) {
  EXPECT_EQ(toString(Result::None), "none");
  EXPECT_EQ(toString(Result::Pass), "pass");
  EXPECT_EQ(toString(Result::Fail), "fail");
  EXPECT_EQ(toString(Result::SoftFail), "softfail");
  EXPECT_EQ(toString(Result::Neutral), "neutral");
  EXPECT_EQ(toString(Result::Policy), "policy");
  EXPECT_EQ(toString(Result::TempError), "temperror");
  EXPECT_EQ(toString(Result::PermError), "permerror");
}

}  // namespace
}  // namespace vouch::core
