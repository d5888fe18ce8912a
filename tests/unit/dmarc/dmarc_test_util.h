// Helpers shared by the dmarc unit tests: hand-made SPF/DKIM findings and a scripted
// zone for dns::FakeResolver.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/findings.h"
#include "dns/fake_resolver.h"

namespace vouch::dmarc::testing {

struct Ident {
  core::Result result;
  std::string domain;
  bool checked = true;
};

inline core::Findings makeFindings(const std::vector<Ident>& spf, const std::vector<Ident>& dkim) {
  core::Findings f;
  if (!spf.empty()) {
    core::SpfFinding s;
    s.result = spf.front().result;
    s.domain = spf.front().domain;
    s.identity = "mailfrom";
    f.spf = s;
  }
  for (const Ident& d : dkim) {
    core::DkimFinding k;
    k.result = d.result;
    k.domain = d.domain;
    k.checked = d.checked;
    f.dkim.push_back(k);
  }
  return f;
}

struct Zone {
  std::vector<std::pair<std::string, std::string>> txt = {};  // owner, text
  std::vector<std::string> a = {};                            // owners with an A record
  std::vector<std::pair<std::string, dns::Status>> failures = {};  // owner, status
};

inline void load(dns::FakeResolver& r, const Zone& z) {
  for (const auto& [name, text] : z.txt) r.addTxt(name, text);
  for (const auto& name : z.a) r.addA(name, "192.0.2.1");
  for (const auto& [name, st] : z.failures) r.failName(name, st);
}

}  // namespace vouch::dmarc::testing
