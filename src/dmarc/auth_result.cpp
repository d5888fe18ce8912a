// Renders a DmarcFinding as an RFC 8601 method result. Owns nothing; pure. Domain text is
// untrusted and passed as property values, which AuthResults::render() quotes; the
// comment holds only fixed vocabulary (policy names), never outside text.

#include "dmarc/auth_result.h"

#include <vector>

namespace vouch::dmarc {

namespace {

bool isPolicyWord(const std::string& s) { return s == "none" || s == "quarantine" || s == "reject"; }

}  // namespace

core::MethodResult toMethodResult(const core::DmarcFinding& f) {
  core::MethodResult m;
  m.method = "dmarc";
  m.result = f.result;
  // policy.dmarc is the policy "applied/to be applied after policy options" (RFC 9989
  // 9.1): t=y asks for one step softer than the published one.
  std::string effective = f.policy;
  if (f.testing) effective = effective == "reject" ? "quarantine" : "none";
  if (isPolicyWord(f.publishedP)) {
    std::string dis = "none";
    if (isPolicyWord(f.disposition)) dis = f.disposition;
    else if (f.result == core::Result::Fail && isPolicyWord(effective)) dis = effective;
    m.comment = "p=" + f.publishedP + " dis=" + dis;
    if (f.testing) m.comment += " t=y";
  }
  if (!f.domain.empty()) m.properties.push_back({"header", "from", f.domain});
  if (isPolicyWord(f.publishedP) && isPolicyWord(effective)) m.properties.push_back({"policy", "dmarc", effective});
  return m;
}

void updateAuthResults(core::AuthResults& results, const core::DmarcFinding& finding) {
  // AuthResults exposes append only; rebuild it with the dmarc entry replaced in place.
  core::AuthResults rebuilt(results.authservId());
  bool replaced = false;
  for (const core::MethodResult& r : results.results()) {
    if (r.method == "dmarc" && !replaced) {
      rebuilt.add(toMethodResult(finding));
      replaced = true;
    } else if (r.method != "dmarc") {
      rebuilt.add(r);
    }
  }
  if (!replaced) rebuilt.add(toMethodResult(finding));
  results = std::move(rebuilt);
}

}  // namespace vouch::dmarc
