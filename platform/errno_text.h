// ErrnoText: the OS description of an errno value, for error messages in the
// POSIX implementations of platform/ (internal to platform/).
#ifndef PALABRE_PLATFORM_ERRNO_TEXT_H_
#define PALABRE_PLATFORM_ERRNO_TEXT_H_

#include <string>

namespace palabre::platform {

// "No such file or directory" for ENOENT; thread-safe.
std::string ErrnoText(int err);

}  // namespace palabre::platform

#endif  // PALABRE_PLATFORM_ERRNO_TEXT_H_
