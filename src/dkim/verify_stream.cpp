// VerifyStream (see the header). libopendkim wants CRLF folding inside header values and
// CRLF line ends in the body; the milter gives LF folding, so both are converted here.
// The prescreen context (screen_) and the lookup context (lookups_) live in this object,
// which outlives every libopendkim call that can reach them.
#include "dkim/verify_stream.h"


#include "dkim/verify_outcome.h"

namespace vouch::dkim {
namespace {

// Appends text with every bare LF turned into CRLF; prevCr says whether the byte
// before `text` was a CR. Returns whether the last byte appended was a CR.
bool appendCrlf(std::string& out, std::string_view text, bool prevCr) {
  for (char c : text) {
    if (c == '\n' && !prevCr) out.push_back('\r');
    out.push_back(c);
    prevCr = c == '\r';
  }
  return prevCr;
}

std::string tagValue(DKIM_SIGINFO* sig, const char* tag) {
  u_char* v = dkim_sig_gettagvalue(sig, false, reinterpret_cast<u_char*>(const_cast<char*>(tag)));
  return v != nullptr ? std::string(reinterpret_cast<const char*>(v)) : std::string();
}

// Tags as libopendkim parsed them, for when its list does not line up with ours.
SignatureTags tagsFromLibrary(DKIM_SIGINFO* sig) {
  std::string text;
  for (const char* t : {"d", "s", "a", "i", "b", "l"}) {
    std::string v = tagValue(sig, t);
    if (!v.empty()) text += std::string(t) + "=" + v + ";";
  }
  return parseSignatureTags(text);
}

SignatureReport reportOf(DKIM* dkim, DKIM_SIGINFO* sig) {
  SignatureReport r;
  const unsigned flags = dkim_sig_getflags(sig);
  r.passed = (flags & DKIM_SIGFLAG_PASSED) != 0;
  r.processed = (flags & DKIM_SIGFLAG_PROCESSED) != 0;
  r.ignored = (flags & DKIM_SIGFLAG_IGNORE) != 0;
  r.sigError = dkim_sig_geterror(sig);
  r.bodyHash = dkim_sig_getbh(sig);
  dkim_alg_t alg = DKIM_SIGN_UNKNOWN;
  if (dkim_sig_getsignalg(sig, &alg) == DKIM_STAT_OK) r.algorithm = static_cast<int>(alg);
  unsigned int bits = 0;
  if (dkim_sig_getkeysize(sig, &bits) == DKIM_STAT_OK) r.keyBits = bits;
  ssize_t msgLen = -1;
  ssize_t canonLen = -1;
  ssize_t signLen = -1;
  if (dkim_sig_getcanonlen(dkim, sig, &msgLen, &canonLen, &signLen) == DKIM_STAT_OK) {
    r.bodyLength = msgLen;
    r.signedLength = signLen;
  }
  return r;
}

}  // namespace

VerifyStream::VerifyStream(std::shared_ptr<const Library> library, VerifyOptions options,
                           dns::Deadline deadline)
    : library_(std::move(library)), options_(options) {
  lookups_.deadline = deadline;
  screen_.maxSignatures = options_.maxSignatures;
  DKIM_STAT st = DKIM_STAT_OK;
  static const unsigned char kJobId[] = "vouch";
  dkim_.reset(dkim_verify(library_->handle(), kJobId, nullptr, &st));
  if (!dkim_) {
    stop(core::Result::TempError, "cannot start verification (libopendkim)");
    return;
  }
  dkim_set_user_context(dkim_.get(), &screen_);
}

VerifyStream::~VerifyStream() = default;

void VerifyStream::stop(core::Result result, std::string reason) {
  state_ = State::Stopped;
  stopResult_ = result;
  stopReason_ = std::move(reason);
}

void VerifyStream::header(std::string_view name, std::string_view value) {
  ++headerCount_;
  headerBytes_ += name.size() + value.size();  // counted as core::Session counts them
  if (headerCount_ > options_.maxHeaders || headerBytes_ > options_.maxHeaderBytes) {
    headersOverLimit();
  }
  if (isSignatureHeader(name)) {
    SignatureTags tags = parseSignatureTags(value);
    if (state_ == State::Headers && seen_.size() < options_.maxSignatures) {
      const std::string key = tags.keyName();
      bool started = key.empty();
      for (const auto& p : lookups_.prefetched) started = started || p.qname == key;
      if (!started) lookups_.prefetched.push_back({key, library_->resolver().start(key, dns::RrType::TXT)});
    }
    // Bounded like the header list itself; libopendkim never sees more than that either.
    if (seen_.size() < options_.maxHeaders) seen_.push_back(std::move(tags));
  }
  if (state_ != State::Headers) return;
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.remove_suffix(1);
  std::string text;
  text.reserve(name.size() + value.size() + 16);
  text.append(name);
  text.push_back(':');
  appendCrlf(text, value, false);
  // A header libopendkim refuses (e.g. 8-bit name) is simply not part of any signature.
  (void)dkim_header(dkim_.get(), reinterpret_cast<u_char*>(text.data()), text.size());
}

void VerifyStream::headersOverLimit() {
  if (state_ == State::Headers) {
    stop(core::Result::PermError, "message headers over limits (limits.max_headers/max_header_bytes)");
  }
}

void VerifyStream::endOfHeaders() {
  if (state_ != State::Headers) return;
  KeyLookupService::Binding bind(library_->keyLookup(), lookups_);
  const DKIM_STAT st = dkim_eoh(dkim_.get());
  if (st == DKIM_STAT_OK) {
    state_ = State::Body;
  } else if (st == DKIM_STAT_NOSIG) {
    state_ = State::Unsigned;
  } else if (st == DKIM_STAT_SYNTAX) {
    const char* err = dkim_geterror(dkim_.get());
    stop(core::Result::PermError,
         std::string("message unusable for DKIM: ") + (err != nullptr ? err : "syntax error"));
  } else {
    stop(core::Result::TempError, "verification failed (libopendkim status " +
                                      std::to_string(st) + ")");
  }
}

void VerifyStream::body(std::span<const char> chunk) {
  if (state_ != State::Body || chunk.empty()) return;
  scratch_.clear();
  lastWasCr_ = appendCrlf(scratch_, std::string_view(chunk.data(), chunk.size()), lastWasCr_);
  (void)dkim_body(dkim_.get(), reinterpret_cast<u_char*>(scratch_.data()), scratch_.size());
}

std::vector<core::DkimFinding> VerifyStream::unjudged() const {
  std::vector<core::DkimFinding> out;
  for (std::size_t i = 0; i < seen_.size(); ++i) {
    if (i < options_.maxSignatures) {
      out.push_back(unjudgedSignature(seen_[i], stopResult_, stopReason_));
    } else {
      auto f = unjudgedSignature(seen_[i], core::Result::None, "not checked: over dkim.max_signatures");
      f.checked = false;
      out.push_back(std::move(f));
    }
  }
  return out;
}

std::vector<core::DkimFinding> VerifyStream::judged() {
  KeyLookupService::Binding bind(library_->keyLookup(), lookups_);
  bool testKey = false;
  (void)dkim_eom(dkim_.get(), &testKey);  // its status covers one signature: read each
  DKIM_SIGINFO** sigs = nullptr;
  int n = 0;
  if (dkim_getsiglist(dkim_.get(), &sigs, &n) != DKIM_STAT_OK || sigs == nullptr || n <= 0) {
    stop(core::Result::TempError, "verification failed (no signature list)");
    return unjudged();
  }
  const bool aligned = static_cast<std::size_t>(n) == seen_.size();
  std::vector<core::DkimFinding> out;
  out.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    const SignatureTags tags = aligned ? seen_[static_cast<std::size_t>(i)] : tagsFromLibrary(sigs[i]);
    SignatureReport report = reportOf(dkim_.get(), sigs[i]);
    report.keyLookup = lookups_.failureFor(tags.keyName());
    out.push_back(judgeSignature(report, tags, options_));
  }
  return out;
}

std::vector<core::DkimFinding> VerifyStream::finish() {
  std::vector<core::DkimFinding> out;
  if (state_ == State::Headers) endOfHeaders();  // no end of headers seen: judge what arrived
  switch (state_) {
    case State::Headers:
      break;
    case State::Body:
      out = judged();
      break;
    case State::Unsigned:
      if (!seen_.empty()) {
        stop(core::Result::Neutral, "malformed signature (not recognised)");
        out = unjudged();
      }
      break;
    case State::Stopped:
      out = unjudged();
      break;
    case State::Finished:
      return out;
  }
  state_ = State::Finished;
  return out;
}

}  // namespace vouch::dkim
