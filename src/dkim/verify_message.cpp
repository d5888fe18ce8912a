// verifyMessage / feedMessage (see the header). Splits the header block line by line
// (a line starting with SP or HT continues the previous header) and hands the body over
// in bounded chunks, so even here the body is streamed, not copied. Malformed lines
// (no colon) are skipped; nothing here allocates in proportion to the body.
#include "dkim/verify_message.h"

#include <algorithm>

namespace vouch::dkim {
namespace {

// One line including its line end; `rest` advances past it.
std::string_view nextLine(std::string_view& rest) {
  const std::size_t nl = rest.find('\n');
  const std::size_t len = nl == std::string_view::npos ? rest.size() : nl + 1;
  std::string_view line = rest.substr(0, len);
  rest.remove_prefix(len);
  return line;
}

bool isBlankLine(std::string_view line) { return line == "\n" || line == "\r\n" || line.empty(); }

std::string_view withoutLineEnd(std::string_view s) {
  if (!s.empty() && s.back() == '\n') s.remove_suffix(1);
  if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
  return s;
}

}  // namespace

void feedMessage(VerifyStream& stream, std::string_view message, std::size_t chunkSize) {
  std::string_view rest = message;
  std::string_view name;
  const char* valueStart = nullptr;
  const char* valueEnd = nullptr;
  auto flush = [&] {
    if (valueStart != nullptr) {
      stream.header(name, withoutLineEnd(std::string_view(valueStart, static_cast<std::size_t>(valueEnd - valueStart))));
    }
    valueStart = valueEnd = nullptr;
  };
  while (!rest.empty()) {
    std::string_view line = nextLine(rest);
    if (isBlankLine(line)) break;
    if ((line.front() == ' ' || line.front() == '\t') && valueStart != nullptr) {
      valueEnd = line.data() + line.size();
      continue;
    }
    flush();
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;
    name = line.substr(0, colon);
    valueStart = line.data() + colon + 1;
    valueEnd = line.data() + line.size();
  }
  flush();
  stream.endOfHeaders();
  chunkSize = std::max<std::size_t>(chunkSize, 1);
  while (!rest.empty()) {
    const std::size_t n = std::min(chunkSize, rest.size());
    stream.body(std::span<const char>(rest.data(), n));
    rest.remove_prefix(n);
  }
}

std::vector<core::DkimFinding> verifyMessage(std::shared_ptr<const Library> library,
                                             const VerifyOptions& options,
                                             std::string_view message) {
  VerifyStream stream(std::move(library), options, dns::Clock::now() + options.dnsDeadline);
  feedMessage(stream, message);
  return stream.finish();
}

}  // namespace vouch::dkim
