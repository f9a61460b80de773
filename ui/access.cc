// Token, cookie, CSRF and Host checks of the local web app (ui/access.h).
#include "ui/access.h"

#include <sodium.h>

#include "core/device_key.h"

namespace palabre::ui {
namespace {

std::string RandomHex() {
  std::string bytes(32, '\0');
  randombytes_buf(bytes.data(), bytes.size());
  std::string hex = ToHex(bytes);
  sodium_memzero(bytes.data(), bytes.size());
  return hex;
}

}  // namespace

bool HostAllowed(std::string_view host, int port) {
  return host == "127.0.0.1:" + std::to_string(port);
}

std::string CookieValue(std::string_view header, std::string_view name) {
  // "a=1; palabre_ui=abc; b=2"
  while (!header.empty()) {
    const std::size_t end = header.find(';');
    std::string_view pair = header.substr(0, end);
    header = end == std::string_view::npos ? "" : header.substr(end + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const std::size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
      return std::string(pair.substr(eq + 1));
    }
  }
  return "";
}

std::string SessionCookie(std::string_view id) {
  return std::string(kCookieName) + "=" + std::string(id) +
         "; Path=/; HttpOnly; SameSite=Strict";
}

bool SecretEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && !a.empty() &&
         sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

AccessControl::AccessControl(std::function<std::string()> random_hex)
    : random_hex_(random_hex ? std::move(random_hex) : RandomHex),
      token_(random_hex_()) {}

StatusOr<std::string> AccessControl::ExchangeToken(std::string_view token) {
  std::lock_guard<std::mutex> lock(mu_);
  if (token_used_ || !SecretEquals(token, token_)) {
    return PermissionDeniedError(
        "this link was used already or is wrong: start palabre ui again for "
        "a new one");
  }
  token_used_ = true;
  std::string session = random_hex_();
  csrf_by_session_[session] = random_hex_();
  return session;
}

std::optional<std::string> AccessControl::CsrfFor(
    std::string_view session_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  // Constant time against each session id: there is one, or very few.
  for (const auto& [id, csrf] : csrf_by_session_) {
    if (SecretEquals(id, session_id)) return csrf;
  }
  return std::nullopt;
}

bool AccessControl::CsrfMatches(std::string_view session_id,
                                std::string_view csrf) const {
  const std::optional<std::string> want = CsrfFor(session_id);
  return want.has_value() && SecretEquals(*want, csrf);
}

}  // namespace palabre::ui
