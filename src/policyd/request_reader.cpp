// RequestReader: see request_reader.h. Bounded line splitting with resynchronisation.
#include "policyd/request_reader.h"

#include <algorithm>
#include <cctype>

namespace vouch::policyd {

namespace {
const std::string kEmpty;

bool validName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '-' || c == '.';
  });
}
}  // namespace

const std::string& Request::get(const std::string& name) const {
  auto it = attrs.find(name);
  return it == attrs.end() ? kEmpty : it->second;
}

void RequestReader::feed(std::string_view bytes) {
  buffer_.append(bytes);
  // Lines are consumed eagerly so a request never sits in the buffer whole.
  while (!ready_) {
    auto nl = buffer_.find('\n', scan_);
    if (nl == std::string::npos) {
      if (skippingLine_) {
        buffer_.clear();
      } else if (buffer_.size() > limits_.maxLine) {
        if (current_.error.empty()) current_.error = "line too long";
        skippingLine_ = true;
        buffer_.clear();
      }
      scan_ = buffer_.size();
      return;
    }
    std::string_view line(buffer_.data(), nl);
    bool wasSkipping = skippingLine_;
    skippingLine_ = false;
    if (!wasSkipping) {
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.size() > limits_.maxLine) {
        if (current_.error.empty()) current_.error = "line too long";
      } else {
        addLine(line);
      }
    }
    buffer_.erase(0, nl + 1);
    scan_ = 0;
  }
}

void RequestReader::addLine(std::string_view line) {
  if (line.empty()) {
    if (current_.attrs.empty() && current_.error.empty()) return;  // stray blank line
    ready_ = std::move(current_);
    current_ = Request{};
    currentBytes_ = 0;
    return;
  }
  currentBytes_ += line.size() + 1;
  if (!current_.error.empty()) return;
  if (currentBytes_ > limits_.maxRequestBytes) {
    current_.error = "request too large";
    return;
  }
  if (current_.attrs.size() >= limits_.maxAttributes) {
    current_.error = "too many attributes";
    return;
  }
  auto eq = line.find('=');
  if (eq == std::string_view::npos || !validName(line.substr(0, eq))) {
    current_.error = "malformed attribute line";
    return;
  }
  std::string name(line.substr(0, eq));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  current_.attrs[name] = std::string(line.substr(eq + 1));
}

std::optional<Request> RequestReader::next() {
  if (!ready_) {
    feed({});
    if (!ready_) return std::nullopt;
  }
  std::optional<Request> out = std::move(ready_);
  ready_.reset();
  return out;
}

}  // namespace vouch::policyd
