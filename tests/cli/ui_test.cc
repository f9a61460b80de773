// `palabre ui` end to end: the real binary serving on 127.0.0.1, driven by
// an HTTP client the way a browser (or a hostile page in the same browser)
// would (docs/ui-api.md, "Security"). These tests prove that: the printed
// link's token gives a session cookie once (HttpOnly, SameSite=Strict) and
// then never again; without the cookie the API answers 401; a foreign Host
// header (DNS rebinding) is refused even with the cookie; a request that
// changes anything needs the session's CSRF header, and one without it
// changes nothing; every answer carries the contract's security headers;
// the passphrase is checked, the vault locks itself after --idle-lock
// seconds without use (asking for the state is not use) and answers 423
// then; bodies over 1 MiB are refused whether announced or chunked, and a
// hostile body does not bring the server down; SIGTERM and SIGINT stop it
// cleanly with the vault locked; it refuses to start without a vault or
// with bad options; and it listens on 127.0.0.1 only.
#include <arpa/inet.h>
#include <fcntl.h>
#include <httplib.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/cli/fixture_util.h"
#include "tests/cli/raw_socket_util.h"
#include "tests/cli/records_util.h"
#include "tests/cli/run_util.h"
#include "tests/cli/ui_process_util.h"
#include "tests/common/files_util.h"

namespace palabre::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr char kCsp[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'";

// The error code of a JSON error reply ("" if it is not one).
std::string ErrorCode(const httplib::Result& res) {
  if (!res) return "(no answer)";
  const json body = json::parse(res->body, nullptr, false);
  if (!body.is_object() || !body.contains("error")) return "";
  return body["error"].value("code", "");
}

// Checks that a reply has `status` and JSON error `code`.
void CheckRefused(const httplib::Result& res, int status,
                  const std::string& code) {
  REQUIRE(res);
  INFO(res->status << " " << res->body);
  CHECK(res->status == status);
  CHECK(ErrorCode(res) == code);
}

// Checks the security headers of one answer: each present exactly once,
// with the contract's value.
void CheckSecurityHeaders(const httplib::Response& res) {
  const std::pair<const char*, std::string> want[] = {
      {"Content-Security-Policy", kCsp},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"Cache-Control", "no-store"},
  };
  std::string wrong;
  for (const auto& [name, value] : want) {
    const std::size_t count = res.get_header_value_count(name);
    if (count != 1) {
      wrong +=
          std::string(name) + " sent " + std::to_string(count) + " times; ";
    }
    if (count > 0 && res.get_header_value(name) != value) {
      wrong += std::string(name) + ": " + res.get_header_value(name) + "; ";
    }
  }
  INFO("HTTP " << res.status << ": " << wrong);
  CHECK(wrong.empty());
}

