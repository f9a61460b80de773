// ErrnoText over strerror_r (see errno_text.h).
#include <cstring>

#include "platform/errno_text.h"

namespace palabre::platform {
namespace {

// strerror_r comes in an XSI flavour (returns int) and a GNU flavour
// (returns char*); these overloads accept either result.
[[maybe_unused]] const char* StrerrorResult(int /*result*/, const char* buf) {
  return buf;
}
[[maybe_unused]] const char* StrerrorResult(const char* result,
                                            const char* /*buf*/) {
  return result;
}

}  // namespace

std::string ErrnoText(int err) {
  char buf[256] = {};
  return StrerrorResult(strerror_r(err, buf, sizeof(buf)), buf);
}

}  // namespace palabre::platform
