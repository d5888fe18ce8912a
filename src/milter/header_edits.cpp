// Header edit application order and value hygiene for end of message (header_edits.h).
// Stateless; called on the worker thread that runs the end-of-message callback. Edits
// are produced by the core from untrusted mail, so names and values are re-checked;
// refused edits are reported in the EditReport, never thrown.
#include "milter/header_edits.h"

#include <algorithm>
#include <cctype>
#include <strings.h>

namespace vouch::milter {

bool validHeaderName(std::string_view name) {
  if (name.empty() || name.size() > 128) return false;
  return std::all_of(name.begin(), name.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c > 0x20 && c < 0x7f && c != ':';
  });
}

bool prepareHeaderValue(std::string_view value, bool leadingSpace, std::string& out) {
  out.clear();
  out.reserve(value.size() + 1);
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == '\0') return false;
    if (c == '\r') continue;  // CRLF folding -> LF folding; a lone CR is dropped
    if (c == '\n') {
      // A line break must be a fold: the next character has to be whitespace,
      // otherwise the value would start a new header line (header injection).
      if (i + 1 >= value.size() || (value[i + 1] != ' ' && value[i + 1] != '\t')) return false;
    }
    out += c;
  }
  const auto firstNonBlank = out.find_first_not_of(" \t");
  if (leadingSpace) {
    if (firstNonBlank == 0 || out.empty()) out.insert(out.begin(), ' ');
  } else if (firstNonBlank != std::string::npos) {
    out.erase(0, firstNonBlank);
  } else {
    out.clear();
  }
  return true;
}

namespace {

bool sameName(const std::string& a, const std::string& b) {
  return strcasecmp(a.c_str(), b.c_str()) == 0;
}

}  // namespace

EditReport applyHeaderEdits(const std::vector<core::HeaderEdit>& edits, bool leadingSpace,
                            MessageEditor& editor) {
  EditReport report;
  std::vector<const core::HeaderEdit*> deletes;
  std::vector<const core::HeaderEdit*> inserts;
  for (const auto& e : edits) {
    if (!validHeaderName(e.name)) {
      report.problems.push_back("refused header name \"" + printableAscii(e.name, 64) + "\"");
      continue;
    }
    if (e.kind == core::HeaderEdit::Kind::Delete) {
      if (e.index == 0) {
        report.problems.push_back("refused deletion of " + e.name + " #0");
        continue;
      }
      deletes.push_back(&e);
    } else {
      inserts.push_back(&e);
    }
  }
  // Group per name in first-seen order, highest index first, duplicates dropped.
  std::vector<const core::HeaderEdit*> ordered;
  for (std::size_t i = 0; i < deletes.size(); ++i) {
    if (std::any_of(ordered.begin(), ordered.end(),
                    [&](const core::HeaderEdit* e) { return sameName(e->name, deletes[i]->name); }))
      continue;
    std::vector<const core::HeaderEdit*> group;
    for (std::size_t j = i; j < deletes.size(); ++j)
      if (sameName(deletes[j]->name, deletes[i]->name)) group.push_back(deletes[j]);
    std::sort(group.begin(), group.end(),
              [](const core::HeaderEdit* a, const core::HeaderEdit* b) { return a->index > b->index; });
    group.erase(std::unique(group.begin(), group.end(),
                            [](const core::HeaderEdit* a, const core::HeaderEdit* b) {
                              return a->index == b->index;
                            }),
                group.end());
    ordered.insert(ordered.end(), group.begin(), group.end());
  }
  for (const auto* e : ordered) {
    if (editor.deleteHeader(e->name, e->index)) {
      ++report.deleted;
    } else {
      report.problems.push_back("MTA refused deletion of " + e->name + " #" + std::to_string(e->index));
    }
  }
  std::string value;
  for (const auto* e : inserts) {
    if (!prepareHeaderValue(e->value, leadingSpace, value)) {
      report.problems.push_back("refused unsafe value for " + e->name);
      continue;
    }
    if (editor.insertHeader(0, e->name, value)) {
      ++report.inserted;
    } else {
      report.problems.push_back("MTA refused insertion of " + e->name);
    }
  }
  return report;
}

bool applyReplyPlan(const ReplyPlan& plan, MessageEditor& editor, std::string& problem) {
  bool ok = true;
  if (plan.quarantine && !editor.quarantine(plan.quarantineReason)) {
    problem = "MTA refused quarantine";
    ok = false;
  }
  const bool wantsReply =
      plan.disposition == Disposition::Reject || plan.disposition == Disposition::TempFail;
  if (wantsReply && !plan.reply.empty() && !editor.setReply(plan.reply)) {
    problem = "MTA refused reply " + plan.reply.code + " " + plan.reply.enhanced;
    ok = false;
  }
  return ok;
}

}  // namespace vouch::milter
