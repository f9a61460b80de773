// Opening a URL with the system's opener, POSIX (platform/browser.h).
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "platform/browser.h"

extern char** environ;

namespace palabre::platform {

Status OpenInBrowser(const std::string& url) {
#if defined(__APPLE__)
  const char* opener = "open";
#else
  const char* opener = "xdg-open";
  if (std::getenv("DISPLAY") == nullptr &&
      std::getenv("WAYLAND_DISPLAY") == nullptr) {
    return UnavailableError("no graphical session to open a browser in");
  }
#endif
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  for (int fd = 0; fd <= 2; ++fd) {
    posix_spawn_file_actions_addopen(&actions, fd, "/dev/null",
                                     fd == 0 ? O_RDONLY : O_WRONLY, 0);
  }
  char* argv[] = {const_cast<char*>(opener), const_cast<char*>(url.c_str()),
                  nullptr};
  pid_t pid = 0;
  const int error =
      posix_spawnp(&pid, opener, &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) {
    return UnavailableError(std::string("cannot start ") + opener);
  }
  // xdg-open returns once the browser is started (or handed the URL):
  // reap it so it leaves no zombie.
  int status = 0;
  if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
      WEXITSTATUS(status) != 0) {
    return UnavailableError(std::string(opener) + " could not open a browser");
  }
  return Status::Ok();
}

}  // namespace palabre::platform
