// libmilter adapters (smfi_glue.h). Stateless apart from the borrowed SMFICTX*; called
// only from inside a libmilter callback on that callback's thread. mfapi.h takes
// char* everywhere, hence the const_casts: libmilter copies and never writes them.
// A refused call is reported as false, never thrown.
#include "milter/smfi_glue.h"

#include <array>

namespace vouch::milter {

sfsistat toSfsistat(Disposition d) {
  switch (d) {
    case Disposition::Continue: return SMFIS_CONTINUE;
    case Disposition::Accept: return SMFIS_ACCEPT;
    case Disposition::Discard: return SMFIS_DISCARD;
    case Disposition::TempFail: return SMFIS_TEMPFAIL;
    case Disposition::Reject: return SMFIS_REJECT;
  }
  return SMFIS_TEMPFAIL;
}

namespace {
char* mut(const std::string& s) { return const_cast<char*>(s.c_str()); }
}  // namespace

bool SmfiEditor::insertHeader(std::size_t index, const std::string& name,
                              const std::string& value) {
  return smfi_insheader(ctx_, static_cast<int>(index), mut(name), mut(value)) == MI_SUCCESS;
}

bool SmfiEditor::deleteHeader(const std::string& name, std::size_t index) {
  return smfi_chgheader(ctx_, mut(name), static_cast<int>(index), nullptr) == MI_SUCCESS;
}

bool SmfiEditor::quarantine(const std::string& reason) {
  return smfi_quarantine(ctx_, mut(reason)) == MI_SUCCESS;
}

bool SmfiEditor::setReply(const SmtpReply& reply) {
  if (reply.lines.size() <= 1) {
    char* text = reply.lines.empty() ? nullptr : mut(reply.lines.front());
    return smfi_setreply(ctx_, mut(reply.code), mut(reply.enhanced), text) == MI_SUCCESS;
  }
  // smfi_setmlreply is variadic and NULL-terminated: pass every slot, unused ones NULL.
  static_assert(kMaxReplyLines == 8, "update the smfi_setmlreply call below");
  std::array<char*, kMaxReplyLines> p{};
  for (std::size_t i = 0; i < reply.lines.size() && i < p.size(); ++i) p[i] = mut(reply.lines[i]);
  return smfi_setmlreply(ctx_, reply.code.c_str(), reply.enhanced.c_str(), p[0], p[1], p[2], p[3],
                         p[4], p[5], p[6], p[7], nullptr) == MI_SUCCESS;
}

std::optional<std::string> SmfiMacros::get(std::string_view name) const {
  const std::string key(name);
  const char* v = smfi_getsymval(ctx_, mut(key));
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

}  // namespace vouch::milter
