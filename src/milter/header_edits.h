// Applying the Session's header edits and verdict at end of message through a small
// MessageEditor interface: SmfiEditor (smfi_editor.h) forwards to libmilter, tests pass
// a recording fake. Owns no state; one thread at a time (the end-of-message callback).
// Header names and values come from the core but are checked again here (no CR, no
// NUL, sane names); an edit the MTA refuses is reported back, never thrown.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/actions.h"
#include "milter/reply.h"

namespace vouch::milter {

// The end-of-message operations libmilter offers, as vouch uses them. Each returns
// false when the MTA refused (MI_FAILURE).
class MessageEditor {
 public:
  virtual ~MessageEditor() = default;
  // index 0 = above every header, including the MTA's own Received:.
  virtual bool insertHeader(std::size_t index, const std::string& name,
                            const std::string& value) = 0;
  // Deletes the index-th (1-based) header called name.
  virtual bool deleteHeader(const std::string& name, std::size_t index) = 0;
  virtual bool quarantine(const std::string& reason) = 0;
  // lines already escaped (reply.h); one line -> smfi_setreply, more -> smfi_setmlreply.
  virtual bool setReply(const SmtpReply& reply) = 0;
};

struct EditReport {
  std::size_t inserted = 0;
  std::size_t deleted = 0;
  std::vector<std::string> problems;  // edits refused by us or by the MTA
};

// A header value ready for the MTA: CRLF folding turned into LF folding (the MTA adds
// its own CR), a lone CR dropped, NUL refused; with leadingSpace (SMFIP_HDR_LEADSPC
// negotiated) the value starts with exactly the whitespace it had or one space, without
// it the leading whitespace is removed because the MTA adds one. Empty optional-like
// result: returns false when the value cannot be sent.
bool prepareHeaderValue(std::string_view value, bool leadingSpace, std::string& out);

// RFC 5322 field name: printable ASCII except ':' and space, 1-128 characters.
bool validHeaderName(std::string_view name);

// Applies edits in a safe order: every Delete first (so an index never counts a header
// we just inserted), grouped per name from the highest index down (Postfix renumbers
// after each deletion: CVE-2022-48521), then every InsertTop at index 0 in the given
// order (each lands above all headers present, earlier inserts included).
EditReport applyHeaderEdits(const std::vector<core::HeaderEdit>& edits, bool leadingSpace,
                            MessageEditor& editor);

// Applies a reply plan's side effects: quarantine and the SMTP reply. False when the
// MTA refused one of them (the disposition still stands).
bool applyReplyPlan(const ReplyPlan& plan, MessageEditor& editor, std::string& problem);

}  // namespace vouch::milter
