// Tests for platform/terminal.h. ReadSecretLine is driven through pipes;
// PromptSecret and PromptLine run in a child process whose controlling
// terminal is a pseudo-terminal the test holds the other end of, so the test
// sees exactly what the user would see and can type or press Ctrl-C.
#include "platform/terminal.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

namespace palabre::platform {
namespace {

// A pipe whose ends are closed when the object goes away.
class Pipe {
 public:
  Pipe() {
    REQUIRE(pipe(fds_) == 0);
    for (int fd : fds_) fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
  ~Pipe() {
    CloseRead();
    CloseWrite();
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;

  int read_fd() const { return fds_[0]; }
  int write_fd() const { return fds_[1]; }

  void Write(const std::string& data) {
    REQUIRE(write(fds_[1], data.data(), data.size()) ==
            static_cast<ssize_t>(data.size()));
  }
  void CloseRead() { Close(&fds_[0]); }
  void CloseWrite() { Close(&fds_[1]); }

  // Everything left on the read end up to end of file.
  std::string ReadRest() {
    std::string out;
    char chunk[256];
    ssize_t n;
    while ((n = read(fds_[0], chunk, sizeof(chunk))) > 0) {
      out.append(chunk, static_cast<std::size_t>(n));
    }
    return out;
  }

 private:
  static void Close(int* fd) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
  }
  int fds_[2] = {-1, -1};
};

struct LineRead {
  Status status;
  std::string line;
  std::vector<char> buf;
};

LineRead ReadLine(int fd, std::size_t cap) {
  LineRead out;
  out.buf.assign(cap, '\x55');
  std::size_t len = 0;
  out.status = ReadSecretLine(fd, out.buf.data(), cap, &len);
  if (out.status.ok()) {
    REQUIRE(len < cap);
    CHECK(out.buf[len] == '\0');
    out.line.assign(out.buf.data(), len);
  }
  return out;
}

bool AllZero(const std::vector<char>& buf) {
  for (char c : buf) {
    if (c != 0) return false;
  }
  return true;
}

TEST_CASE("ReadSecretLine reads lines in sequence without over-reading",
          "[platform]") {
  Pipe p;
  p.Write("old passphrase\nnew passphrase\r\nleft for someone else");
  p.CloseWrite();
  LineRead first = ReadLine(p.read_fd(), 64);
  REQUIRE(first.status.ok());
  CHECK(first.line == "old passphrase");
  LineRead second = ReadLine(p.read_fd(), 64);
  REQUIRE(second.status.ok());
  CHECK(second.line == "new passphrase");
  CHECK(p.ReadRest() == "left for someone else");
}

TEST_CASE("ReadSecretLine drops the line ending and nothing else",
          "[platform]") {
  struct Case {
    std::string input, line;
  };
  const std::vector<Case> cases = {
      {"secret\n", "secret"},
      {"secret\r\n", "secret"},
      {"final line without newline", "final line without newline"},
      {"trailing cr at eof\r", "trailing cr at eof"},
      {"\n", ""},
      {"\r\n", ""},
      {"inner\rcr\n", "inner\rcr"},
      {"two\r\r\n", "two\r"},
      {"  spaces kept  \n", "  spaces kept  "},
      {std::string("nul\0inside\n", 11), std::string("nul\0inside", 10)},
  };
  for (const Case& c : cases) {
    CAPTURE(c.input);
    Pipe p;
    p.Write(c.input);
    p.CloseWrite();
    LineRead read = ReadLine(p.read_fd(), 64);
    REQUIRE(read.status.ok());
    CHECK(read.line == c.line);
  }
}

TEST_CASE("ReadSecretLine fails on an empty descriptor", "[platform]") {
  Pipe p;
  p.CloseWrite();
  LineRead read = ReadLine(p.read_fd(), 64);
  CHECK(read.status.code() == StatusCode::kInvalidArgument);
  CHECK(read.status.message() ==
        "no passphrase on descriptor " + std::to_string(p.read_fd()));
  CHECK(AllZero(read.buf));
}

TEST_CASE("ReadSecretLine refuses a line longer than cap - 1 and zeroes",
          "[platform]") {
  struct Case {
    std::string input;
    std::size_t cap;
    bool fits;
  };
  const std::vector<Case> cases = {
      {"1234567\n", 8, true},
      {"1234567\r\n", 8, true},
      {"1234567", 8, true},
      {"12345678\n", 8, false},
      {"12345678", 8, false},
      {"123456\r7\n", 8, false},
      {"\n", 1, true},
      {"x\n", 1, false},
      {std::string(5000, 'p') + "\n", 4096, false},
  };
  for (const Case& c : cases) {
    CAPTURE(c.input, c.cap);
    Pipe p;
    p.Write(c.input);
    p.CloseWrite();
    LineRead read = ReadLine(p.read_fd(), c.cap);
    if (c.fits) {
      CHECK(read.status.ok());
    } else {
      CHECK(read.status.code() == StatusCode::kInvalidArgument);
      CHECK_THAT(read.status.message(), Catch::Contains("longer than"));
      CHECK(AllZero(read.buf));
    }
  }
}

TEST_CASE("ReadSecretLine reports a descriptor that is not open for reading",
          "[platform]") {
  Pipe p;
  const int write_end = p.write_fd();
  LineRead write_only = ReadLine(write_end, 64);
  CHECK(write_only.status.code() == StatusCode::kInvalidArgument);
  CHECK(write_only.status.message() ==
        "descriptor " + std::to_string(write_end) + " is not open for reading");

  const int closed = p.read_fd();
  p.CloseRead();
  LineRead read = ReadLine(closed, 64);
  CHECK(read.status.code() == StatusCode::kInvalidArgument);
  CHECK(read.status.message() ==
        "descriptor " + std::to_string(closed) + " is not open");
  CHECK(AllZero(read.buf));
}

TEST_CASE("IsTerminal is false for a pipe", "[platform]") {
  Pipe p;
  CHECK_FALSE(IsTerminal(p.read_fd()));
  CHECK_FALSE(IsTerminal(-1));
}

// Runs `body` in a child process in a new session (so without a controlling
// terminal unless `body` opens one) with default signal dispositions. The
// child's exit code is what `body` returns.
pid_t RunInNewSession(const std::function<int()>& body) {
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    for (int sig : {SIGINT, SIGQUIT, SIGHUP, SIGTERM, SIGTSTP}) {
      signal(sig, SIG_DFL);
    }
    if (setsid() < 0) _exit(100);
    _exit(body());
  }
  return pid;
}

// Waits up to ten seconds for `pid`, then kills it and fails.
int WaitForChild(pid_t pid) {
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      FAIL("child process did not finish");
    }
    usleep(10 * 1000);
  }
  return status;
}