bool IsHex64(const std::string& s) {
  return s.size() == 64 &&
         s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// A vault with the test passphrase and one session, and `palabre ui` on it.
struct UiFixture {
  explicit UiFixture(int idle_seconds = kIdleSeconds)
      : vault(tmp.Sub("vault")), ui(vault, idle_seconds) {
    InitVault(vault);
    AddSessionFile(vault, MinimalSession("Dialogue au marché de Gao"));
    INFO(ui.error());
    REQUIRE(ui.Start());
  }
  TempDir tmp;
  std::string vault;
  UiProcess ui;
};

TEST_CASE("ui: the printed link gives a session cookie once", "[ui]") {
  UiFixture f;
  INFO(f.ui.Out());
  CHECK(f.ui.url() == "http://127.0.0.1:" + std::to_string(f.ui.port()) +
                          "/?token=" + f.ui.token());
  CHECK(IsHex64(f.ui.token()));

  Browser stranger(f.ui.port());
  // A wrong token is refused and does not use the link up.
  CheckRefused(stranger.Get("/?token=" + std::string(64, '0')), 403,
               "bad_token");
  CheckRefused(stranger.Get("/?token="), 403, "bad_token");

  httplib::Client client("127.0.0.1", f.ui.port());
  auto res = client.Get("/?token=" + f.ui.token());
  REQUIRE(res);
  CHECK(res->status == 303);
  CHECK(res->get_header_value("Location") == "/");
  const std::string cookie = res->get_header_value("Set-Cookie");
  INFO(cookie);
  CHECK(cookie.rfind("palabre_ui=", 0) == 0);
  CHECK(cookie.find("; HttpOnly") != std::string::npos);
  CHECK(cookie.find("; SameSite=Strict") != std::string::npos);
  CHECK(cookie.find("; Path=/") != std::string::npos);
  const std::string session = cookie.substr(11, cookie.find(';') - 11);
  CHECK(IsHex64(session));
  CHECK(session != f.ui.token());

  // The link works once: a second use (say, by another page that saw the
  // link) gets nothing, with or without the first cookie.
  CheckRefused(stranger.Get("/?token=" + f.ui.token()), 403, "bad_token");
  CheckRefused(
      client.Get("/?token=" + f.ui.token(),
                 httplib::Headers{{"Cookie", "palabre_ui=" + session}}),
      403, "bad_token");

  // With the cookie: the page and the API.
  Browser browser(f.ui.port());
  browser.set_session(session);
  auto page = browser.Get("/");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->get_header_value("Content-Type").rfind("text/html", 0) == 0);
  // The CSP holds only because the page has no inline script or style and
  // loads nothing from elsewhere.
  CHECK(page->body.find("<script>") == std::string::npos);
  CHECK(page->body.find(" style=\"") == std::string::npos);
  CHECK(page->body.find("src=\"http") == std::string::npos);
  CHECK(page->body.find("href=\"http") == std::string::npos);
  for (const char* file : {"/app.js", "/app.css"}) {
    auto asset = browser.Get(file);
    REQUIRE(asset);
    INFO(file);
    CHECK(asset->status == 200);
  }
  auto state = browser.Get("/api/state");
  REQUIRE(state);
  CHECK(state->status == 200);
  const json body = json::parse(state->body);
  CHECK(body["locked"] == true);
  CHECK(IsHex64(body["csrf"]));
  CHECK(body["idle_lock_seconds"] == kIdleSeconds);

  // Without the cookie, or with another one: 401, page and API alike.
  struct Case {
    const char* why;
    httplib::Headers headers;
  };
  const Case strangers[] = {
      {"no cookie", {}},
      {"a made-up cookie", {{"Cookie", "palabre_ui=" + std::string(64, 'a')}}},
      {"the token as cookie", {{"Cookie", "palabre_ui=" + f.ui.token()}}},
      {"the CSRF value as cookie",
       {{"Cookie", "palabre_ui=" + body["csrf"].get<std::string>()}}},
      {"the cookie under another name", {{"Cookie", "palabre=" + session}}},
      {"an empty cookie", {{"Cookie", "palabre_ui="}}},
  };
  for (const Case& c : strangers) {
    INFO(c.why);
    for (const char* path :
         {"/api/state", "/api/sessions", "/", "/app.js", "/api/i18n/en"}) {
      INFO(path);
      CheckRefused(client.Get(path, c.headers), 401, "unauthenticated");
    }
    httplib::Headers with_csrf = c.headers;
    with_csrf.emplace("X-Palabre-CSRF", body["csrf"].get<std::string>());
    CheckRefused(client.Post("/api/unlock", with_csrf,
                             json{{"passphrase", kPassphrase}}.dump(),
                             "application/json"),
                 401, "unauthenticated");
  }
  CHECK(browser.Locked());
}

