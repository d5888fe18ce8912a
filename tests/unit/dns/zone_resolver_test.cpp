// Unit tests for dns::ZoneResolver: record types, multi-string TXT, escapes, $ORIGIN/$TTL
// and parentheses, NXDOMAIN vs NODATA, empty non-terminals, wildcards, lame delegations,
// CNAME chains and loops, file:line errors, and every shared test zone loading.
#include "dns/zone_resolver.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace vouch::dns {
namespace {

constexpr const char* kZone = R"ZONE(; test zone
$TTL 600
$ORIGIN example.com.
@          IN SOA ns1 hostmaster ( 1 3600 600
                                   86400 300 )
@          IN NS  ns1
ns1        IN A   192.0.2.53
@          IN A   192.0.2.1
@          IN AAAA 2001:DB8:0:0::1
@          IN MX  10 Mail.Example.COM.
@          IN MX  20 backup
@          IN TXT "v=spf1 " "ip4:192.0.2.0/24 -all"
multi      IN TXT ( "v=DKIM1; k=rsa; "
                    "p=ABC"
                    "DEF" )
esc        IN TXT "caf\195\169 \"q\" a\;b"
spf        IN SPF "v=spf1 -all"
ttl 42     IN TXT "short"
a.b.c.deep IN TXT "deep"
www        IN CNAME example.com.
chain1     IN CNAME chain2
chain2     IN CNAME www
loop1      IN CNAME loop2
loop2      IN CNAME loop1
dangle     IN CNAME nowhere
*.wild     IN TXT "wildcard"
exact.wild IN A   192.0.2.77
sub        IN NS  ns.lame.test.
x.sub      IN TXT "hidden by the delegation"
$ORIGIN 2.0.192.in-addr.arpa.
1          IN PTR example.com.
$ORIGIN example.test.
@          IN TXT "under dot test"
)ZONE";

std::shared_ptr<ZoneResolver> loadSample() {
  std::string error;
  auto z = ZoneResolver::fromString(kZone, error, "sample.zone");
  EXPECT_TRUE(z) << error;
  return z;
}

struct Case {
  const char* name;
  RrType type;
  Status status;
  std::vector<std::string> texts;  // sorted record texts
  std::string canonical = {};
};

class ZoneTable : public ::testing::TestWithParam<Case> {
 protected:
  static void SetUpTestSuite() { zone_ = loadSample(); }
  static void TearDownTestSuite() { zone_.reset(); }
  static std::shared_ptr<ZoneResolver> zone_;
};
std::shared_ptr<ZoneResolver> ZoneTable::zone_;

TEST_P(ZoneTable, Answers) {
  const Case& c = GetParam();
  ASSERT_TRUE(zone_);
  Answer a = zone_->answer(c.name, c.type);
  EXPECT_EQ(a.status, c.status) << c.name << " " << toString(c.type) << ": " << toString(a.status)
                                << " " << a.why;
  std::vector<std::string> texts;
  for (const auto& r : a.records) texts.push_back(r.text);
  std::sort(texts.begin(), texts.end());
  EXPECT_EQ(texts, c.texts);
  EXPECT_EQ(a.canonicalName, c.canonical);
}

