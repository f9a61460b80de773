// fork/exec of the palabre binary with captured output, an optional
// pseudo-terminal driven by expect/send steps, and a timeout.
#include "tests/cli/run_util.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>

namespace palabre::testing {
namespace {

// A pipe whose read end already holds `data` and whose write end is closed,
// so the child reads `data` then EOF and the parent never blocks or gets
// SIGPIPE. Returns the read end, or -1.
int PrefilledPipe(const std::string& data) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return -1;
  // Test inputs are far below the pipe capacity (64 KiB on Linux).
  if (data.size() > 60000) {
    close(fds[0]);
    close(fds[1]);
    return -1;
  }
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fds[1], data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      close(fds[0]);
      close(fds[1]);
      return -1;
    }
    done += static_cast<std::size_t>(n);
  }
  close(fds[1]);
  return fds[0];
}

// The descriptors the child is given.
struct ChildFds {
  int in = -1;
  int extra = -1;
  int out = -1;
  int err = -1;
  const char* tty_name = nullptr;  // pseudo-terminal slave, or null
};

[[noreturn]] void ExecChild(const std::vector<std::string>& args,
                            const RunOptions& options, const ChildFds& fds) {
  setsid();  // no controlling terminal unless we open one below
  if (fds.tty_name != nullptr) {
    // A session leader opening a terminal acquires it as controlling
    // terminal (Linux; no O_NOCTTY).
    if (open(fds.tty_name, O_RDWR) < 0) _exit(126);
  }
  if (dup2(fds.in, 0) < 0 || dup2(fds.out, 1) < 0 || dup2(fds.err, 2) < 0) {
    _exit(126);
  }
  if (fds.extra >= 0) {
    if (fds.extra == options.extra_fd) {
      // dup2 onto itself keeps close-on-exec; clear it instead.
      if (fcntl(fds.extra, F_SETFD, 0) != 0) _exit(126);
    } else if (dup2(fds.extra, options.extra_fd) < 0) {
      _exit(126);
    }
  }
  if (options.read_only_mount) {
    const char* dir = options.read_only_mount->c_str();
    if (unshare(CLONE_NEWNS) != 0 ||
        mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        mount(dir, dir, nullptr, MS_BIND, nullptr) != 0 ||
        mount(nullptr, dir, nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY,
              nullptr) != 0) {
      _exit(125);
    }
  }
  if (options.run_as_uid) {
    const auto id = static_cast<uid_t>(*options.run_as_uid);
    if (setgroups(0, nullptr) != 0 || setgid(id) != 0 || setuid(id) != 0) {
      _exit(126);
    }
  }
  unsetenv("PALABRE_VAULT");
  for (const auto& [name, value] : options.env) {
    setenv(name.c_str(), value.c_str(), 1);
  }
  std::vector<char*> argv;
  std::string binary = options.binary.value_or(PALABRE_BINARY);
  argv.push_back(binary.data());
  std::vector<std::string> copy = args;
  for (std::string& arg : copy) argv.push_back(arg.data());
  argv.push_back(nullptr);
  execv(binary.c_str(), argv.data());
  _exit(127);
}

// Types the next terminal step(s) whose expected text has appeared.
void AnswerPrompts(int master, const std::vector<TerminalStep>& steps,
                   RunResult* result, std::size_t* search_from) {
  while (result->steps_done < steps.size()) {
    const TerminalStep& step = steps[result->steps_done];
    std::size_t at = result->terminal.find(step.expect, *search_from);
    if (at == std::string::npos) return;
    *search_from = at + step.expect.size();
    const std::string& send = step.send;
    if (write(master, send.data(), send.size()) !=
        static_cast<ssize_t>(send.size())) {
      return;
    }
    ++result->steps_done;
  }
}

// Reads stdout, stderr and the terminal (if any) until the pipes close or
// `deadline` passes, answering terminal prompts on the way.
bool Drain(int out_fd, int err_fd, int master,
           const std::vector<TerminalStep>& steps,
           std::chrono::steady_clock::time_point deadline, RunResult* result) {
  pollfd fds[3] = {
      {out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}, {master, POLLIN, 0}};
  std::string* sinks[3] = {&result->out, &result->err, &result->terminal};
  std::size_t search_from = 0;
  int pipes_open = 2;
  while (pipes_open > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    int ready = poll(fds, 3, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return false;
    for (int i = 0; i < 3; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buf[4096];
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {  // EOF, or EIO on a terminal nobody holds any more
        fds[i].fd = -1;
        if (i < 2) --pipes_open;
      } else {
        sinks[i]->append(buf, static_cast<std::size_t>(n));
      }
    }
    if (master >= 0) AnswerPrompts(master, steps, result, &search_from);
  }
  return true;
}

}  // namespace

std::string RunResult::Describe() const {
  std::string s = timed_out  ? "timed out"
                  : signaled ? "killed by signal " + std::to_string(signal)
                             : "exit " + std::to_string(exit_code);
  s += "; stdout: [" + out + "] stderr: [" + err + "]";
  if (!terminal.empty()) s += " terminal: [" + terminal + "]";
  return s;
}

RunResult RunPalabre(const std::vector<std::string>& args,
                     const RunOptions& options) {
  RunResult result;
  ChildFds child;
  child.in = PrefilledPipe(options.stdin_data);
  child.extra =
      options.extra_fd_data ? PrefilledPipe(*options.extra_fd_data) : -1;
  int out_pipe[2] = {-1, -1};
  int err_pipe[2] = {-1, -1};
  bool ok = pipe2(out_pipe, O_CLOEXEC) == 0 && pipe2(err_pipe, O_CLOEXEC) == 0;
  ok = ok && child.in >= 0 && (!options.extra_fd_data || child.extra >= 0);
  int master = -1;
  int slave = -1;
  std::string tty_name;
  if (ok && options.terminal) {
    master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    ok = master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0 &&
         ptsname(master) != nullptr;
    if (ok) tty_name = ptsname(master);
    child.tty_name = tty_name.c_str();
    // Hold the slave open ourselves so that the master never reports a
    // hang-up before the child has opened it.
    slave = ok ? open(tty_name.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC) : -1;
    ok = ok && slave >= 0;
  }
  if (!ok)
    FAIL("could not set up the child's descriptors: " << std::strerror(errno));
  child.out = out_pipe[1];
  child.err = err_pipe[1];

  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  pid_t pid = fork();
  if (pid == 0) ExecChild(args, options, child);
  close(child.in);
  if (child.extra >= 0) close(child.extra);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (pid >= 0) {
    static const std::vector<TerminalStep> kNoSteps;
    if (!Drain(out_pipe[0], err_pipe[0], master,
               options.terminal ? *options.terminal : kNoSteps, deadline,
               &result)) {
      result.timed_out = true;
      kill(pid, SIGKILL);
    }
  }
  close(out_pipe[0]);
  close(err_pipe[0]);
  if (master >= 0) close(master);
  if (slave >= 0) close(slave);
  if (pid < 0) FAIL("fork failed: " << std::strerror(errno));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status)) {
    result.signaled = true;
    result.signal = WTERMSIG(status);
  } else if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  }
  return result;
}

RunResult RunWithPassphrases(std::vector<std::string> args,
                             const std::vector<std::string>& passphrase_lines) {
  RunOptions options;
  std::string data;
  for (const std::string& line : passphrase_lines) data += line + "\n";
  options.extra_fd_data = data;
  args.push_back("--passphrase-fd");
  args.push_back(std::to_string(options.extra_fd));
  return RunPalabre(args, options);
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

}  // namespace palabre::testing