TEST_CASE("ui: a foreign Host header is refused, even with the cookie",
          "[ui]") {
  UiFixture f;
  const std::string port = std::to_string(f.ui.port());
  const std::string other_port =
      std::to_string(f.ui.port() == 65535 ? 1 : f.ui.port() + 1);
  const std::string hosts[] = {
      "evil.com",
      "evil.com:" + port,
      "localhost:" + port,
      "127.0.0.1",
      "127.0.0.1:" + other_port,
      "[::1]:" + port,
      "rebind.example:" + port,
      "127.0.0.1." + std::string(":") + port,
      "127.0.0.1.nip.io:" + port,
  };
  // Before the link is used: a rebinding page cannot take the token.
  for (const std::string& host : hosts) {
    INFO("Host: " << host);
    Browser page(f.ui.port());
    CheckRefused(
        page.Get("/?token=" + f.ui.token(), httplib::Headers{{"Host", host}}),
        403, "bad_host");
  }
  Browser browser(f.ui.port());
  browser.Login(f.ui.token());  // the token was not used up

  for (const std::string& host : hosts) {
    INFO("Host: " << host);
    const httplib::Headers h = {{"Host", host}};
    CheckRefused(browser.Get("/api/state", h), 403, "bad_host");
    CheckRefused(browser.Get("/", h), 403, "bad_host");
    CheckRefused(browser.Get("/api/i18n/en", h), 403, "bad_host");
    CheckRefused(
        browser.Send("POST", "/api/unlock",
                     json{{"passphrase", kPassphrase}}.dump(), true, h),
        403, "bad_host");
  }
  // Nothing a refused request asked for happened.
  CHECK(browser.Locked());
}

TEST_CASE(
    "ui: a request that changes anything needs the session's CSRF "
    "header",
    "[ui]") {
  UiFixture f;
  Browser browser(f.ui.port());
  browser.Login(f.ui.token());
  REQUIRE(IsHex64(browser.csrf()));

  const std::string unlock = json{{"passphrase", kPassphrase}}.dump();
  const std::pair<const char*, httplib::Headers> bad[] = {
      {"no header", {}},
      {"an empty header", {{"X-Palabre-CSRF", ""}}},
      {"a made-up value", {{"X-Palabre-CSRF", std::string(64, '0')}}},
      {"the session id", {{"X-Palabre-CSRF", browser.session()}}},
      {"the token", {{"X-Palabre-CSRF", f.ui.token()}}},
      {"the value cut short",
       {{"X-Palabre-CSRF", browser.csrf().substr(0, 63)}}},
      {"the value in upper case",
       {{"X-Palabre-CSRF",
         [&] {
           std::string up = browser.csrf();
           for (char& c : up) c = static_cast<char>(std::toupper(c));
           return up;
         }()}}},
  };
  for (const auto& [why, headers] : bad) {
    INFO(why);
    CheckRefused(browser.Send("POST", "/api/unlock", unlock, false, headers),
                 403, "csrf");
  }
  // The passphrase was right, but the vault is still locked.
  CHECK(browser.Locked());

  auto ok = browser.Unlock();
  REQUIRE(ok);
  REQUIRE(ok->status == 200);
  REQUIRE(browser.SessionTotal() == 1);
  struct Case {
    std::string method;
    std::string path;
    std::string body;
  };
  const Case writes[] = {
      {"POST", "/api/sessions",
       MinimalSession("Réunion sans jeton CSRF").dump()},
      {"PUT", "/api/draft", R"({"draft": {"title": "x"}})"},
      {"DELETE", "/api/draft", ""},
      {"POST", "/api/lock", ""},
  };
  for (const Case& c : writes) {
    INFO(c.method << " " << c.path);
    for (const auto& [why, headers] : bad) {
      INFO(why);
      CheckRefused(browser.Send(c.method, c.path, c.body, false, headers), 403,
                   "csrf");
    }
  }
  // Nothing changed: still unlocked, no session added, no draft kept.
  CHECK_FALSE(browser.Locked());
  CHECK(browser.SessionTotal() == 1);
  auto draft = browser.Get("/api/draft");
  REQUIRE(draft);
  CHECK(json::parse(draft->body)["draft"].is_null());
  // And with the header, the same requests work.
  auto added = browser.Send("POST", "/api/sessions", writes[0].body);
  REQUIRE(added);
  CHECK(added->status == 201);
  CHECK(browser.SessionTotal() == 2);
}