INSTANTIATE_TEST_SUITE_P(
    Zone, ZoneTable,
    ::testing::Values(
        Case{"example.com", RrType::A, Status::Ok, {"192.0.2.1"}},
        Case{"EXAMPLE.COM.", RrType::AAAA, Status::Ok, {"2001:db8::1"}},
        Case{"example.com", RrType::MX, Status::Ok, {"backup.example.com", "mail.example.com"}},
        Case{"example.com", RrType::TXT, Status::Ok, {"v=spf1 ip4:192.0.2.0/24 -all"}},
        Case{"example.com", RrType::NS, Status::Ok, {"ns1.example.com"}},
        Case{"multi.example.com", RrType::TXT, Status::Ok, {"v=DKIM1; k=rsa; p=ABCDEF"}},
        Case{"esc.example.com", RrType::TXT, Status::Ok, {"caf\xc3\xa9 \"q\" a;b"}},
        Case{"spf.example.com", RrType::SPF, Status::Ok, {"v=spf1 -all"}},
        Case{"spf.example.com", RrType::TXT, Status::NoData, {}},
        Case{"example.com", RrType::PTR, Status::NoData, {}},
        Case{"missing.example.com", RrType::TXT, Status::NxDomain, {}},
        Case{"deep.example.com", RrType::TXT, Status::NoData, {}},  // empty non-terminal
        Case{"c.deep.example.com", RrType::A, Status::NoData, {}},  // empty non-terminal
        Case{"a.b.c.deep.example.com", RrType::TXT, Status::Ok, {"deep"}},
        Case{"z.b.c.deep.example.com", RrType::TXT, Status::NxDomain, {}},
        Case{"www.example.com", RrType::A, Status::Ok, {"192.0.2.1"}, "example.com"},
        Case{"www.example.com", RrType::CNAME, Status::Ok, {"example.com"}},
        Case{"chain1.example.com",
             RrType::MX,
             Status::Ok,
             {"backup.example.com", "mail.example.com"},
             "example.com"},
        Case{"chain1.example.com", RrType::PTR, Status::NoData, {}, "example.com"},
        Case{"loop1.example.com", RrType::A, Status::ServFail, {}},
        Case{"dangle.example.com", RrType::A, Status::NxDomain, {}, "nowhere.example.com"},
        Case{"anything.wild.example.com", RrType::TXT, Status::Ok, {"wildcard"}},
        Case{"anything.wild.example.com", RrType::A, Status::NoData, {}},
        Case{"exact.wild.example.com", RrType::TXT, Status::NoData, {}},  // exact name wins
        Case{"wild.example.com", RrType::TXT, Status::NoData, {}},        // ENT, no wildcard
        Case{"sub.example.com", RrType::NS, Status::ServFail, {}},        // lame delegation
        Case{"sub.example.com", RrType::TXT, Status::ServFail, {}},
        Case{"x.sub.example.com", RrType::TXT, Status::ServFail, {}},
        Case{"1.2.0.192.in-addr.arpa", RrType::PTR, Status::Ok, {"example.com"}},
        Case{"2.2.0.192.in-addr.arpa", RrType::PTR, Status::NxDomain, {}},
        Case{"example.test", RrType::TXT, Status::Ok, {"under dot test"}},
        Case{"a..example.com", RrType::TXT, Status::NxDomain, {}}));

TEST(ZoneResolver, TtlFromDirectiveAndOverride) {
  auto z = loadSample();
  ASSERT_TRUE(z);
  EXPECT_EQ(z->answer("example.com", RrType::A).ttl, 600u);
  EXPECT_EQ(z->answer("ttl.example.com", RrType::TXT).ttl, 42u);
}

// RFC 2308 5: "no record" answers live min(SOA TTL, SOA MINIMUM) of the zone, as
// libunbound reports them (so `vouch dns --dns-file` and unbound print the same TTL).
TEST(ZoneResolver, NegativeAnswersCarryTheSoaMinimum) {
  auto z = loadSample();
  ASSERT_TRUE(z);
  const Answer nodata = z->answer("ns1.example.com", RrType::TXT);
  EXPECT_EQ(nodata.status, Status::NoData);
  EXPECT_EQ(nodata.ttl, 300u);  // minimum 300 < SOA TTL 600
  const Answer nx = z->answer("nothing.example.com", RrType::TXT);
  EXPECT_EQ(nx.status, Status::NxDomain);
  EXPECT_EQ(nx.ttl, 300u);
  std::string error;
  auto noSoa = ZoneResolver::fromString("a.example. 60 IN A 192.0.2.1\n", error);
  ASSERT_TRUE(noSoa) << error;
  EXPECT_EQ(noSoa->answer("b.example", RrType::A).ttl, 0u);  // no SOA: nothing to go by
}

TEST(ZoneResolver, MultiStringTxtKeepsEachString) {
  auto z = loadSample();
  ASSERT_TRUE(z);
  Answer a = z->answer("multi.example.com", RrType::TXT);
  ASSERT_EQ(a.records.size(), 1u);
  EXPECT_EQ(a.records[0].strings, (std::vector<std::string>{"v=DKIM1; k=rsa; ", "p=ABC", "DEF"}));
}

