// POSIX implementation of platform/paths.h: the default vault directory from
// the XDG base directory variables.
//
// Only absolute values count: the XDG specification says a relative
// XDG_DATA_HOME is invalid and must be ignored, and a relative HOME would put
// the vault wherever the command happened to run.
#include <cstdlib>
#include <string>

#include "platform/file_util.h"
#include "platform/paths.h"

namespace palabre::platform {
namespace {

bool IsAbsolute(const std::string& path) {
  return !path.empty() && path.front() == '/';
}

}  // namespace

StatusOr<std::string> DefaultVaultDirectory() {
  std::string data_home = GetEnv("XDG_DATA_HOME");
  if (IsAbsolute(data_home)) {
    return AbsolutePath(JoinPath(data_home, "palabre"));
  }
  std::string home = GetEnv("HOME");
  if (IsAbsolute(home)) {
    return AbsolutePath(JoinPath(home, ".local/share/palabre"));
  }
  return NotFoundError(
      "no default vault directory: neither XDG_DATA_HOME nor HOME is set to "
      "an absolute path");
}

std::string GetEnv(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

}  // namespace palabre::platform