TEST_CASE("ui: every answer carries the security headers", "[ui]") {
  UiFixture f;
  Browser stranger(f.ui.port());
  Browser browser(f.ui.port());
  std::vector<std::pair<std::string, httplib::Result>> answers;
  auto keep = [&](const std::string& what, httplib::Result res) {
    answers.emplace_back(what, std::move(res));
  };
  keep("403 bad_token", stranger.Get("/?token=nope"));
  {
    httplib::Client client("127.0.0.1", f.ui.port());
    keep("303 token exchange", client.Get("/?token=" + f.ui.token()));
    const std::string set =
        answers.back().second
            ? answers.back().second->get_header_value("Set-Cookie")
            : "";
    REQUIRE(set.size() > 11);
    browser.set_session(set.substr(11, set.find(';') - 11));
  }
  keep("200 state", browser.Get("/api/state"));
  const std::string csrf =
      json::parse(answers.back().second->body)["csrf"].get<std::string>();
  const httplib::Headers with_csrf = {{"X-Palabre-CSRF", csrf}};
  keep("200 page", browser.Get("/"));
  keep("200 script", browser.Get("/app.js"));
  keep("200 style", browser.Get("/app.css"));
  keep("200 strings", browser.Get("/api/i18n/fr"));
  keep("401 no cookie", stranger.Get("/api/state"));
  keep("403 bad_host", browser.Get("/api/state", {{"Host", "evil.com"}}));
  keep("403 csrf", browser.Send("POST", "/api/lock", "", false));
  keep("404 page", browser.Get("/nothing.html"));
  keep("404 path", browser.Get("/a/b/c"));
  keep("404 api", browser.Get("/api/nothing"));
  keep("404 language", browser.Get("/api/i18n/de"));
  keep("423 locked", browser.Get("/api/sessions"));
  keep("400 bad body",
       browser.Send("POST", "/api/unlock", "not json", false, with_csrf));
  keep("401 wrong passphrase",
       browser.Send("POST", "/api/unlock",
                    json{{"passphrase", kOtherPassphrase}}.dump(), false,
                    with_csrf));
  keep("200 unlock", browser.Send("POST", "/api/unlock",
                                  json{{"passphrase", kPassphrase}}.dump(),
                                  false, with_csrf));
  keep("201 session added",
       browser.Send("POST", "/api/sessions", MinimalSession("Réunion").dump(),
                    false, with_csrf));
  keep("400 invalid record",
       browser.Send("POST", "/api/sessions", "{}", false, with_csrf));
  for (const auto& [what, res] : answers) {
    INFO(what);
    REQUIRE(res);
    CHECK(std::to_string(res->status) == what.substr(0, 3));
    CheckSecurityHeaders(*res);
  }
  // 413, refused before the body is read: seen on a raw socket, since a
  // client may still be sending when the answer comes.
  const int fd = ConnectTcp("127.0.0.1", f.ui.port());
  REQUIRE(fd >= 0);
  REQUIRE(SendAll(fd, "PUT /api/draft HTTP/1.1\r\nHost: 127.0.0.1:" +
                          std::to_string(f.ui.port()) +
                          "\r\nContent-Length: 2097152\r\n\r\n"));
  const std::string reply = ReadReply(fd);
  close(fd);
  INFO(reply);
  REQUIRE(reply.rfind("HTTP/1.1 413", 0) == 0);
  const std::string want[] = {
      std::string("\r\nContent-Security-Policy: ") + kCsp + "\r\n",
      "\r\nX-Content-Type-Options: nosniff\r\n",
      "\r\nReferrer-Policy: no-referrer\r\n",
      "\r\nCache-Control: no-store\r\n",
  };
  for (const std::string& header : want) {
    INFO(header);
    const std::size_t at = reply.find(header);
    CHECK(at != std::string::npos);
    CHECK(reply.find(header, at + 1) == std::string::npos);  // once
  }
}

