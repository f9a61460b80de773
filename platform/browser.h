// Opening a URL in the user's default browser (`palabre ui`).
//
// On a desktop the system's opener (xdg-open on Linux and BSD, open on
// macOS) starts the browser; on a server or in a terminal-only session
// there is none, and the caller prints the URL instead. The opener runs
// detached, its output discarded, and its arguments are passed directly
// (no shell), so the URL is never interpreted.
#ifndef PALABRE_PLATFORM_BROWSER_H_
#define PALABRE_PLATFORM_BROWSER_H_

#include <string>

#include "platform/status.h"

namespace palabre::platform {

// Starts the system's opener on `url` and returns without waiting for the
// browser. kUnavailable if there is no opener or no graphical session
// (neither DISPLAY nor WAYLAND_DISPLAY is set on Linux).
Status OpenInBrowser(const std::string& url);

}  // namespace palabre::platform

#endif  // PALABRE_PLATFORM_BROWSER_H_