// The master side of a pseudo-terminal; a child made by RunInNewSession
// calls OpenAsControllingTerminal to make the other side its terminal.
class Pty {
 public:
  Pty() {
    master_ = posix_openpt(O_RDWR | O_NOCTTY);
    if (master_ < 0) return;
    fcntl(master_, F_SETFD, FD_CLOEXEC);
    if (grantpt(master_) != 0 || unlockpt(master_) != 0) {
      close(master_);
      master_ = -1;
      return;
    }
    slave_name_ = ptsname(master_);
  }
  ~Pty() {
    if (master_ >= 0) close(master_);
  }
  Pty(const Pty&) = delete;
  Pty& operator=(const Pty&) = delete;

  bool ok() const { return master_ >= 0; }
  int master() const { return master_; }

  // In the child: the first terminal a session leader opens becomes its
  // controlling terminal.
  bool OpenAsControllingTerminal() const {
    close(master_);
    return open(slave_name_.c_str(), O_RDWR) >= 0;
  }

  // Reads what the child wrote until `needle` shows up (or, for an empty
  // needle, until the child closes the terminal), for up to ten seconds.
  std::string ReadUntil(const std::string& needle) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (needle.empty() || output_.find(needle) == std::string::npos) {
      if (std::chrono::steady_clock::now() > deadline) break;
      struct pollfd pfd = {master_, POLLIN, 0};
      if (poll(&pfd, 1, 100) <= 0) continue;
      char chunk[256];
      ssize_t n = read(master_, chunk, sizeof(chunk));
      if (n <= 0) break;  // EIO once the child has closed its side
      output_.append(chunk, static_cast<std::size_t>(n));
    }
    return output_;
  }

  void Type(const std::string& keys) {
    REQUIRE(write(master_, keys.data(), keys.size()) ==
            static_cast<ssize_t>(keys.size()));
  }

  bool EchoIsOn() const {
    struct termios mode;
    REQUIRE(tcgetattr(master_, &mode) == 0);
    return (mode.c_lflag & ECHO) != 0;
  }

 private:
  int master_ = -1;
  std::string slave_name_;
  std::string output_;
};

// Child side: reports a status code and a line through `fd`.
void Report(int fd, const Status& status, const std::string& line) {
  std::string message(1, static_cast<char>(status.code()));
  message += line;
  if (write(fd, message.data(), message.size()) < 0) _exit(101);
}

