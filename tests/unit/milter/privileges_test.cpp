// Privilege drop (src/milter/privileges.h): name resolution errors, and a real drop in a
// forked child (when the test runs as root) proving root cannot be regained.
#include "milter/privileges.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

namespace vouch::milter {
namespace {

TEST(ResolveRunAs, Errors) {
  RunAs r;
  std::string error;
  EXPECT_FALSE(resolveRunAs("no-such-user-vouch-test", "", r, error));
  EXPECT_NE(error.find("does not exist"), std::string::npos);
  EXPECT_FALSE(resolveRunAs("root", "", r, error));
  EXPECT_NE(error.find("is root"), std::string::npos);
  EXPECT_FALSE(resolveRunAs("nobody", "no-such-group-vouch-test", r, error));
}

TEST(ResolveRunAs, Nobody) {
  RunAs r;
  std::string error;
  ASSERT_TRUE(resolveRunAs("nobody", "", r, error)) << error;
  EXPECT_EQ(r.user, "nobody");
  EXPECT_NE(r.uid, 0u);
}

TEST(DropPrivileges, InChildCannotRegainRoot) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  RunAs r;
  std::string error;
  ASSERT_TRUE(resolveRunAs("nobody", "", r, error)) << error;
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::string e;
    if (!dropPrivileges(r, e)) _exit(10);
    if (getuid() != r.uid || geteuid() != r.uid) _exit(11);
    if (setuid(0) == 0) _exit(12);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace vouch::milter
