// DMARC Policy Record parsing (RFC 9989 4.7/4.8, with RFC 7489 6.3 for the old mode):
// tag-value text from a _dmarc TXT record to a typed Record. Pure; thread-safe; the text
// comes from DNS and is untrusted. Failure is a ParseStatus value: "not a DMARC record"
// (discarded by policy discovery), a usable record, or a record that cannot give a
// policy (a permerror when it is the one that applies). Tag-list syntax errors are
// ignored in favour of defaults (RFC 9989 4.8); the first of duplicate tags wins.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vouch::dmarc {

enum class Mode { Rfc9989, Rfc7489 };
enum class Policy { None, Quarantine, Reject };
enum class Alignment { Relaxed, Strict };
enum class Psd { Unset, Yes, No };  // psd=u (or absent), psd=y, psd=n

std::string_view toString(Policy p);

struct Record {
  Policy p = Policy::None;
  bool hasSp = false;
  Policy sp = Policy::None;
  bool hasNp = false;   // RFC 9989 only
  Policy np = Policy::None;
  Alignment adkim = Alignment::Relaxed;
  Alignment aspf = Alignment::Relaxed;
  Psd psd = Psd::Unset;  // RFC 9989 only
  bool testing = false;  // t=y, RFC 9989 only
  int pct = 100;         // RFC 7489 only
  std::vector<std::string> rua;  // syntactically valid URIs (size suffix dropped)
  std::vector<std::string> ruf;
  std::string fo = "0";
  std::vector<std::string> notes;  // tags ignored or defaulted, for the reason text
};

enum class ParseStatus {
  NotDmarc,      // does not start with v=DMARC1: discarded, as if absent
  Ok,            // usable (possibly with defaults replacing invalid optional values)
  NoPolicy,      // invalid p/sp/np and no valid rua: no DMARC processing (permerror)
};

struct ParseResult {
  ParseStatus status = ParseStatus::NotDmarc;
  Record record;
  std::string error;  // why, for NoPolicy
};

// Parses one TXT record's text (character-strings already joined).
ParseResult parseRecord(std::string_view text, Mode mode);

// True when text starts with the v=DMARC1 tag (the filter of RFC 9989 4.10 step 2).
bool looksLikeDmarc(std::string_view text);

}  // namespace vouch::dmarc
