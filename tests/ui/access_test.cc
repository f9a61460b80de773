// Who may talk to `palabre ui` (ui/access.h, docs/ui-api.md "Security").
// These tests prove that: only the exact Host "127.0.0.1:PORT" passes, so a
// DNS name pointed at 127.0.0.1 (rebinding), another port, or any spelling
// variant is refused; the session cookie is read from a Cookie header by its
// exact name only, and is set HttpOnly, SameSite=Strict, Path=/; the
// one-time token gives one session and never a second, while a wrong guess
// does not burn it; each session's CSRF value is its own and nothing else
// matches it; and secrets compare equal only when they are the same
// non-empty bytes. The random source is injected where a test needs to
// know the values, never a sleep or a real clock.
#include "ui/access.h"

#include <catch2/catch.hpp>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace palabre::testing {
namespace {

using ui::AccessControl;
using ui::CookieValue;
using ui::HostAllowed;
using ui::SecretEquals;

// A random source that hands out "r0", "r1", ... so that the token, the
// session id and the CSRF value are known to the test.
std::function<std::string()> Counter() {
  auto n = std::make_shared<int>(0);
  return [n] { return "r" + std::to_string((*n)++); };
}

bool IsHex64(const std::string& s) {
  return s.size() == 64 &&
         s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST_CASE("only the exact Host 127.0.0.1:PORT is allowed", "[ui][access]") {
  constexpr int kPort = 48213;
  CHECK(HostAllowed("127.0.0.1:48213", kPort));
  struct Case {
    const char* why;
    std::string host;
  };
  const Case hostile[] = {
      {"empty (no Host header)", ""},
      {"another port", "127.0.0.1:48214"},
      {"port 80 spelled out", "127.0.0.1:80"},
      {"port with a leading zero", "127.0.0.1:048213"},
      {"no port", "127.0.0.1"},
      {"empty port", "127.0.0.1:"},
      {"localhost", "localhost:48213"},
      {"LOCALHOST", "LOCALHOST:48213"},
      {"a foreign name", "evil.com:48213"},
      {"a foreign name without port", "evil.com"},
      {"a name that resolves to 127.0.0.1 (rebinding)",
       "127.0.0.1.nip.io:48213"},
      {"a rebinding name", "localtest.me:48213"},
      {"127.0.0.1 as a subdomain prefix", "127.0.0.1.evil.com:48213"},
      {"a trailing dot", "127.0.0.1.:48213"},
      {"a trailing dot after the port", "127.0.0.1:48213."},
      {"a leading space", " 127.0.0.1:48213"},
      {"a trailing space", "127.0.0.1:48213 "},
      {"a space before the port", "127.0.0.1 :48213"},
      {"a tab", "127.0.0.1:48213\t"},
      {"IPv6 loopback", "[::1]:48213"},
      {"IPv4-mapped IPv6", "[::ffff:127.0.0.1]:48213"},
      {"another loopback address", "127.0.0.2:48213"},
      {"0.0.0.0", "0.0.0.0:48213"},
      {"decimal form of 127.0.0.1", "2130706433:48213"},
      {"short form 127.1", "127.1:48213"},
      {"octal form", "0177.0.0.1:48213"},
      {"user info", "user@127.0.0.1:48213"},
      {"two hosts", "127.0.0.1:48213, evil.com"},
      {"a NUL inside", std::string("127.0.0.1:48213\0evil", 20)},
      {"the port twice", "127.0.0.1:48213:48213"},
      {"a path after it", "127.0.0.1:48213/"},
  };
  for (const Case& c : hostile) {
    INFO(c.why << ": '" << c.host << "'");
    CHECK_FALSE(HostAllowed(c.host, kPort));
  }
  // The check is against the port actually bound, not any port.
  CHECK_FALSE(HostAllowed("127.0.0.1:48213", 48214));
  CHECK_FALSE(HostAllowed("127.0.0.1:0", 48213));
}

TEST_CASE("the session cookie is read by its exact name", "[ui][access]") {
  struct Case {
    const char* why;
    std::string header;
    std::string want;
  };
  const Case cases[] = {
      {"alone", "palabre_ui=abc", "abc"},
      {"first of several", "palabre_ui=abc; theme=dark", "abc"},
      {"among others", "a=1; palabre_ui=abc; b=2", "abc"},
      {"last", "a=1; b=2; palabre_ui=abc", "abc"},
      {"without a space after ;", "a=1;palabre_ui=abc", "abc"},
      {"several spaces", "a=1;   palabre_ui=abc", "abc"},
      {"an '=' in the value", "palabre_ui=ab=c", "ab=c"},
      {"first of two with the name", "palabre_ui=one; palabre_ui=two", "one"},
      {"empty value", "palabre_ui=", ""},
      {"empty header", "", ""},
      {"absent", "a=1; b=2", ""},
      {"a longer name that ends with it", "xpalabre_ui=abc", ""},
      {"a longer name that starts with it", "palabre_ui2=abc", ""},
      {"the name without '='", "palabre_ui", ""},
      {"the name in another cookie's value", "a=palabre_ui=abc", ""},
      {"upper case name", "PALABRE_UI=abc", ""},
      {"only separators", ";;; ;", ""},
  };
  for (const Case& c : cases) {
    INFO(c.why << ": '" << c.header << "'");
    CHECK(CookieValue(c.header, ui::kCookieName) == c.want);
  }
}

TEST_CASE(
    "the session cookie is HttpOnly, SameSite=Strict, for the whole "
    "site",
    "[ui][access]") {
  const std::string cookie = ui::SessionCookie("0123abcd");
  CHECK(cookie.rfind("palabre_ui=0123abcd;", 0) == 0);
  CHECK(cookie.find("; HttpOnly") != std::string::npos);
  CHECK(cookie.find("; SameSite=Strict") != std::string::npos);
  CHECK(cookie.find("; Path=/") != std::string::npos);
  // A session cookie: it dies with the browser, it is not kept on disk.
  CHECK(cookie.find("Expires") == std::string::npos);
  CHECK(cookie.find("Max-Age") == std::string::npos);
  // What the server sets, the server reads back.
  CHECK(CookieValue(cookie.substr(0, cookie.find(';')), ui::kCookieName) ==
        "0123abcd");
}

TEST_CASE("the token gives one session, once", "[ui][access]") {
  AccessControl access(Counter());
  const std::string token = access.token();
  REQUIRE(token == "r0");

  // Wrong guesses are refused and do not use the token up: otherwise any
  // page could spoil the link before the user opens it.
  const std::string wrong[] = {"",   "r",   "r00", "R0",
                               "r1", " r0", "r0 ", std::string("r0\0", 3)};
  for (const std::string& guess : wrong) {
    INFO("'" << guess << "'");
    auto refused = access.ExchangeToken(guess);
    CHECK(refused.status().code() == StatusCode::kPermissionDenied);
  }

  auto session = access.ExchangeToken(token);
  INFO(session.status().ToString());
  REQUIRE(session.ok());
  CHECK(*session != token);
  CHECK(access.CsrfFor(*session).has_value());

  // The link works once: the same token again is refused, and gives no
  // second session.
  for (int i = 0; i < 3; ++i) {
    auto again = access.ExchangeToken(token);
    CHECK(again.status().code() == StatusCode::kPermissionDenied);
  }
  CHECK(access.CsrfFor(*session).has_value());
}

TEST_CASE("each session has its own CSRF value and nothing else matches it",
          "[ui][access]") {
  AccessControl a(Counter());
  AccessControl b([n = 100]() mutable { return "q" + std::to_string(n++); });
  auto sa = a.ExchangeToken(a.token());
  auto sb = b.ExchangeToken(b.token());
  REQUIRE(sa.ok());
  REQUIRE(sb.ok());
  const std::string csrf_a = *a.CsrfFor(*sa);
  const std::string csrf_b = *b.CsrfFor(*sb);
  CHECK(csrf_a != *sa);
  CHECK(csrf_a != a.token());

  CHECK(a.CsrfMatches(*sa, csrf_a));
  CHECK(b.CsrfMatches(*sb, csrf_b));
  struct Case {
    const char* why;
    std::string session;
    std::string csrf;
  };
  const Case refused[] = {
      {"no header", *sa, ""},
      {"another session's value", *sa, csrf_b},
      {"the session id as CSRF", *sa, *sa},
      {"the token as CSRF", *sa, a.token()},
      {"a prefix of the value", *sa, csrf_a.substr(0, csrf_a.size() - 1)},
      {"the value and more", *sa, csrf_a + "0"},
      {"the right value for an unknown session", "nosuch", csrf_a},
      {"the right value without a session", "", csrf_a},
      {"both empty", "", ""},
  };
  for (const Case& c : refused) {
    INFO(c.why);
    CHECK_FALSE(a.CsrfMatches(c.session, c.csrf));
  }
  CHECK_FALSE(a.CsrfFor("").has_value());
  CHECK_FALSE(a.CsrfFor(*sb).has_value());
  CHECK_FALSE(a.CsrfFor(a.token()).has_value());
}

TEST_CASE(
    "by default the token, session and CSRF are fresh 32-byte hex "
    "secrets",
    "[ui][access]") {
  AccessControl one;
  AccessControl two;
  CHECK(IsHex64(one.token()));
  CHECK(IsHex64(two.token()));
  CHECK(one.token() != two.token());
  auto session = one.ExchangeToken(one.token());
  REQUIRE(session.ok());
  const std::string csrf = *one.CsrfFor(*session);
  CHECK(IsHex64(*session));
  CHECK(IsHex64(csrf));
  const std::set<std::string> all = {one.token(), *session, csrf};
  CHECK(all.size() == 3);
}

TEST_CASE("secrets are equal only when they are the same non-empty bytes",
          "[ui][access]") {
  struct Case {
    std::string a;
    std::string b;
    bool equal;
  };
  const Case cases[] = {
      {"abc123", "abc123", true},
      {"abc123", "abc124", false},
      {"abc123", "bbc123", false},
      {"abc123", "abc12", false},
      {"abc12", "abc123", false},
      {"abc123", "ABC123", false},
      {"", "", false},  // an empty secret is never a match
      {"", "abc", false},
      {"abc", "", false},
      {std::string("a\0b", 3), std::string("a\0c", 3), false},
      {std::string("a\0b", 3), std::string("a\0b", 3), true},
      {std::string(64, 'f'), std::string(64, 'f'), true},
  };
  for (const Case& c : cases) {
    INFO("'" << c.a << "' vs '" << c.b << "'");
    CHECK(SecretEquals(c.a, c.b) == c.equal);
  }
}

}  // namespace
}  // namespace palabre::testing
