// Tests for the self-check's own canonicalizers: BodyHasher (RFC 6376 3.4.3/3.4.4,
// streamed in every possible split) and relaxedHeader (3.4.2).
#include <openssl/sha.h>

#include <gtest/gtest.h>

#include "dkim/sign_body_hash.h"
#include "dkim/sign_self_check.h"

namespace vouch::dkim {
namespace {

std::string b64sha256(const std::string& canonical) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(canonical.data()), canonical.size(), d);
  std::string out(45, '\0');
  out.resize(static_cast<std::size_t>(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), d, sizeof d)));
  return out;
}

TEST(BodyHasher, CanonicalizesLikeRfc6376) {
  struct Case { std::string body; bool relaxed; std::string canonical; };
  const Case cases[] = {
      {"", false, "\r\n"},
      {"", true, ""},
      {"\r\n\r\n", false, "\r\n"},
      {"\r\n\r\n", true, ""},
      {"a\r\n", false, "a\r\n"},
      {"a", false, "a\r\n"},
      {"a", true, "a\r\n"},
      {"a\r\n\r\n\r\n", false, "a\r\n"},
      {"a\r\n\r\nb\r\n\r\n", false, "a\r\n\r\nb\r\n"},
      {" C \r\nD \t E\r\n\r\n\r\n", true, " C\r\nD E\r\n"},      // RFC 6376 3.4.5 example
      {" C \r\nD \t E\r\n\r\n\r\n", false, " C \r\nD \t E\r\n"},  // RFC 6376 3.4.5 example
      {"x \t \r\n \t\r\ny\r\n", true, "x\r\n\r\ny\r\n"},       // whitespace-only line is empty
      {"x\r\n \t \r\n", true, "x\r\n"},                          // ... and trailing
      {"a\rb\nc\r\n", false, "a\rb\nc\r\n"},                     // lone CR/LF are content
      {"end\r", false, "end\r\r\n"},
      {"\xff\xfe 8bit  \r\n", true, "\xff\xfe 8bit\r\n"},
  };
  for (const auto& c : cases) {
    // Every split point of the body must give the same hash (the milter splits anywhere).
    for (std::size_t split = 0; split <= c.body.size(); ++split) {
      BodyHasher h(c.relaxed);
      h.update(std::span<const char>(c.body).first(split));
      h.update(std::span<const char>(c.body).subspan(split));
      EXPECT_EQ(h.finish(), b64sha256(c.canonical))
          << (c.relaxed ? "relaxed" : "simple") << " body=" << testing::PrintToString(c.body) << " split=" << split;
    }
  }
}

// Bodies larger than the hasher's internal block, fed in odd-sized chunks, so the block
// boundaries fall inside whitespace runs, CRLFs and held-back empty lines.
TEST(BodyHasher, LargeBodiesAcrossBlockBoundaries) {
  std::string body, relaxedCanon, simpleCanon;
  for (int i = 0; i < 1000; ++i) {
    const std::string word = "w" + std::to_string(i);
    if (i % 7 == 0) {
      body += "\r\n\r\n";  // an empty line in the middle: kept by both
      relaxedCanon += "\r\n\r\n";
      simpleCanon += "\r\n\r\n";
    }
    body += word + " \t  " + word + "  \r\n";
    relaxedCanon += word + " " + word + "\r\n";
    simpleCanon += word + " \t  " + word + "  \r\n";
  }
  body += "\r\n\r\n\r\n";
  ASSERT_GT(body.size(), 3 * 4096u);
  for (std::size_t chunk : {1u, 7u, 4095u, 4096u, 4097u, 100000u}) {
    for (bool relaxed : {false, true}) {
      BodyHasher h(relaxed);
      for (std::size_t pos = 0; pos < body.size(); pos += chunk) {
        h.update(std::span<const char>(body).subspan(pos, std::min(chunk, body.size() - pos)));
      }
      EXPECT_EQ(h.finish(), b64sha256(relaxed ? relaxedCanon : simpleCanon))
          << (relaxed ? "relaxed" : "simple") << " chunk=" << chunk;
    }
  }
}

TEST(RelaxedHeader, CanonicalizesLikeRfc6376) {
  struct Case { std::string line, want; };
  const Case cases[] = {
      {"A: X", "a:X\r\n"},                              // RFC 6376 3.4.5 example
      {"B : Y\t\r\n\tZ  ", "b:Y Z\r\n"},                // RFC 6376 3.4.5 example
      {"Subject:  a:  b ", "subject:a: b\r\n"},          // a colon in the value keeps its space
      {"To:x", "to:x\r\n"},
      {"X-Empty:", "x-empty:\r\n"},
      {"X-Space:   ", "x-space:\r\n"},
      {"Subject: caf\xc3\xa9", "subject:caf\xc3\xa9\r\n"},
  };
  for (const auto& c : cases) EXPECT_EQ(relaxedHeader(c.line), c.want) << c.line;
}

}  // namespace
}  // namespace vouch::dkim
