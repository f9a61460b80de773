// Who may talk to `palabre ui`: the one-time token, the session cookie it is
// exchanged for, the CSRF value each state-changing request must carry, and
// the Host header check (docs/ui-api.md, "Security").
//
// The server listens on 127.0.0.1 only, but any web page the user opens in
// the same browser can send requests there, and a DNS name can be pointed at
// 127.0.0.1 (DNS rebinding). So: the Host header must be exactly
// 127.0.0.1:PORT; the token printed on the terminal is the only way to get a
// session cookie (HttpOnly, SameSite=Strict: other sites' pages never send
// it); and every request that changes anything must also carry the
// session's CSRF value in a header, which a cross-site form cannot set.
// Secrets are compared in constant time.
#ifndef PALABRE_UI_ACCESS_H_
#define PALABRE_UI_ACCESS_H_

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "platform/status.h"

namespace palabre::ui {

inline constexpr char kCookieName[] = "palabre_ui";
inline constexpr char kCsrfHeader[] = "X-Palabre-CSRF";

// True if `host` (a Host header) is exactly "127.0.0.1:PORT".
bool HostAllowed(std::string_view host, int port);

// The value of cookie `name` in a Cookie header ("" if absent).
std::string CookieValue(std::string_view cookie_header, std::string_view name);

// The Set-Cookie header value for session `id`.
std::string SessionCookie(std::string_view id);

// The token and the sessions it was exchanged for. Thread-safe.
class AccessControl {
 public:
  // `random_hex` gives a new random secret (hex) on each call: 32 random
  // bytes by default; tests may pass their own.
  explicit AccessControl(std::function<std::string()> random_hex = {});

  // The one-time token, for the URL printed on the terminal.
  const std::string& token() const { return token_; }

  // A new session for the token; kPermissionDenied if `token` is wrong or
  // was used already (it works once).
  StatusOr<std::string> ExchangeToken(std::string_view token);

  // The CSRF value of session `session_id`, or nullopt if there is no such
  // session.
  std::optional<std::string> CsrfFor(std::string_view session_id) const;

  // True if `csrf` is session `session_id`'s CSRF value.
  bool CsrfMatches(std::string_view session_id, std::string_view csrf) const;

 private:
  std::function<std::string()> random_hex_;
  std::string token_;
  mutable std::mutex mu_;
  bool token_used_ = false;
  std::map<std::string, std::string, std::less<>> csrf_by_session_;
};

// Compares two secrets without leaking where they differ.
bool SecretEquals(std::string_view a, std::string_view b);

}  // namespace palabre::ui

#endif  // PALABRE_UI_ACCESS_H_
