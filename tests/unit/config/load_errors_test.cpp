// Every class of config error, each with its exact file:line and message, from
// loadString (no filesystem). Table-driven: {name, toml, line, message fragment}.
#include <gtest/gtest.h>

#include "config/config.h"

namespace vouch::config {
namespace {

struct ErrorCase {
  const char* name;
  const char* toml;
  int line;
  const char* fragment;  // must occur in the message
};

class LoadErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(LoadErrors, ReportsFileLineAndMessage) {
  const auto& c = GetParam();
  const auto r = loadString(c.toml, "/etc/vouch/t.conf");
  EXPECT_EQ(r.config, nullptr);
  ASSERT_EQ(r.errors.size(), 1u) << (r.errors.empty() ? "" : r.errors[0].toString());
  EXPECT_EQ(r.errors[0].file, "/etc/vouch/t.conf");
  EXPECT_EQ(r.errors[0].line, c.line) << r.errors[0].toString();
  EXPECT_NE(r.errors[0].message.find(c.fragment), std::string::npos) << r.errors[0].toString();
  EXPECT_EQ(r.errors[0].toString().rfind("/etc/vouch/t.conf:" + std::to_string(c.line) + ": ", 0), 0u);
}

const ErrorCase kCases[] = {
    {"syntax", "[general]\nauthserv_id = \n", 2, "TOML syntax error at column"},
    {"syntax_redefine", "[dns]\ntimeout_ms = 100\ntimeout_ms = 200\n", 3, "TOML syntax error"},
    {"unknown_key_suggest", "[dkim]\nmax_signature = 5\n", 2,
     "unknown setting 'dkim.max_signature' (did you mean 'dkim.max_signatures'?)"},
    {"unknown_section", "[frobnicate]\nx = 1\n", 1, "unknown setting 'frobnicate'"},
    {"wrong_section_hint", "\n[general]\nsocket = \"inet:1@h\"\n", 3, "(did you mean 'milter.socket'?)"},
    {"unknown_top_level_scalar", "authserv_id = \"x\"\n", 1, "did you mean 'general.authserv_id'"},
    {"int_wrong_type", "[dkim]\nmax_signatures = \"5\"\n", 2, "expected an integer, got a string"},
    {"float_for_int", "[dns]\n\ntimeout_ms = 5.5\n", 3, "expected an integer, got a float"},
    {"bool_wrong_type", "[spf]\nenabled = 1\n", 2, "expected a boolean"},
    {"string_wrong_type", "[general]\nauthserv_id = 3\n", 2, "expected a string, got an integer"},
    {"list_wrong_type", "[outbound]\ninternal_networks = \"10.0.0.0/8\"\n", 2, "expected an array of strings"},
    {"list_element_type", "[outbound]\ninternal_networks = [\"10.0.0.0/8\", 7]\n", 2, "found an integer"},
    {"int_below_min", "[dkim]\nmax_signatures = 0\n", 2, "0 is out of range [1, 50]"},
    {"int_above_max", "[dkim]\nmin_rsa_bits = 16384\n", 2, "16384 is out of range [1024, 8192]"},
    {"choice", "[general]\nlog_target = \"file\"\n", 2, "\"file\" is not one of syslog|stderr"},
    {"choice_case", "[dmarc]\nmode = \"RFC9989\"\n", 2, "is not one of rfc9989|rfc7489"},
    {"bad_cidr", "[outbound]\ninternal_networks = [\"10.0.0.0/33\"]\n", 2, "'10.0.0.0/33' is not an IP address or CIDR"},
    {"bad_nameserver", "[dns]\nnameservers = [\"127.0.0.1@0\"]\n", 2, "is not \"IP\" or \"IP@PORT\""},
    {"bad_socket", "[milter]\nsocket = \"tcp:8893\"\n", 2, "must be inet:PORT@HOST"},
    {"bad_socket_port", "[milter]\nsocket = \"inet:99999@127.0.0.1\"\n", 2, "needs a port 1-65535"},
    {"bad_policyd_socket", "[policyd]\nsocket = \"inet:@127.0.0.1\"\n", 2, "needs a port 1-65535"},
    {"bad_mode", "[milter]\nsocket_mode = \"0999\"\n", 2, "octal mode"},
    {"key_missing_selector",
     "[[dkim.keys]]\nname = \"k\"\ndomain = \"example.org\"\nkey_file = \"k.pem\"\n", 1,
     "dkim.keys entry is missing 'selector'"},
    {"key_unknown_field",
     "\n[[dkim.keys]]\nname = \"k\"\ndomain = \"example.org\"\nselector = \"s\"\nkey_file = \"k.pem\"\nkeyfile = \"x\"\n",
     7, "unknown field 'keyfile' in dkim.keys (did you mean 'key_file'?)"},
    {"key_bad_domain", "[[dkim.keys]]\nname = \"k\"\ndomain = \"exa mple.org\"\nselector = \"s\"\nkey_file = \"k.pem\"\n",
     1, "is not a domain name"},
    {"key_bad_name", "[[dkim.keys]]\nname = \"k k\"\ndomain = \"example.org\"\nselector = \"s\"\nkey_file = \"k.pem\"\n",
     1, "may use only letters"},
    {"key_empty_field", "[[dkim.keys]]\nname = \"k\"\ndomain = \"\"\nselector = \"s\"\nkey_file = \"k.pem\"\n", 3,
     "dkim.keys domain must be a non-empty string"},
    {"keys_not_array", "[dkim]\nkeys = \"k\"\n", 2, "must be an array of tables"},
    {"duplicate_key",
     "[[dkim.keys]]\nname = \"k\"\ndomain = \"example.org\"\nselector = \"a\"\nkey_file = \"a.pem\"\n"
     "[[dkim.keys]]\nname = \"k\"\ndomain = \"example.org\"\nselector = \"b\"\nkey_file = \"b.pem\"\n",
     6, "duplicate dkim.keys name 'k' (first declared at /etc/vouch/t.conf:1)"},
    {"signing_unknown_key",
     "[[dkim.keys]]\nname = \"rsa\"\ndomain = \"example.org\"\nselector = \"a\"\nkey_file = \"a.pem\"\n"
     "[[dkim.signing]]\nfrom = [\"*@example.org\"]\nkeys = [\"rsaa\"]\n",
     6, "names unknown key 'rsaa' (did you mean 'rsa'?)"},
    {"signing_bad_from", "[[dkim.signing]]\nfrom = [\"a@b@example.org\"]\nkeys = []\n", 1,
     "from pattern 'a@b@example.org' is not user@domain, *@domain, domain or .domain"},
    {"signing_bad_bare_domain", "[[dkim.signing]]\nfrom = [\"-bad-.example\"]\nkeys = []\n", 1,
     "from pattern '-bad-.example'"},
    {"signing_empty_subdomain", "[[dkim.signing]]\nfrom = \".\"\nkeys = \"k\"\n", 1, "from pattern '.'"},
    {"signing_wildcard_inside", "[[dkim.signing]]\nfrom = \"a*b@example.org\"\nkeys = \"k\"\n", 1,
     "from pattern 'a*b@example.org'"},
    {"signing_missing_keys", "[[dkim.signing]]\nfrom = \"*@example.org\"\n", 1, "dkim.signing rule is missing 'keys'"},
    {"signing_unknown_field", "[[dkim.signing]]\nfrom = \"*@example.org\"\nkeys = []\nkey = \"k\"\n", 4,
     "unknown field 'key' in dkim.signing (did you mean 'keys'?)"},
    {"signing_keys_type", "[[dkim.signing]]\nfrom = \"*@example.org\"\nkeys = 5\n", 3,
     "dkim.signing keys must be a string or an array of strings"},
};

INSTANTIATE_TEST_SUITE_P(Config, LoadErrors, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(LoadErrorsAll, CollectsEveryErrorInLineOrder) {
  const auto r = loadString(
      "[general]\nlog_target = \"file\"\n[dkim]\nmax_signatures = 99\nfoo = 1\n[spf]\nenabled = \"yes\"\n", "x.conf");
  ASSERT_EQ(r.errors.size(), 4u);
  const int lines[] = {2, 4, 5, 7};
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(r.errors[i].line, lines[i]) << r.errors[i].toString();
}

TEST(LoadErrorsAll, MissingFileNamesTheFile) {
  const auto r = load("/nonexistent/vouch-test/vouch.conf");
  EXPECT_EQ(r.config, nullptr);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].toString(), "/nonexistent/vouch-test/vouch.conf: config file cannot be read");
}

}  // namespace
}  // namespace vouch::config
