// DNS Tree Walk (RFC 9989 4.10): target list, the walk itself and the Organizational
// Domain selection. Pure over a RecordSource (which owns the lookups); thread model is
// the caller's. The only outside input is DNS data, already classified; the walk length
// is capped by the caller's maxQueries (dmarc.max_tree_walk, bounded in settings.def).

#include "dmarc/tree_walk.h"

#include <algorithm>

namespace vouch::dmarc {

std::size_t labelCount(std::string_view domain) {
  if (domain.empty()) return 0;
  return static_cast<std::size_t>(std::count(domain.begin(), domain.end(), '.')) + 1;
}

std::string lastLabels(std::string_view domain, std::size_t n) {
  if (n == 0) return {};
  std::size_t pos = domain.size();
  for (std::size_t seen = 0; seen < n; ++seen) {
    const auto dot = pos == 0 ? std::string_view::npos : domain.rfind('.', pos - 1);
    if (dot == std::string_view::npos) return std::string(domain);  // fewer than n labels
    if (seen + 1 == n) return std::string(domain.substr(dot + 1));
    pos = dot;
  }
  return std::string(domain);
}

std::vector<std::string> walkTargets(const std::string& domain, std::size_t maxQueries) {
  std::vector<std::string> out;
  const std::size_t x = labelCount(domain);
  if (x == 0 || maxQueries == 0) return out;
  out.push_back(domain);
  const std::size_t cap = maxQueries > 1 ? maxQueries - 1 : 1;
  for (std::size_t n = std::min(x - 1, cap); n >= 1 && out.size() < maxQueries; --n) {
    out.push_back(lastLabels(domain, n));
  }
  return out;
}

WalkResult treeWalk(RecordSource& source, const std::string& start, std::size_t maxQueries, bool skipStart) {
  WalkResult walk;
  const std::vector<std::string> targets = walkTargets(start, maxQueries);
  for (std::size_t i = skipStart ? 1 : 0; i < targets.size(); ++i) {
    const SiteLookup& site = source.at(targets[i]);
    ++walk.queried;
    if (site.kind == SiteLookup::Kind::TempError) {
      walk.tempError = true;
      walk.tempDomain = targets[i];
      return walk;
    }
    if (site.kind != SiteLookup::Kind::Record) continue;
    walk.records.emplace_back(targets[i], &site);
    if (site.parsed.record.psd != Psd::Unset) break;
  }
  return walk;
}

std::string selectOrgDomain(const std::string& start, const WalkResult& walk) {
  for (const auto& [domain, site] : walk.records) {
    const Psd psd = site->parsed.record.psd;
    if (psd == Psd::No) return domain;
    if (psd == Psd::Yes && domain != start) return lastLabels(start, labelCount(domain) + 1);
  }
  if (!walk.records.empty()) return walk.records.back().first;
  return start;
}

}  // namespace vouch::dmarc