TEST(ZoneResolver, MxPreferences) {
  auto z = loadSample();
  ASSERT_TRUE(z);
  Answer a = z->answer("example.com", RrType::MX);
  ASSERT_EQ(a.records.size(), 2u);
  for (const auto& r : a.records) {
    EXPECT_EQ(r.preference, r.text == "mail.example.com" ? 10 : 20) << r.text;
  }
}

TEST(ZoneResolver, CountsQueries) {
  auto z = loadSample();
  ASSERT_TRUE(z);
  (void)z->answer("example.com", RrType::TXT);
  (void)z->query("www.example.com", RrType::A, Clock::now());
  EXPECT_EQ(z->queryCount(), 2u);
  EXPECT_EQ(z->queries()[1], (std::pair<std::string, RrType>{"www.example.com", RrType::A}));
  z->resetCounts();
  EXPECT_EQ(z->queryCount(), 0u);
}

struct BadCase {
  const char* text;
  const char* wantPrefix;  // "label:line:"
};

class ZoneErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(ZoneErrors, NameFileAndLine) {
  std::string error;
  auto z = ZoneResolver::fromString(GetParam().text, error, "bad.zone");
  EXPECT_FALSE(z);
  EXPECT_EQ(error.rfind(GetParam().wantPrefix, 0), 0u) << error;
}

INSTANTIATE_TEST_SUITE_P(
    Zone, ZoneErrors,
    ::testing::Values(
        BadCase{"a.example. IN A 192.0.2.1\nb.example. IN A 300.1.1.1\n", "bad.zone:2:"},
        BadCase{"; c\n\na.example. IN TXT \"x\"\nb.example. IN BOGUSTYPE x\n", "bad.zone:4:"},
        BadCase{"$TTL 60\na.example. IN MX notanumber b.example.\n", "bad.zone:2:"},
        BadCase{"$INCLUDE /etc/passwd\n", "bad.zone:1: $INCLUDE"}));

TEST(ZoneResolver, MissingFileIsAnError) {
  std::string error;
  EXPECT_FALSE(ZoneResolver::fromFile("/nonexistent/zone.file", error));
  EXPECT_EQ(error.rfind("/nonexistent/zone.file:0: cannot open", 0), 0u) << error;
}

TEST(ZoneResolver, EmptyTextIsAnEmptyZone) {
  std::string error;
  auto z = ZoneResolver::fromString("", error);
  ASSERT_TRUE(z) << error;
  EXPECT_EQ(z->answer("example.com", RrType::A).status, Status::NxDomain);
}

TEST(ZoneResolver, NoSoaMeansNsIsPlainData) {
  std::string error;
  auto z = ZoneResolver::fromString(
      "example.org. IN NS ns.example.org.\n"
      "example.org. IN TXT \"hello\"\n",
      error);
  ASSERT_TRUE(z) << error;
  EXPECT_EQ(z->answer("example.org", RrType::TXT).status, Status::Ok);
  EXPECT_EQ(z->answer("example.org", RrType::NS).records.at(0).text, "ns.example.org");
}

// Every converted RFC 7208 zone loads, and its lame delegations answer SERVFAIL.
TEST(ZoneResolver, AllRfc7208ZonesLoad) {
  std::filesystem::path dir = std::filesystem::path(VOUCH_SHARED_DIR) / "spf" / "rfc7208-zones";
  int loaded = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".zone") continue;
    std::string error;
    auto z = ZoneResolver::fromFile(entry.path().string(), error);
    EXPECT_TRUE(z) << error;
    if (z) {
      EXPECT_GT(z->recordCount(), 3u) << entry.path();
    }
    ++loaded;
  }
  EXPECT_EQ(loaded, 16);
}

