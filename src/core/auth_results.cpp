// AuthResults rendering (RFC 8601) and the authserv-id parser that finds forged A-R
// headers. Owns only strings; thread-safe on const data. Every outside value is hostile:
// written as a token, a dot-atom addr-spec or an escaped quoted-string, never raw, so it
// cannot add a result (';'), a comment or a header line. Folds are "\r\n\t" between
// tokens only; Session turns them into LF for the front ends (libmilter and Postfix want
// LF). Never throws on bad values.
#include "core/auth_results.h"

#include <vector>

#include "core/header_text.h"

namespace vouch::core {
namespace {

// Bounds on each rendered piece: an addr-spec is at most 64 + 1 + 255 bytes; a longer
// value is not a real identifier and is cut so no header line can exceed 998 bytes.
constexpr std::size_t kMaxValue = 320;
constexpr std::size_t kMaxText = 200;      // reason and comment
constexpr std::size_t kMaxKeyword = 64;
constexpr std::size_t kTabColumns = 8;
// The value starts after "Authentication-Results: " (23 + 1 columns).
constexpr std::size_t kStartColumn = 24;
constexpr std::string_view kEmptyAuthservId = "unknown";

// Joins tokens with one space, or with a fold when the line would pass foldAt columns.
class Folder {
 public:
  explicit Folder(std::size_t foldAt) : foldAt_(foldAt) {}

  void token(const std::string& t) {
    if (fresh_) {
      fresh_ = false;
    } else if (!out_.empty()) {
      if (col_ + 1 + t.size() > foldAt_ && col_ > kTabColumns) {
        out_ += "\r\n\t";
        col_ = kTabColumns;
      } else {
        out_ += ' ';
        ++col_;
      }
    }
    out_ += t;
    col_ += t.size();
  }
  // Starts a continuation line; the next token follows the tab directly.
  void fold() {
    out_ += "\r\n\t";
    col_ = kTabColumns;
    fresh_ = true;
  }
  // Appends to the last token with no space (the ';' that ends a resinfo).
  void glue(std::string_view t) {
    out_ += t;
    col_ += t.size();
  }
  std::string take() { return std::move(out_); }

 private:
  std::size_t foldAt_;
  std::size_t col_ = kStartColumn;
  std::string out_;
  bool fresh_ = false;
};

std::string renderAuthservId(std::string_view id) {
  if (id.empty()) return std::string(kEmptyAuthservId);
  return text::value(id, kMaxValue, false);
}

// Skips whitespace (including CR/LF of folding) and nested comments; false when a
// comment never closes.
bool skipCfws(std::string_view s, std::size_t& i) {
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
    } else if (c == '(') {
      int depth = 0;
      for (; i < s.size(); ++i) {
        if (s[i] == '\\') {
          ++i;
        } else if (s[i] == '(') {
          ++depth;
        } else if (s[i] == ')' && --depth == 0) {
          break;
        }
      }
      if (i >= s.size()) return false;
      ++i;
    } else {
      return true;
    }
  }
  return true;
}

}  // namespace

std::string_view toString(Result r) {
  switch (r) {
    case Result::None: return "none";
    case Result::Pass: return "pass";
    case Result::Fail: return "fail";
    case Result::SoftFail: return "softfail";
    case Result::Neutral: return "neutral";
    case Result::Policy: return "policy";
    case Result::TempError: return "temperror";
    case Result::PermError: return "permerror";
  }
  return "none";
}

// Layout: one line when the whole value fits in foldAt columns; otherwise every
// resinfo starts on its own continuation line (as most receivers write it), and a
// resinfo that is itself too long folds between its tokens.
std::string AuthResults::render(std::size_t foldAt) const {
  std::vector<std::vector<std::string>> entries;
  for (const MethodResult& r : results_) {
    std::string method = text::keyword(r.method, kMaxKeyword);
    if (method.empty()) continue;  // a check bug, not outside data: nothing safe to say
    std::vector<std::string> tokens;
    tokens.push_back(method + "=" + std::string(toString(r.result)));
    if (!r.comment.empty()) tokens.push_back("(" + text::commentText(r.comment, kMaxText) + ")");
    if (!r.reason.empty()) tokens.push_back("reason=" + text::quoted(r.reason, kMaxText));
    for (const Property& p : r.properties) {
      std::string ptype = text::keyword(p.ptype, kMaxKeyword);
      std::string prop = text::keyword(p.property, kMaxKeyword);
      if (ptype.empty() || prop.empty()) continue;
      tokens.push_back(ptype + "." + prop + "=" + text::value(p.value, kMaxValue, true));
    }
    entries.push_back(std::move(tokens));
  }
  if (entries.empty()) entries.push_back({"none"});

  const std::string id = renderAuthservId(authservId_);
  std::size_t oneLine = kStartColumn + id.size();
  for (const auto& e : entries) {
    oneLine += 1;  // ';'
    for (const auto& t : e) oneLine += 1 + t.size();
  }
  const bool breakEntries = oneLine > foldAt;

  Folder f(foldAt);
  f.token(id);
  for (const auto& e : entries) {
    f.glue(";");
    if (breakEntries) f.fold();
    for (const auto& t : e) f.token(t);
  }
  return f.take();
}

std::string claimedAuthservId(std::string_view v) {
  std::size_t i = 0;
  if (!skipCfws(v, i) || i >= v.size()) return {};
  std::string id;
  if (v[i] == '"') {
    for (++i; i < v.size() && v[i] != '"'; ++i) {
      if (v[i] == '\\' && i + 1 < v.size()) ++i;
      if (v[i] != '\r' && v[i] != '\n') id.push_back(v[i]);
    }
    if (i >= v.size()) return {};  // unterminated quoted-string
  } else {
    for (; i < v.size(); ++i) {
      char c = v[i];
      if (c == ';' || c == '(' || c == ' ' || c == '\t' || c == '\r' || c == '\n') break;
      id.push_back(c);
    }
  }
  return text::lower(id);
}

}  // namespace vouch::core
