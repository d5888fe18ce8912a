// The thin libmilter adapters: SmfiEditor (MessageEditor over smfi_insheader,
// smfi_chgheader, smfi_quarantine, smfi_setreply/smfi_setmlreply), SmfiMacros
// (MacroReader over smfi_getsymval) and the Disposition -> sfsistat mapping.
// Each wraps one SMFICTX* it does not own, for the duration of one callback, on the
// callback's thread. Text reaches them already made safe (reply.h, header_edits.h).
#pragma once

#include <libmilter/mfapi.h>

#include <optional>
#include <string>
#include <string_view>

#include "milter/connection_handler.h"
#include "milter/header_edits.h"
#include "milter/reply.h"

namespace vouch::milter {

sfsistat toSfsistat(Disposition d);

class SmfiEditor final : public MessageEditor {
 public:
  explicit SmfiEditor(SMFICTX* ctx) : ctx_(ctx) {}
  bool insertHeader(std::size_t index, const std::string& name, const std::string& value) override;
  bool deleteHeader(const std::string& name, std::size_t index) override;
  bool quarantine(const std::string& reason) override;
  bool setReply(const SmtpReply& reply) override;

 private:
  SMFICTX* ctx_;
};

class SmfiMacros final : public MacroReader {
 public:
  explicit SmfiMacros(SMFICTX* ctx) : ctx_(ctx) {}
  std::optional<std::string> get(std::string_view name) const override;

 private:
  SMFICTX* ctx_;
};

}  // namespace vouch::milter