TEST(ZoneResolver, Rfc7208RecordLookupZone) {
  std::string error;
  auto z = ZoneResolver::fromFile(
      std::string(VOUCH_SHARED_DIR) + "/spf/rfc7208-zones/02-record-lookup.zone", error);
  ASSERT_TRUE(z) << error;
  EXPECT_EQ(z->answer("txttimeout.example.net", RrType::TXT).status, Status::ServFail);
  EXPECT_EQ(z->answer("alltimeout.example.net", RrType::A).status, Status::ServFail);
  EXPECT_EQ(z->answer("ns1.lame.test", RrType::A).status, Status::Ok);
  EXPECT_EQ(z->answer("corpus.test", RrType::A).status, Status::NoData);  // ENT
}

TEST(ZoneResolver, Rfc7208EscapesAreRawBytes) {
  std::string error;
  auto z = ZoneResolver::fromFile(
      std::string(VOUCH_SHARED_DIR) + "/spf/rfc7208-zones/01-initial-processing.zone", error);
  ASSERT_TRUE(z) << error;
  Answer a = z->answer("hosed.example.com", RrType::TXT);
  ASSERT_EQ(a.status, Status::Ok);
  ASSERT_EQ(a.records.size(), 1u);
  EXPECT_EQ(a.records[0].text, "v=spf1 a:\xc3\xaf\xc2\xbb\xc2\xbfgarbage.example.net -all");
  Answer ctrl = z->answer("ctrl.example.com", RrType::SPF);
  ASSERT_EQ(ctrl.records.size(), 1u);
  EXPECT_EQ(ctrl.records[0].text, "v=spf1 a:ctrl.example.com\rptr -all");
  Answer null = z->answer("null.example.com", RrType::TXT);
  ASSERT_EQ(null.records.size(), 2u);
}

TEST(ZoneResolver, DkimVectorZonesLoad) {
  for (const char* sub : {"rfc6376", "rfc8463"}) {
    std::string error;
    auto z = ZoneResolver::fromFile(
        std::string(VOUCH_SHARED_DIR) + "/vectors/" + sub + "/keys.zone", error);
    ASSERT_TRUE(z) << error;
  }
  std::string error;
  auto z =
      ZoneResolver::fromFile(std::string(VOUCH_SHARED_DIR) + "/vectors/rfc6376/keys.zone", error);
  ASSERT_TRUE(z);
  Answer a = z->answer("brisbane._domainkey.example.com", RrType::TXT);
  ASSERT_EQ(a.status, Status::Ok);
  EXPECT_EQ(a.records.at(0).strings.size(), 4u);
  EXPECT_EQ(a.records.at(0).text.rfind("v=DKIM1; p=MIGfMA0G", 0), 0u);
  EXPECT_EQ(a.records.at(0).text.substr(a.records.at(0).text.size() - 8), "2QIDAQAB");
  auto ed =
      ZoneResolver::fromFile(std::string(VOUCH_SHARED_DIR) + "/vectors/rfc8463/keys.zone", error);
  ASSERT_TRUE(ed);
  EXPECT_EQ(ed->answer("brisbane._domainkey.football.example.com", RrType::TXT).records.at(0).text,
            "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
}

// Several files answer as one namespace; each file's lame delegations stay lame.
TEST(ZoneResolver, SeveralFilesAnswerTogether) {
  std::string dir = std::string(VOUCH_SHARED_DIR) + "/spf/rfc7208-zones/";
  std::string error;
  auto z = ZoneResolver::fromFiles(
      {dir + "01-initial-processing.zone", dir + "02-record-lookup.zone"}, error);
  ASSERT_TRUE(z) << error;
  EXPECT_EQ(z->answer("hosed.example.com", RrType::TXT).status, Status::Ok);
  EXPECT_EQ(z->answer("both.example.net", RrType::TXT).status, Status::Ok);
  EXPECT_EQ(z->answer("txttimeout.example.net", RrType::TXT).status, Status::ServFail);
  std::string missing;
  EXPECT_FALSE(
      ZoneResolver::fromFiles({dir + "01-initial-processing.zone", dir + "nope.zone"}, missing));
  EXPECT_EQ(missing.rfind(dir + "nope.zone:0:", 0), 0u) << missing;
}

}  // namespace
}  // namespace vouch::dns