TEST_CASE("PromptSecret reads with echo off and restores the terminal",
          "[platform]") {
  Pty pty;
  if (!pty.ok()) {
    WARN("no pseudo-terminals here; PromptSecret is not exercised");
    return;
  }
  REQUIRE(pty.EchoIsOn());
  Pipe result;
  pid_t pid = RunInNewSession([&] {
    if (!pty.OpenAsControllingTerminal()) return 102;
    char buf[64];
    std::size_t len = 0;
    Status status = PromptSecret("Passphrase: ", buf, sizeof(buf), &len);
    Report(result.write_fd(), status, status.ok() ? std::string(buf, len) : "");
    return 0;
  });
  result.CloseWrite();

  REQUIRE_THAT(pty.ReadUntil("Passphrase: "), Catch::EndsWith("Passphrase: "));
  pty.Type("hunter2\n");
  int wait_status = WaitForChild(pid);
  std::string shown = pty.ReadUntil("");
  REQUIRE(WIFEXITED(wait_status));
  CHECK(WEXITSTATUS(wait_status) == 0);
  CHECK(shown.find("hunter2") == std::string::npos);
  CHECK_THAT(shown, Catch::EndsWith("Passphrase: \r\n"));
  CHECK(pty.EchoIsOn());

  std::string reported = result.ReadRest();
  REQUIRE_FALSE(reported.empty());
  CHECK(static_cast<StatusCode>(reported[0]) == StatusCode::kOk);
  CHECK(reported.substr(1) == "hunter2");
}

TEST_CASE("PromptSecret restores echo before Ctrl-C ends the process",
          "[platform]") {
  Pty pty;
  if (!pty.ok()) {
    WARN("no pseudo-terminals here; PromptSecret is not exercised");
    return;
  }
  pid_t pid = RunInNewSession([&] {
    if (!pty.OpenAsControllingTerminal()) return 102;
    char buf[64];
    std::size_t len = 0;
    Status status = PromptSecret("Passphrase: ", buf, sizeof(buf), &len);
    return status.ok() ? 0 : 1;  // Not reached: SIGINT ends the process.
  });
  REQUIRE_THAT(pty.ReadUntil("Passphrase: "), Catch::EndsWith("Passphrase: "));
  CHECK_FALSE(pty.EchoIsOn());
  pty.Type("half typed\x03");  // ^C, the default VINTR character
  int wait_status = WaitForChild(pid);
  REQUIRE(WIFSIGNALED(wait_status));
  CHECK(WTERMSIG(wait_status) == SIGINT);
  CHECK(pty.ReadUntil("").find("half typed") == std::string::npos);
  CHECK(pty.EchoIsOn());
}

TEST_CASE("PromptLine reads a visible line from the terminal", "[platform]") {
  Pty pty;
  if (!pty.ok()) {
    WARN("no pseudo-terminals here; PromptLine is not exercised");
    return;
  }
  Pipe result;
  pid_t pid = RunInNewSession([&] {
    if (!pty.OpenAsControllingTerminal()) return 102;
    std::string line;
    Status status = PromptLine("Type WIPE to confirm: ", &line);
    Report(result.write_fd(), status, line);
    return 0;
  });
  result.CloseWrite();
  REQUIRE_THAT(pty.ReadUntil("confirm: "), Catch::EndsWith("confirm: "));
  pty.Type("WIPE\n");
  int wait_status = WaitForChild(pid);
  REQUIRE(WIFEXITED(wait_status));
  CHECK(WEXITSTATUS(wait_status) == 0);
  CHECK_THAT(pty.ReadUntil(""), Catch::Contains("confirm: WIPE"));
  std::string reported = result.ReadRest();
  REQUIRE_FALSE(reported.empty());
  CHECK(static_cast<StatusCode>(reported[0]) == StatusCode::kOk);
  CHECK(reported.substr(1) == "WIPE");
}

TEST_CASE("Prompts without a controlling terminal are unavailable",
          "[platform]") {
  pid_t pid = RunInNewSession([] {
    char buf[64];
    std::size_t len = 0;
    Status secret = PromptSecret("Passphrase: ", buf, sizeof(buf), &len);
    if (secret.code() != StatusCode::kUnavailable) return 1;
    std::string line;
    Status visible = PromptLine("Type WIPE: ", &line);
    if (visible.code() != StatusCode::kUnavailable) return 2;
    return 0;
  });
  int wait_status = WaitForChild(pid);
  REQUIRE(WIFEXITED(wait_status));
  CHECK(WEXITSTATUS(wait_status) == 0);
}

}  // namespace
}  // namespace palabre::platform
