// Dropping root: resolve general.user / general.group to ids, then initgroups, setgid
// and setuid, and prove root cannot be regained. Runs once on the main thread before
// any other thread exists (setuid only changes the calling thread at the kernel level;
// glibc broadcasts it, but one thread keeps it simple). Returns errors as text; a
// failed drop must stop the program, never continue as root.
#pragma once

#include <sys/types.h>

#include <string>

namespace vouch::milter {

struct RunAs {
  std::string user;
  uid_t uid = 0;
  gid_t gid = 0;
};

// group empty = the user's primary group.
bool resolveRunAs(const std::string& user, const std::string& group, RunAs& out,
                  std::string& error);

// Must be called as root. After success the process runs as who.uid/who.gid with
// who.user's supplementary groups, and setuid(0) is verified to fail.
bool dropPrivileges(const RunAs& who, std::string& error);

}  // namespace vouch::milter
