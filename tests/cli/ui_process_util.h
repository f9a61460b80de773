// `palabre ui` for end-to-end tests: the real binary started in the
// background on a vault (UiProcess), and an HTTP client that follows its
// link and then talks to it as the page does, with the session cookie and
// the CSRF header (Browser).
#ifndef PALABRE_TESTS_CLI_UI_PROCESS_UTIL_H_
#define PALABRE_TESTS_CLI_UI_PROCESS_UTIL_H_

#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "tests/cli/run_util.h"
#include "tests/common/files_util.h"

namespace palabre::testing {

// The idle limit the tests start `palabre ui` with, in seconds.
inline constexpr int kIdleSeconds = 2;

// How a background process ended.
struct Ended {
  bool exited = false;
  int exit_code = -1;
  int signal = 0;
  bool timed_out = false;
};

// One `palabre --vault DIR ui --no-browser --port 0 --idle-lock N` process,
// its stdout and stderr in files beside the vault.
class UiProcess {
 public:
  explicit UiProcess(std::string vault, int idle_seconds = kIdleSeconds)
      : vault_(std::move(vault)),
        idle_seconds_(idle_seconds),
        out_path_(vault_ + "-ui-stdout"),
        err_path_(vault_ + "-ui-stderr") {}
  ~UiProcess() {
    if (pid_ > 0) Stop(SIGKILL);
  }

  // Starts it and waits (up to 20 s) for the link it prints. False, with
  // the reason in error(), if it does not come.
  bool Start() {
    WriteAll(out_path_, "");
    WriteAll(err_path_, "");
    const pid_t pid = fork();
    if (pid < 0) {
      error_ = "fork failed";
      return false;
    }
    if (pid == 0) {
      const int out = open(out_path_.c_str(), O_WRONLY | O_TRUNC);
      const int err = open(err_path_.c_str(), O_WRONLY | O_TRUNC);
      const int in = open("/dev/null", O_RDONLY);
      if (out < 0 || err < 0 || in < 0) _exit(127);
      dup2(in, 0);
      dup2(out, 1);
      dup2(err, 2);
      setsid();
      unsetenv("PALABRE_VAULT");
      const std::string bin = PALABRE_BINARY;
      const std::string idle = std::to_string(idle_seconds_);
      execl(bin.c_str(), bin.c_str(), "--vault", vault_.c_str(), "ui",
            "--no-browser", "--port", "0", "--idle-lock", idle.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
    pid_ = pid;
    const std::string marker = "palabre ui: open ";
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      const std::string out = Out();
      const std::size_t at = out.find(marker);
      const std::size_t end = at == std::string::npos ? at : out.find('\n', at);
      if (end != std::string::npos) {
        url_ = out.substr(at + marker.size(), end - at - marker.size());
        return ParseUrl();
      }
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        error_ = "palabre ui exited: " + Out() + Err();
        return false;
      }
      // Waiting for another process to start: polling its output file is
      // the one wait here.
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    error_ = "palabre ui printed no link within 20 s: " + Out() + Err();
    return false;
  }

  // Sends `signal` and waits (up to 20 s, then SIGKILL) for the end.
  Ended Stop(int signal) {
    Ended ended;
    if (pid_ <= 0) return ended;
    kill(pid_, signal);
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(20);
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) != pid_) {
      if (std::chrono::steady_clock::now() > deadline) {
        ended.timed_out = true;
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = -1;
    if (!ended.timed_out && WIFEXITED(status)) {
      ended.exited = true;
      ended.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
      ended.signal = WTERMSIG(status);
    }
    return ended;
  }

  // True while the process has not ended.
  bool Alive() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      died_ = WIFSIGNALED(status)
                  ? "killed by signal " + std::to_string(WTERMSIG(status))
                  : "exit " + std::to_string(WEXITSTATUS(status));
      pid_ = -1;
      return false;
    }
    return true;
  }

  int port() const { return port_; }
  const std::string& token() const { return token_; }
  const std::string& url() const { return url_; }
  const std::string& error() const { return error_; }
  const std::string& died() const { return died_; }
  std::string Out() const { return ReadAll(out_path_); }
  std::string Err() const { return ReadAll(err_path_); }

