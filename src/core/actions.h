// Actions: how checks and the session ask for changes to the message. The core never
// touches the MTA; it records edits here and the front end applies them at end of
// message (the milter through smfi_*, `vouch check` by printing, tests by recording).
// Header indices follow milter semantics: 1-based among headers of the same name,
// counted in the message as received.
#pragma once

#include <string>
#include <vector>

namespace vouch::core {

struct HeaderEdit {
  enum class Kind { InsertTop, Delete };
  Kind kind = Kind::InsertTop;
  std::string name;
  std::string value;        // InsertTop: value with its leading space, CRLF-free folding "\n\t"
  std::size_t index = 0;    // Delete: 1-based occurrence among headers named `name`
};

class Actions {
 public:
  virtual ~Actions() = default;
  // Insert at index 0, above every other header (RFC 8601 section 5 wants A-R on top).
  virtual void insertHeaderTop(std::string name, std::string value) = 0;
  // Delete the index-th header called name; callers delete highest index first.
  virtual void deleteHeader(std::string name, std::size_t index) = 0;
};

// Keeps the edits in order; used by `vouch check`, tests and the milter's EOM.
class RecordingActions final : public Actions {
 public:
  void insertHeaderTop(std::string name, std::string value) override {
    edits_.push_back({HeaderEdit::Kind::InsertTop, std::move(name), std::move(value), 0});
  }
  void deleteHeader(std::string name, std::size_t index) override {
    edits_.push_back({HeaderEdit::Kind::Delete, std::move(name), {}, index});
  }
  const std::vector<HeaderEdit>& edits() const { return edits_; }

 private:
  std::vector<HeaderEdit> edits_;
};

}  // namespace vouch::core
