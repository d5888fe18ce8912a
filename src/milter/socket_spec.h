// The milter.socket setting: "inet:PORT@HOST", "inet6:PORT@HOST", "unix:PATH" (or
// "local:PATH"), parsed and checked before libmilter sees it, plus the unix socket's
// owner/group/mode settings. Pure parsing (thread-safe); applySocketOwnership touches
// the file system as root right after the socket is created. Bad values are errors
// with a clear message, never guesses: an inet socket without a host is refused
// because libmilter would then listen on every interface.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

namespace vouch::milter {

struct SocketSpec {
  enum class Kind { Inet, Inet6, Unix };
  Kind kind = Kind::Inet;
  int port = 0;          // inet, inet6
  std::string host;      // inet, inet6: address or name
  std::string path;      // unix
  std::string libmilter; // the text for smfi_setconn
};

bool parseSocketSpec(std::string_view text, SocketSpec& out, std::string& error);

// "0660", "660", "0o660" -> mode bits; only permission bits (no setuid/sticky).
bool parseSocketMode(std::string_view text, mode_t& out);

// chown/chmod of a unix socket file; uid and gid both -1 = no chown. Error text on failure.
bool applySocketOwnership(const std::string& path, uid_t uid, gid_t gid, mode_t mode,
                          std::string& error);

}  // namespace vouch::milter
