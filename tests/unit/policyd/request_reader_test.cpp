// Table-driven tests of the policy-delegation request reader: well-formed requests,
// several on one connection, byte-by-byte delivery, and every bound on hostile input.
#include "policyd/request_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vouch::policyd {
namespace {

std::vector<Request> readAll(const std::string& input, ReaderLimits limits = {},
                             std::size_t chunk = 0) {
  RequestReader r(limits);
  std::vector<Request> out;
  if (chunk == 0) chunk = input.size() ? input.size() : 1;
  for (std::size_t i = 0; i < input.size(); i += chunk) {
    r.feed(std::string_view(input).substr(i, chunk));
    while (auto req = r.next()) out.push_back(*req);
  }
  return out;
}

const std::string kRequest =
    "request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\n"
    "client_address=192.0.2.1\nhelo_name=mx.example.org\nsender=a@example.org\n"
    "recipient=b@example.net\ninstance=123.456.7\n\n";

TEST(RequestReader, ParsesOneRequest) {
  auto reqs = readAll(kRequest);
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].error, "");
  EXPECT_EQ(reqs[0].get("client_address"), "192.0.2.1");
  EXPECT_EQ(reqs[0].get("sender"), "a@example.org");
  EXPECT_EQ(reqs[0].get("instance"), "123.456.7");
  EXPECT_EQ(reqs[0].get("missing"), "");
}

TEST(RequestReader, SeveralRequestsOnOneConnectionAnyChunking) {
  std::string three = kRequest + kRequest + kRequest;
  for (std::size_t chunk : {1u, 3u, 7u, 64u, 0u}) {
    auto reqs = readAll(three, {}, chunk);
    ASSERT_EQ(reqs.size(), 3u) << "chunk " << chunk;
    for (auto& r : reqs) EXPECT_EQ(r.get("recipient"), "b@example.net");
  }
}

TEST(RequestReader, CrLfAndEmptyValuesAndCase) {
  auto reqs = readAll("Sender=\r\nCLIENT_ADDRESS=::1\r\n\r\n");
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].error, "");
  EXPECT_EQ(reqs[0].get("sender"), "");
  EXPECT_EQ(reqs[0].get("client_address"), "::1");
}

struct BadCase {
  const char* name;
  std::string input;
  std::string wantError;
};

TEST(RequestReader, MalformedAndOversizedRequestsAreFlaggedAndResynchronised) {
  ReaderLimits lim{256, 4, 64};
  std::vector<BadCase> cases = {
      {"no equals sign", "garbage line\nsender=a@b\n\n", "malformed attribute line"},
      {"empty name", "=x\n\n", "malformed attribute line"},
      {"bad name chars", "se nder=x\n\n", "malformed attribute line"},
      {"too many attributes", "a=1\nb=2\nc=3\nd=4\ne=5\n\n", "too many attributes"},
      {"line too long", "sender=" + std::string(500, 'x') + "\n\n", "line too long"},
      {"request too large",
       "a=" + std::string(60, 'x') + "\nb=" + std::string(60, 'x') + "\nc=" +
           std::string(60, 'x') + "\nd=" + std::string(60, 'x') + "\ne=" +
           std::string(60, 'x') + "\n\n",
       "request too large"},
  };
  for (auto& c : cases) {
    for (std::size_t chunk : {1u, 5u, 0u}) {
      auto reqs = readAll(c.input + kRequest, {lim.maxRequestBytes, 20, lim.maxLine}, chunk);
      if (std::string(c.name) == "too many attributes") {
        reqs = readAll(c.input + "x=1\n\n", lim, chunk);
      }
      ASSERT_EQ(reqs.size(), 2u) << c.name << " chunk " << chunk;
      EXPECT_EQ(reqs[0].error, c.wantError) << c.name;
      EXPECT_EQ(reqs[1].error, "") << c.name << ": the next request must parse cleanly";
    }
  }
}

TEST(RequestReader, EndlessLineNeverGrowsTheBuffer) {
  RequestReader r({1024, 10, 128});
  std::string junk(4096, 'z');
  for (int i = 0; i < 1000; ++i) {
    r.feed(junk);
    EXPECT_LE(r.pending(), 128u + junk.size());
  }
  r.feed("\n\nsender=x\n\n");
  auto first = r.next();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->error, "line too long");
  auto second = r.next();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->get("sender"), "x");
}

TEST(RequestReader, StrayBlankLinesAreIgnored) {
  auto reqs = readAll("\n\n\nsender=x\n\n\n");
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].get("sender"), "x");
}

}  // namespace
}  // namespace vouch::policyd