 private:
  bool ParseUrl() {
    const std::string prefix = "http://127.0.0.1:";
    const std::size_t q = url_.find("/?token=");
    if (url_.rfind(prefix, 0) != 0 || q == std::string::npos) {
      error_ = "not the expected link: " + url_;
      return false;
    }
    port_ = std::atoi(url_.c_str() + prefix.size());
    token_ = url_.substr(q + 8);
    return port_ > 0 && !token_.empty();
  }

  std::string vault_;
  int idle_seconds_;
  std::string out_path_;
  std::string err_path_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string url_;
  std::string token_;
  std::string error_;
  std::string died_;
};

// A browser talking to one `palabre ui`: its cookie and CSRF value once it
// has followed the link.
class Browser {
 public:
  explicit Browser(int port) : client_("127.0.0.1", port) {
    client_.set_connection_timeout(10, 0);
    client_.set_read_timeout(30, 0);
    client_.set_write_timeout(30, 0);
  }

  // GET /?token=T; the test fails unless it gives a cookie. Then reads the
  // CSRF value from /api/state.
  void Login(const std::string& token) {
    auto res = client_.Get("/?token=" + token);
    REQUIRE(res);
    INFO(res->status << " " << res->body);
    REQUIRE(res->status == 303);
    const std::string set = res->get_header_value("Set-Cookie");
    const std::string name = "palabre_ui=";
    REQUIRE(set.rfind(name, 0) == 0);
    session_ = set.substr(name.size(), set.find(';') - name.size());
    auto state = Get("/api/state");
    REQUIRE(state);
    REQUIRE(state->status == 200);
    csrf_ = nlohmann::json::parse(state->body)["csrf"];
  }

  // With the cookie (if logged in) and `extra` headers.
  httplib::Result Get(const std::string& path,
                      const httplib::Headers& extra = {}) {
    return client_.Get(path, With(extra, false));
  }
  // A request with a body, the cookie and (if `csrf`) the CSRF header.
  httplib::Result Send(const std::string& method, const std::string& path,
                       const std::string& body = "", bool csrf = true,
                       const httplib::Headers& extra = {}) {
    const httplib::Headers headers = With(extra, csrf);
    const char* type = "application/json";
    if (method == "POST") return client_.Post(path, headers, body, type);
    if (method == "PUT") return client_.Put(path, headers, body, type);
    if (method == "DELETE") return client_.Delete(path, headers, body, type);
    FAIL("no such method " << method);
    return client_.Get(path);
  }
  httplib::Result Unlock(const std::string& passphrase = kPassphrase) {
    return Send("POST", "/api/unlock",
                nlohmann::json{{"passphrase", passphrase}}.dump());
  }
  // GET /api/state's "locked".
  bool Locked() {
    auto res = Get("/api/state");
    REQUIRE(res);
    REQUIRE(res->status == 200);
    return nlohmann::json::parse(res->body)["locked"].get<bool>();
  }
  // GET /api/sessions' "total"; the test fails unless it answers 200.
  int64_t SessionTotal() {
    auto res = Get("/api/sessions");
    REQUIRE(res);
    INFO(res->body);
    REQUIRE(res->status == 200);
    return nlohmann::json::parse(res->body)["total"].get<int64_t>();
  }

  const std::string& session() const { return session_; }
  const std::string& csrf() const { return csrf_; }
  void set_session(std::string s) { session_ = std::move(s); }

 private:
  httplib::Headers With(const httplib::Headers& extra, bool csrf) const {
    httplib::Headers headers = extra;
    if (!session_.empty() && headers.find("Cookie") == headers.end()) {
      headers.emplace("Cookie", "palabre_ui=" + session_);
    }
    if (csrf && headers.find("X-Palabre-CSRF") == headers.end()) {
      headers.emplace("X-Palabre-CSRF", csrf_);
    }
    return headers;
  }

  httplib::Client client_;
  std::string session_;
  std::string csrf_;
};

}  // namespace palabre::testing

#endif  // PALABRE_TESTS_CLI_UI_PROCESS_UTIL_H_
