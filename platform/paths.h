// Where palabre keeps its data by default, following the XDG base directory
// specification on POSIX systems.
#ifndef PALABRE_PLATFORM_PATHS_H_
#define PALABRE_PLATFORM_PATHS_H_

#include <string>

#include "platform/status.h"

namespace palabre::platform {

// The default vault directory: $XDG_DATA_HOME/palabre if XDG_DATA_HOME is set
// to an absolute path, else $HOME/.local/share/palabre. kNotFound if neither
// variable gives an absolute path.
StatusOr<std::string> DefaultVaultDirectory();

// The value of environment variable `name`, or "" if unset.
std::string GetEnv(const char* name);

}  // namespace palabre::platform

#endif  // PALABRE_PLATFORM_PATHS_H_
