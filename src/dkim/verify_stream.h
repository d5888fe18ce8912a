// VerifyStream: one message's DKIM verification, fed stage by stage (headers as they
// arrive, body chunk by chunk, never buffered whole) into one libopendkim handle it
// owns. Starts key lookups at each DKIM-Signature header (prefetch); the waits happen
// in dkim_eom against the message deadline. One thread at a time (per message); the
// Library it uses is shared. Hostile input yields findings (RFC 8601 results), never
// exceptions; past the header limits it stops feeding and reports permerror.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/findings.h"
#include "dkim/dkim_library.h"
#include "dkim/verify_options.h"
#include "dkim/verify_signature_tags.h"

namespace vouch::dkim {

class VerifyStream {
 public:
  VerifyStream(std::shared_ptr<const Library> library, VerifyOptions options,
               dns::Deadline deadline);
  ~VerifyStream();
  VerifyStream(const VerifyStream&) = delete;
  VerifyStream& operator=(const VerifyStream&) = delete;

  // value as the MTA gives it: leading whitespace kept, folding with LF or CRLF.
  void header(std::string_view name, std::string_view value);
  // The front end dropped headers past limits.*: stop feeding, report permerror.
  void headersOverLimit();
  void endOfHeaders();
  // CRLF body text; bare LF is turned into CRLF (files fed by `vouch check`).
  void body(std::span<const char> chunk);
  // One finding per DKIM-Signature header, in header order; empty for unsigned mail.
  std::vector<core::DkimFinding> finish();

  std::size_t signatureCount() const { return seen_.size(); }
  const KeyLookupContext& lookups() const { return lookups_; }

 private:
  enum class State { Headers, Body, Unsigned, Stopped, Finished };
  struct DkimFree {
    void operator()(DKIM* d) const { dkim_free(d); }
  };

  void stop(core::Result result, std::string reason);
  std::vector<core::DkimFinding> unjudged() const;
  std::vector<core::DkimFinding> judged();

  std::shared_ptr<const Library> library_;
  VerifyOptions options_;
  KeyLookupContext lookups_;
  VerifyScreen screen_;
  std::unique_ptr<DKIM, DkimFree> dkim_;
  std::vector<SignatureTags> seen_;
  State state_ = State::Headers;
  core::Result stopResult_ = core::Result::TempError;
  std::string stopReason_;
  std::size_t headerCount_ = 0;
  std::size_t headerBytes_ = 0;
  bool lastWasCr_ = false;  // body: the previous chunk ended in CR
  std::string scratch_;     // reused conversion buffer, at most 2x one chunk
};

}  // namespace vouch::dkim
