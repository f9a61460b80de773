// The HTTP front of `palabre ui` (docs/ui-api.md): cpp-httplib on
// 127.0.0.1 only, the embedded page, the API (ui/api.h) behind the access
// checks (ui/access.h), security headers on every answer, and the idle
// lock's timer.
//
// Order of the checks, before any body is read: the Host header (403
// bad_host), the announced body size (413), the one-time token exchange
// (GET /?token=...), the session cookie (401), then for every method but
// GET the CSRF header (403 csrf). Bodies are read by our own capped reader
// (sync/http_body.h). Nothing is logged but the port: never a request's
// content.
#ifndef PALABRE_UI_SERVER_H_
#define PALABRE_UI_SERVER_H_

#include <cstdint>
#include <functional>
#include <string>

#include "platform/status.h"

namespace palabre::ui {

// The largest request body taken.
inline constexpr std::size_t kMaxUiBodyBytes = 1u << 20;

struct UiOptions {
  std::string vault;          // the vault directory
  int port = 0;               // 0: any free port
  int64_t idle_ms = 300'000;  // lock after this long without an API call
  // Called once listening with the URL holding the one-time token.
  std::function<void(const std::string& url)> on_listening;
};

// kInvalidArgument for a port out of range or an idle limit under a second.
Status CheckUiOptions(const UiOptions& options);

// Serves until `wait_for_stop` returns (called on the calling thread once
// the server listens), then locks the vault and returns. kUnavailable if the
// port cannot be bound.
Status ServeUi(const UiOptions& options,
               const std::function<void()>& wait_for_stop);

}  // namespace palabre::ui

#endif  // PALABRE_UI_SERVER_H_