TEST_CASE("ui: the passphrase unlocks, and the vault locks itself when idle",
          "[ui]") {
  UiFixture f;
  Browser browser(f.ui.port());
  browser.Login(f.ui.token());

  CheckRefused(browser.Get("/api/sessions"), 423, "locked");
  CheckRefused(browser.Unlock(kOtherPassphrase), 401, "wrong_passphrase");
  CHECK(browser.Locked());
  auto unlocked = browser.Unlock();
  REQUIRE(unlocked);
  REQUIRE(unlocked->status == 200);
  CHECK(browser.SessionTotal() == 1);

  // Use keeps it open: requests closer together than the idle limit, for
  // longer than the limit.
  const auto kept_from = Clock::now();
  while (Clock::now() - kept_from <
         std::chrono::milliseconds(kIdleSeconds * 1000 + 500)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    CHECK(browser.SessionTotal() == 1);
  }

  // Then nothing but /api/state (which is not use): it locks, not before
  // the limit after the last use.
  const auto last_use = Clock::now();
  CHECK(browser.SessionTotal() == 1);
  const auto deadline = last_use + std::chrono::seconds(kIdleSeconds + 20);
  bool locked = false;
  while (!locked && Clock::now() < deadline) {
    locked = browser.Locked();
    if (!locked) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const auto waited = Clock::now() - last_use;
  REQUIRE(locked);
  CHECK(waited >= std::chrono::seconds(kIdleSeconds));
  CheckRefused(browser.Get("/api/sessions"), 423, "locked");
  CheckRefused(browser.Get("/api/draft"), 423, "locked");

  // Unlocking again gives everything back.
  auto again = browser.Unlock();
  REQUIRE(again);
  CHECK(again->status == 200);
  CHECK(browser.SessionTotal() == 1);
  // And the Lock button locks at once.
  auto lock = browser.Send("POST", "/api/lock");
  REQUIRE(lock);
  CHECK(lock->status == 200);
  CheckRefused(browser.Get("/api/sessions"), 423, "locked");
}

TEST_CASE("ui: bodies over 1 MiB are refused, announced or chunked", "[ui]") {
  UiFixture f;
  Browser browser(f.ui.port());
  browser.Login(f.ui.token());
  REQUIRE(browser.Unlock()->status == 200);
  const std::string head = "PUT /api/draft HTTP/1.1\r\nHost: 127.0.0.1:" +
                           std::to_string(f.ui.port()) +
                           "\r\nCookie: palabre_ui=" + browser.session() +
                           "\r\nX-Palabre-CSRF: " + browser.csrf() +
                           "\r\nContent-Type: application/json\r\n";

  SECTION("by Content-Length") {
    const int fd = ConnectTcp("127.0.0.1", f.ui.port());
    REQUIRE(fd >= 0);
    REQUIRE(SendAll(
        fd, head + "Content-Length: 2097152\r\n\r\n" + std::string(1024, ' ')));
    const std::string reply = ReadReply(fd);
    close(fd);
    INFO(reply);
    CHECK(reply.rfind("HTTP/1.1 413", 0) == 0);
    CHECK(reply.find("\"too_large\"") != std::string::npos);
  }
  SECTION("by Content-Length, without a cookie") {
    const int fd = ConnectTcp("127.0.0.1", f.ui.port());
    REQUIRE(fd >= 0);
    REQUIRE(SendAll(fd, "POST /api/unlock HTTP/1.1\r\nHost: 127.0.0.1:" +
                            std::to_string(f.ui.port()) +
                            "\r\nContent-Length: 104857600\r\n\r\n"));
    const std::string reply = ReadReply(fd);
    close(fd);
    INFO(reply);
    CHECK(reply.rfind("HTTP/1.1 413", 0) == 0);
  }
  SECTION("by chunked encoding") {
    const int fd = ConnectTcp("127.0.0.1", f.ui.port());
    REQUIRE(fd >= 0);
    const std::string start = R"({"draft":{"notes":")";
    char size[16];
    std::snprintf(size, sizeof size, "%zx\r\n", start.size());
    REQUIRE(SendAll(fd, head + "Transfer-Encoding: chunked\r\n\r\n" + size +
                            start + "\r\n"));
    const std::string chunk =
        "10000\r\n" + std::string(0x10000, 'x') + "\r\n";  // 64 KiB
    long sent = 0;
    while (sent < 8L * (1L << 20) && SendAll(fd, chunk)) sent += 0x10000;
    const std::string reply = ReadReply(fd);
    close(fd);
    INFO(reply.substr(0, 500) << " after " << sent << " bytes");
    CHECK(reply.rfind("HTTP/1.1 413", 0) == 0);
    CHECK(reply.find("\"too_large\"") != std::string::npos);
    // It stopped reading well before the end of what could be sent.
    CHECK(sent < 8L * (1L << 20));
  }
  // Nothing was kept, the server is still there, and a body under the
  // limit is taken.
  REQUIRE(f.ui.Alive());
  auto draft = browser.Get("/api/draft");
  REQUIRE(draft);
  CHECK(json::parse(draft->body)["draft"].is_null());
  const std::string big =
      json{{"draft", {{"notes", std::string(900 * 1024, 'n')}}}}.dump();
  auto put = browser.Send("PUT", "/api/draft", big);
  REQUIRE(put);
  CHECK(put->status == 200);
}

