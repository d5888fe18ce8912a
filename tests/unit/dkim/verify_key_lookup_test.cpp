// KeyLookupService, the service behind libopendkim's DNS hooks: answers become response
// packets libopendkim can parse, SERVFAIL/timeout become DKIM_DNS_ERROR/_EXPIRED (never a
// packet), names that cannot exist are NXDOMAIN without a query, prefetches are reused.
#include <gtest/gtest.h>

#include "dkim/dkim_library.h"

#include <string>
#include <vector>

#include "dkim/key_lookup_service.h"
#include "dns/fake_resolver.h"
#include "dns/wire.h"

namespace vouch::dkim {
namespace {

struct Lookup {
  int code = 0;
  std::vector<unsigned char> packet;
};

Lookup lookup(KeyLookupService& service, const std::string& name, std::size_t buflen = 8192) {
  std::vector<unsigned char> buf(buflen);
  auto q = service.start(name, buf.data(), buf.size());
  std::size_t bytes = 0;
  int dnssec = 0;
  Lookup out;
  out.code = service.wait(*q, nullptr, &bytes, &dnssec);
  buf.resize(bytes);
  out.packet = std::move(buf);
  return out;
}

int rcode(const Lookup& l) { return l.packet.size() >= 4 ? (l.packet[3] & 0x0f) : -1; }

std::string joinedTxt(const Lookup& l) {
  std::vector<dns::Record> records;
  std::uint32_t ttl = 0;
  if (!dns::parseAnswerRecords(l.packet.data(), l.packet.size(), dns::RrType::TXT, records, ttl)) {
    return "<unparsable>";
  }
  std::string out;
  for (const auto& r : records) out += r.text + "|";
  return out;
}

class KeyLookup : public ::testing::Test {
 protected:
  std::shared_ptr<dns::FakeResolver> resolver_ = std::make_shared<dns::FakeResolver>();
  KeyLookupService service_{resolver_, std::chrono::milliseconds(1000)};
};

TEST_F(KeyLookup, RecordBecomesPacket) {
  resolver_->addTxt("s._domainkey.example.org", "v=DKIM1; k=ed25519; p=abc");
  const auto l = lookup(service_, "S._domainkey.Example.org.");
  EXPECT_EQ(l.code, DKIM_DNS_SUCCESS);
  EXPECT_EQ(rcode(l), 0);
  EXPECT_EQ(joinedTxt(l), "v=DKIM1; k=ed25519; p=abc|");
}

TEST_F(KeyLookup, LongStringIsSplitNotDropped) {
  const std::string record = "v=DKIM1; k=rsa; p=" + std::string(600, 'Q');
  resolver_->addTxt("s._domainkey.example.org", record);
  const auto l = lookup(service_, "s._domainkey.example.org");
  EXPECT_EQ(l.code, DKIM_DNS_SUCCESS);
  EXPECT_EQ(joinedTxt(l), record + "|");
}

TEST_F(KeyLookup, StatusesMapToHookCodes) {
  resolver_->failName("sf._domainkey.example.org", dns::Status::ServFail);
  resolver_->failName("to._domainkey.example.org", dns::Status::Timeout);
  resolver_->setStatus("nd._domainkey.example.org", dns::RrType::TXT, dns::Status::NoData);
  KeyLookupContext ctx;
  ctx.deadline = dns::Clock::now() + std::chrono::seconds(5);
  KeyLookupService::Binding bind(service_, ctx);

  const auto sf = lookup(service_, "sf._domainkey.example.org");
  EXPECT_EQ(sf.code, DKIM_DNS_ERROR);
  EXPECT_TRUE(sf.packet.empty());  // never a SERVFAIL packet
  EXPECT_EQ(lookup(service_, "to._domainkey.example.org").code, DKIM_DNS_EXPIRED);
  const auto nd = lookup(service_, "nd._domainkey.example.org");
  EXPECT_EQ(nd.code, DKIM_DNS_SUCCESS);
  EXPECT_EQ(rcode(nd), 0);
  EXPECT_EQ(joinedTxt(nd), "");
  const auto nx = lookup(service_, "nx._domainkey.example.org");
  EXPECT_EQ(nx.code, DKIM_DNS_SUCCESS);
  EXPECT_EQ(rcode(nx), 3);

  EXPECT_EQ(ctx.failureFor("sf._domainkey.example.org"), dns::Status::ServFail);
  EXPECT_EQ(ctx.failureFor("to._domainkey.example.org"), dns::Status::Timeout);
  EXPECT_EQ(ctx.failureFor("nx._domainkey.example.org"), dns::Status::Ok);
  EXPECT_EQ(ctx.queries, 4u);
}

TEST_F(KeyLookup, ImpossibleNameIsNxdomainWithoutQuery) {
  const std::vector<std::string> names = {"a..b._domainkey.example.org", "",
                                          std::string(70, 'x') + ".org",
                                          "s p._domainkey.example.org"};
  for (const std::string& name : names) {
    const auto l = lookup(service_, name);
    EXPECT_EQ(l.code, DKIM_DNS_SUCCESS) << name;
    EXPECT_EQ(rcode(l), 3) << name;
  }
  EXPECT_EQ(resolver_->queryCount(), 0u);
}

TEST_F(KeyLookup, TooSmallBufferIsAnErrorNotATruncation) {
  resolver_->addTxt("s._domainkey.example.org", std::string(400, 'k'));
  EXPECT_EQ(lookup(service_, "s._domainkey.example.org", 64).code, DKIM_DNS_ERROR);
}

TEST_F(KeyLookup, PrefetchIsReused) {
  resolver_->addTxt("s._domainkey.example.org", "v=DKIM1; p=xyz");
  KeyLookupContext ctx;
  ctx.deadline = dns::Clock::now() + std::chrono::seconds(5);
  ctx.prefetched.push_back({"s._domainkey.example.org",
                            resolver_->start("s._domainkey.example.org", dns::RrType::TXT)});
  ASSERT_EQ(resolver_->queryCount(), 1u);
  {
    KeyLookupService::Binding bind(service_, ctx);
    EXPECT_EQ(joinedTxt(lookup(service_, "s._domainkey.EXAMPLE.org")), "v=DKIM1; p=xyz|");
  }
  EXPECT_EQ(resolver_->queryCount(), 1u);
  EXPECT_EQ(ctx.prefetchHits, 1u);
  // Once unbound, the same thread queries on its own again.
  lookup(service_, "s._domainkey.example.org");
  EXPECT_EQ(resolver_->queryCount(), 2u);
  EXPECT_EQ(ctx.queries, 1u);
}

TEST_F(KeyLookup, NestedBindingsRestoreTheOuterContext) {
  resolver_->failName("t._domainkey.example.org", dns::Status::Timeout);
  KeyLookupContext outer, inner;
  outer.deadline = inner.deadline = dns::Clock::now() + std::chrono::seconds(5);
  KeyLookupService::Binding a(service_, outer);
  {
    KeyLookupService::Binding b(service_, inner);
    lookup(service_, "t._domainkey.example.org");
  }
  lookup(service_, "t._domainkey.example.org");
  EXPECT_EQ(inner.queries, 1u);
  EXPECT_EQ(outer.queries, 1u);
}

TEST(KeyName, Normalize) {
  EXPECT_EQ(normalizeKeyName("Sel._DomainKey.Example.ORG."), "sel._domainkey.example.org");
  EXPECT_EQ(normalizeKeyName("a.b"), "a.b");
  EXPECT_EQ(normalizeKeyName("."), "");
  EXPECT_EQ(normalizeKeyName("a..b"), "");
  EXPECT_EQ(normalizeKeyName(".a"), "");
  EXPECT_EQ(normalizeKeyName("a;b"), "");
  EXPECT_EQ(normalizeKeyName(std::string("a\0b", 3)), "");
  EXPECT_EQ(normalizeKeyName(std::string(63, 'a') + ".org"), std::string(63, 'a') + ".org");
  EXPECT_EQ(normalizeKeyName(std::string(64, 'a') + ".org"), "");
  EXPECT_EQ(normalizeKeyName(std::string(127, 'a').replace(1, 1, ".") + "." + std::string(130, 'b')), "");
}

}  // namespace
}  // namespace vouch::dkim
