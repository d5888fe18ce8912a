// Replay of a stored message through a Session (see replay.h). Owns nothing beyond the
// call. The message is untrusted text: header/body splitting follows Postfix's rules so
// `vouch check` sees what the milter would see, and hostile text only ever produces a
// different split, never an error. Single-threaded per Session.
#include "pipeline/replay.h"

#include <algorithm>
#include <span>

namespace vouch::pipeline {
namespace {

// RFC 5322 field-name: printable ASCII except ':' and space, at least one character.
bool headerName(std::string_view line, std::size_t& colon) {
  colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  for (std::size_t i = 0; i < colon; ++i) {
    auto c = static_cast<unsigned char>(line[i]);
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

// Next line without its terminator (LF or CRLF); false at the end of the text.
bool nextLine(std::string_view text, std::size_t& pos, std::string_view& line, bool& terminated) {
  if (pos >= text.size()) return false;
  std::size_t nl = text.find('\n', pos);
  terminated = nl != std::string_view::npos;
  std::size_t end = terminated ? nl : text.size();
  line = text.substr(pos, end - pos);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  pos = terminated ? nl + 1 : text.size();
  return true;
}

}  // namespace

StoredMessage parseStoredMessage(std::string_view text) {
  StoredMessage msg;
  std::size_t pos = 0;
  std::string_view line;
  bool terminated = false;
  if (text.substr(0, 5) == "From ") nextLine(text, pos, line, terminated);

  std::size_t bodyStart = text.size();
  while (true) {
    std::size_t lineStart = pos;
    if (!nextLine(text, pos, line, terminated)) break;
    if (line.empty()) {
      bodyStart = pos;
      break;
    }
    if ((line.front() == ' ' || line.front() == '\t') && !msg.headers.empty()) {
      msg.headers.back().second += '\n';
      msg.headers.back().second += line;
      continue;
    }
    std::size_t colon = 0;
    if (!headerName(line, colon)) {
      bodyStart = lineStart;  // not a header: the body starts here
      break;
    }
    msg.headers.emplace_back(std::string(line.substr(0, colon)), std::string(line.substr(colon + 1)));
  }

  pos = bodyStart;
  while (nextLine(text, pos, line, terminated)) {
    msg.body += line;
    msg.body += "\r\n";
  }
  return msg;
}

std::string_view toString(core::Stage s) {
  switch (s) {
    case core::Stage::Connect: return "connect";
    case core::Stage::Helo: return "helo";
    case core::Stage::MailFrom: return "mail";
    case core::Stage::Rcpt: return "rcpt";
    case core::Stage::EndOfHeaders: return "eoh";
    case core::Stage::EndOfMessage: return "eom";
  }
  return "eom";
}

ReplayOutcome replay(core::Session& session, const Envelope& env, const StoredMessage& msg) {
  ReplayOutcome out;
  auto decided = [&out](core::Verdict v, core::Stage stage) {
    if (!v.decided()) return false;
    out.verdict = std::move(v);
    out.decidedAt = stage;
    return true;
  };

  core::Connection& conn = session.connection();
  conn.daemonName = env.daemonName;
  if (decided(session.connect(env.clientIp, env.clientName), core::Stage::Connect)) return out;
  if (decided(session.helo(env.helo), core::Stage::Helo)) return out;
  conn.authUser = env.authUser;  // {auth_authen} arrives with MAIL FROM
  if (decided(session.mailFrom(env.mailFrom), core::Stage::MailFrom)) return out;
  for (const auto& r : env.rcpts) {
    if (decided(session.rcpt(r), core::Stage::Rcpt)) return out;
  }
  session.transaction().queueId = env.queueId;
  // Header and body stages have no decider call, but a check may still stop there;
  // the Session then reports that verdict at the next deciding stage.
  for (const auto& [name, value] : msg.headers) session.header(name, value);
  if (decided(session.endOfHeaders(), core::Stage::EndOfHeaders)) return out;
  for (std::size_t off = 0; off < msg.body.size(); off += kBodyChunk) {
    std::size_t n = std::min(kBodyChunk, msg.body.size() - off);
    session.body(std::span<const char>(msg.body.data() + off, n));
  }
  decided(session.endOfMessage(out.actions), core::Stage::EndOfMessage);
  return out;
}

}  // namespace vouch::pipeline