// The page's own requests can hold anything its user types; a hostile
// body (here a draft nested 400000 levels deep, under the 1 MiB cap) must
// be refused or kept, and the server must stay up.
TEST_CASE("ui: a deeply nested draft does not bring the server down", "[ui]") {
  UiFixture f;
  Browser browser(f.ui.port());
  browser.Login(f.ui.token());
  REQUIRE(browser.Unlock()->status == 200);
  const int depth = 400000;
  const std::string body = R"({"draft": {"a": )" + std::string(depth, '[') +
                           std::string(depth, ']') + "}}";
  REQUIRE(body.size() < (1u << 20));
  auto res = browser.Send("PUT", "/api/draft", body);
  auto state = browser.Get("/api/state");
  INFO("PUT: " << (res ? std::to_string(res->status) : "no answer")
               << "; then GET /api/state: "
               << (state ? std::to_string(state->status) : "no answer"));
  CHECK(res);
  CHECK(state);
  // Reaped, if it died.
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (!state && f.ui.Alive() && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  INFO("palabre ui: " << f.ui.died() << " " << f.ui.Err());
  CHECK(f.ui.Alive());
}

TEST_CASE("ui: SIGTERM and SIGINT stop it with the vault locked", "[ui]") {
  for (const int sig : {SIGTERM, SIGINT}) {
    INFO("signal " << sig);
    UiFixture f;
    Browser browser(f.ui.port());
    browser.Login(f.ui.token());
    REQUIRE(browser.Unlock()->status == 200);
    auto added = browser.Send("POST", "/api/sessions",
                              MinimalSession("Réunion avant l'arrêt").dump());
    REQUIRE(added);
    REQUIRE(added->status == 201);

    const Ended ended = f.ui.Stop(sig);
    INFO(f.ui.Out() << f.ui.Err());
    CHECK_FALSE(ended.timed_out);
    CHECK(ended.exited);
    CHECK(ended.exit_code == 0);
    CHECK(f.ui.Out().find("vault locked") != std::string::npos);
    // Locked means written out: `palabre lock` finds nothing to fold in,
    // and the session is there.
    const RunResult lock = RunPalabre(VaultArgs(f.vault, {"lock", "--json"}));
    INFO(lock.Describe());
    REQUIRE(lock.exit_code == 0);
    CHECK(json::parse(lock.out)["folded_wal"] == false);
    CHECK(VerifyCounts(f.vault)["sessions"] == 2);
    // And it no longer listens.
    CHECK(ConnectTcp("127.0.0.1", f.ui.port()) < 0);
  }
}

TEST_CASE("ui: no vault, or bad options, and it does not start", "[ui]") {
  TempDir tmp;
  RunOptions options;
  options.timeout = std::chrono::seconds(10);
  // kExitVaultPresence (cli/exit_codes.h): vault missing.
  for (const std::string& dir : {tmp.Sub("none"), tmp.path()}) {
    INFO(dir);
    const RunResult r = RunPalabre(
        VaultArgs(dir, {"ui", "--no-browser", "--port", "0"}), options);
    ExpectFailure(r, 5);
    CHECK(r.err.find("no vault") != std::string::npos);
    CHECK(r.out.find("http://") == std::string::npos);
  }

  const std::string vault = tmp.Sub("vault");
  InitVault(vault);
  struct Case {
    std::vector<std::string> flags;
    std::string says;
  };
  const Case usage[] = {
      {{"--port", "70000"}, "--port"},
      {{"--port", "65536"}, "--port"},
      {{"--port", "-1"}, "--port"},
      {{"--port", "http"}, "--port"},
      {{"--idle-lock", "0"}, "--idle-lock"},
      {{"--idle-lock", "-5"}, "--idle-lock"},
      {{"--idle-lock", "x"}, "--idle-lock"},
  };
  for (const Case& c : usage) {
    std::vector<std::string> args = {"ui", "--no-browser"};
    args.insert(args.end(), c.flags.begin(), c.flags.end());
    INFO(c.flags[0] << " " << c.flags[1]);
    const RunResult r = RunPalabre(VaultArgs(vault, args), options);
    ExpectFailure(r, 2);
    CHECK(r.err.find(c.says) != std::string::npos);
    CHECK(r.out.find("http://") == std::string::npos);
  }

  // A port already taken: a clear failure, not a hang.
  const int taken = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(taken, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(listen(taken, 1) == 0);
  socklen_t len = sizeof addr;
  getsockname(taken, reinterpret_cast<sockaddr*>(&addr), &len);
  const RunResult busy =
      RunPalabre(VaultArgs(vault, {"ui", "--no-browser", "--port",
                                   std::to_string(ntohs(addr.sin_port))}),
                 options);
  close(taken);
  INFO(busy.Describe());
  CHECK_FALSE(busy.timed_out);
  CHECK_FALSE(busy.signaled);
  CHECK(busy.exit_code != 0);
  CHECK(busy.out.find("http://") == std::string::npos);
  CHECK(busy.err.find(std::to_string(ntohs(addr.sin_port))) !=
        std::string::npos);
}

// The listening sockets on `port` in a /proc/net/tcp-style table, by local
// address as the kernel writes it (e.g. "0100007F" for 127.0.0.1).
std::vector<std::string> ListeningOn(const std::string& table, int port) {
  std::ifstream in(table);
  std::vector<std::string> addresses;
  std::string line;
  std::getline(in, line);  // header
  char port_hex[8];
  std::snprintf(port_hex, sizeof port_hex, "%04X", port);
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    fields >> slot >> local >> remote >> state;
    const std::size_t colon = local.rfind(':');
    if (colon == std::string::npos || state != "0A") continue;  // LISTEN
    if (local.substr(colon + 1) == port_hex) {
      addresses.push_back(local.substr(0, colon));
    }
  }
  return addresses;
}

TEST_CASE("ui: it listens on 127.0.0.1 and nothing else", "[ui]") {
  UiFixture f;
  const int port = f.ui.port();
  CHECK(ListeningOn("/proc/net/tcp", port) ==
        std::vector<std::string>{"0100007F"});
  CHECK(ListeningOn("/proc/net/tcp6", port).empty());

  // Another loopback address, and every other address this machine has,
  // are not answered.
  std::vector<std::string> others = {"127.0.0.2", "127.1.2.3"};
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) == 0) {
    for (ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
      if (a->ifa_addr == nullptr || a->ifa_addr->sa_family != AF_INET) continue;
      char text[INET_ADDRSTRLEN];
      inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr,
                text, sizeof text);
      if (std::string(text) != "127.0.0.1") others.push_back(text);
    }
    freeifaddrs(list);
  }
  for (const std::string& address : others) {
    INFO(address);
    const int fd = ConnectTcp(address.c_str(), port);
    CHECK(fd < 0);
    if (fd >= 0) close(fd);
  }
  const int v6 = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (v6 >= 0) {
    sockaddr_in6 addr{};
    addr.sin6_family = AF_INET6;
    addr.sin6_port = htons(static_cast<uint16_t>(port));
    addr.sin6_addr = in6addr_loopback;
    CHECK(connect(v6, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0);
    close(v6);
  }
  // While 127.0.0.1 is.
  const int fd = ConnectTcp("127.0.0.1", port);
  CHECK(fd >= 0);
  if (fd >= 0) close(fd);
}

}  // namespace
}  // namespace palabre::testing
