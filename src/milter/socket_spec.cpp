// milter.socket parsing and unix socket ownership (socket_spec.h). Parsing is pure and
// treats the setting as untrusted text; ownership changes run once, as root, before the
// privilege drop. Every failure is returned as a message naming the value.
#include "milter/socket_spec.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace vouch::milter {

namespace {

bool parsePort(std::string_view text, int& port) {
  int v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v < 1 || v > 65535) return false;
  port = v;
  return true;
}

}  // namespace

bool parseSocketSpec(std::string_view text, SocketSpec& out, std::string& error) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    error = "milter.socket \"" + std::string(text) + "\": expected inet:PORT@HOST, inet6:PORT@HOST or unix:PATH";
    return false;
  }
  const std::string_view proto = text.substr(0, colon);
  const std::string_view rest = text.substr(colon + 1);
  out = SocketSpec{};
  if (proto == "unix" || proto == "local") {
    if (rest.empty() || rest[0] != '/') {
      error = "milter.socket \"" + std::string(text) + "\": a unix socket needs an absolute path";
      return false;
    }
    out.kind = SocketSpec::Kind::Unix;
    out.path = std::string(rest);
    out.libmilter = "unix:" + out.path;
    return true;
  }
  if (proto != "inet" && proto != "inet6") {
    error = "milter.socket \"" + std::string(text) + "\": unknown protocol \"" + std::string(proto) + "\"";
    return false;
  }
  out.kind = proto == "inet" ? SocketSpec::Kind::Inet : SocketSpec::Kind::Inet6;
  const auto at = rest.find('@');
  if (at == std::string_view::npos || at + 1 == rest.size()) {
    error = "milter.socket \"" + std::string(text) +
            "\": give the address to listen on (e.g. " + std::string(proto) + ":" +
            std::string(rest.substr(0, at)) + "@127.0.0.1); without one libmilter listens on every interface";
    return false;
  }
  if (!parsePort(rest.substr(0, at), out.port)) {
    error = "milter.socket \"" + std::string(text) + "\": port must be 1-65535";
    return false;
  }
  out.host = std::string(rest.substr(at + 1));
  if (out.host.find_first_of(" \t/") != std::string::npos) {
    error = "milter.socket \"" + std::string(text) + "\": bad host";
    return false;
  }
  out.libmilter = std::string(text);
  return true;
}

bool parseSocketMode(std::string_view text, mode_t& out) {
  if (text.starts_with("0o")) text.remove_prefix(2);
  if (text.empty() || text.size() > 4) return false;
  unsigned v = 0;
  for (char c : text) {
    if (c < '0' || c > '7') return false;
    v = v * 8 + static_cast<unsigned>(c - '0');
  }
  if (v > 0777) return false;
  out = static_cast<mode_t>(v);
  return true;
}

bool applySocketOwnership(const std::string& path, uid_t uid, gid_t gid, mode_t mode,
                          std::string& error) {
  // (uid_t)-1 and (gid_t)-1 mean "keep": no chown call at all, so an unprivileged
  // daemon under a seccomp filter without @chown still starts.
  const bool keep = uid == static_cast<uid_t>(-1) && gid == static_cast<gid_t>(-1);
  if (!keep && chown(path.c_str(), uid, gid) != 0) {
    error = "chown " + path + ": " + std::strerror(errno);
    return false;
  }
  if (chmod(path.c_str(), mode) != 0) {
    error = "chmod " + path + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace vouch::milter
