// Running the real `palabre` binary from tests: fork/exec with arguments,
// stdin content and an optional extra descriptor (fd 3 by default) carrying
// passphrase lines, capturing stdout, stderr, the exit status (or the signal
// that killed it), under a per-call timeout.
//
// The child starts a new session (setsid) so it has no controlling terminal:
// a command that would prompt on /dev/tty fails instead of hanging the test.
// With RunOptions::terminal set, the child gets a pseudo-terminal as its
// controlling terminal instead, and the test answers its prompts.
#ifndef PALABRE_TESTS_CLI_RUN_UTIL_H_
#define PALABRE_TESTS_CLI_RUN_UTIL_H_

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace palabre::testing {

// One exchange on the child's terminal: once `expect` has appeared in the
// terminal output (after the previous step's match), `send` is typed.
struct TerminalStep {
  std::string expect;
  std::string send;  // include the "\n"
};

// How to run the binary.
struct RunOptions {
  std::string stdin_data;  // written to the child's stdin, then EOF
  // If set, the child gets a descriptor `extra_fd` reading this content
  // (then EOF); used with --passphrase-fd.
  std::optional<std::string> extra_fd_data;
  int extra_fd = 3;
  std::chrono::milliseconds timeout{30000};  // SIGKILL after this
  // If set, the child drops root to this uid/gid before exec (tests that
  // need permission bits to apply while running as root).
  std::optional<unsigned> run_as_uid;
  // If set, the child runs in its own mount namespace in which this
  // directory is bind-mounted read-only (a read-only file system, which
  // stops root too). Exit status 125 if the kernel refuses.
  std::optional<std::string> read_only_mount;
  // The executable to run, if not the palabre the tests were built with
  // (e.g. a copy that a dropped-privilege child can reach).
  std::optional<std::string> binary;
  // Environment variables set in the child (PALABRE_VAULT is always unset
  // first, so only these reach it).
  std::vector<std::pair<std::string, std::string>> env;
  // If set, the child has a pseudo-terminal as controlling terminal (stdin,
  // stdout and stderr stay pipes) and these steps drive its prompts.
  std::optional<std::vector<TerminalStep>> terminal;
};

// What happened.
struct RunResult {
  int exit_code = -1;     // valid if !signaled && !timed_out
  bool signaled = false;  // killed by a signal (a crash, or the timeout)
  int signal = 0;
  bool timed_out = false;
  std::string out;             // stdout
  std::string err;             // stderr
  std::string terminal;        // what the child wrote on its terminal (prompts)
  std::size_t steps_done = 0;  // terminal steps answered

  // A one-line summary for test failure messages.
  std::string Describe() const;
};

// Runs PALABRE_BINARY with `args` (argv[1..]). A failure to start the child
// is reported as a test failure (exit_code stays -1).
RunResult RunPalabre(const std::vector<std::string>& args,
                     const RunOptions& options = {});

// Shorthand: runs with `passphrase_lines` (each followed by "\n") on fd 3
// and "--passphrase-fd 3" appended to `args`.
RunResult RunWithPassphrases(std::vector<std::string> args,
                             const std::vector<std::string>& passphrase_lines);

// Lines of `text` (split on "\n", without a trailing empty line).
std::vector<std::string> Lines(const std::string& text);

}  // namespace palabre::testing

#endif  // PALABRE_TESTS_CLI_RUN_UTIL_H_
