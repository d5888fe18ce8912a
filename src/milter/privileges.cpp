// Privilege drop (privileges.h). Uses the reentrant getpwnam_r/getgrnam_r; called on the
// main thread before the resolver and libmilter threads start. Names come from the
// config (trusted admin input) but are still looked up strictly: unknown -> error.
#include "milter/privileges.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace vouch::milter {

bool resolveRunAs(const std::string& user, const std::string& group, RunAs& out,
                  std::string& error) {
  std::vector<char> buf(16384);
  passwd pw{};
  passwd* pwp = nullptr;
  if (getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &pwp) != 0 || pwp == nullptr) {
    error = "general.user \"" + user +
            "\" does not exist (create it: useradd --system " + user + ", or run scripts/install-deps)";
    return false;
  }
  out.user = user;
  out.uid = pw.pw_uid;
  out.gid = pw.pw_gid;
  if (!group.empty()) {
    struct group gr {};
    struct group* grp = nullptr;
    std::vector<char> gbuf(16384);
    if (getgrnam_r(group.c_str(), &gr, gbuf.data(), gbuf.size(), &grp) != 0 || grp == nullptr) {
      error = "general.group \"" + group + "\" does not exist";
      return false;
    }
    out.gid = gr.gr_gid;
  }
  if (out.uid == 0) {
    error = "general.user \"" + user + "\" is root; choose an unprivileged user or set general.allow_root";
    return false;
  }
  return true;
}

bool dropPrivileges(const RunAs& who, std::string& error) {
  if (initgroups(who.user.c_str(), who.gid) != 0) {
    error = std::string("initgroups: ") + std::strerror(errno);
    return false;
  }
  if (setgid(who.gid) != 0) {
    error = std::string("setgid: ") + std::strerror(errno);
    return false;
  }
  if (setuid(who.uid) != 0) {
    error = std::string("setuid: ") + std::strerror(errno);
    return false;
  }
  // Prove the drop is permanent: real, effective and saved ids changed, root is gone.
  if (getuid() != who.uid || geteuid() != who.uid || getgid() != who.gid ||
      getegid() != who.gid) {
    error = "privilege drop did not take effect";
    return false;
  }
  if (setuid(0) == 0 || seteuid(0) == 0 || setgid(0) == 0) {
    error = "root could be regained after the privilege drop";
    return false;
  }
  return true;
}

}  // namespace vouch::milter
