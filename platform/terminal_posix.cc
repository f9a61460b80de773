// POSIX implementation of platform/terminal.h: reading passphrases from a
// descriptor or from /dev/tty with echo turned off.
//
// All reads go through ReadLineBytes, which takes one byte per read(2) so that
// nothing after the newline is consumed, and which zeroes the caller's buffer
// whenever it does not hand back a line. While echo is off, PromptSecret
// catches the signals a user may send from the keyboard (Ctrl-C, Ctrl-\,
// Ctrl-Z) and hang-ups, restores the terminal first and only then re-raises
// the signal, so an interrupted prompt never leaves the terminal silent.
// Because signal dispositions are per process, PromptSecret must not run on
// two threads at once.
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <string>

#include "platform/errno_text.h"
#include "platform/terminal.h"

namespace palabre::platform {
namespace {

// Longest visible line PromptLine accepts.
constexpr std::size_t kMaxVisibleLine = 4096;

// Signals caught while echo is off.
constexpr int kCaughtSignals[] = {SIGINT, SIGQUIT, SIGHUP, SIGTERM, SIGTSTP};

// The last signal caught by OnSignal, 0 if none.
volatile std::sig_atomic_t g_caught_signal = 0;

void OnSignal(int signal_number) { g_caught_signal = signal_number; }

// Zeroes `size` bytes at `data` in a way the compiler may not elide.
void SecureZero(void* data, std::size_t size) {
  volatile unsigned char* p = static_cast<volatile unsigned char*>(data);
  while (size-- > 0) *p++ = 0;
}

enum class LineResult { kLine, kEndOfFile, kTooLong, kError, kInterrupted };

// Reads one line from `fd` into `buf` (capacity `cap` >= 1), one byte at a
// time, stopping after "\n" or at end of file. The "\n" and a "\r" right
// before it (or right before end of file) are dropped; the line is
// NUL-terminated and its length stored in `*len`. kEndOfFile means end of
// file before any byte. On anything but kLine the whole buffer is zeroed and
// `*err` holds the errno of a kError. With `interruptible`, a read
// interrupted by a signal that OnSignal caught ends with kInterrupted.
LineResult ReadLineBytes(int fd, char* buf, std::size_t cap, std::size_t* len,
                         bool interruptible, int* err) {
  std::size_t n = 0;
  bool any_byte = false;
  bool pending_cr = false;
  char c = 0;
  LineResult result = LineResult::kLine;
  for (;;) {
    if (interruptible && g_caught_signal != 0) {
      result = LineResult::kInterrupted;
      break;
    }
    ssize_t r = read(fd, &c, 1);
    if (r < 0) {
      if (errno == EINTR) continue;
      *err = errno;
      result = LineResult::kError;
      break;
    }
    if (r == 0) {
      if (!any_byte) result = LineResult::kEndOfFile;
      break;
    }
    any_byte = true;
    if (c == '\n') break;
    if (pending_cr) {  // The "\r" was not the end of the line after all.
      if (n + 1 >= cap) {
        result = LineResult::kTooLong;
        break;
      }
      buf[n++] = '\r';
      pending_cr = false;
    }
    if (c == '\r') {
      pending_cr = true;
      continue;
    }
    if (n + 1 >= cap) {
      result = LineResult::kTooLong;
      break;
    }
    buf[n++] = c;
  }
  SecureZero(&c, sizeof(c));
  if (result != LineResult::kLine) {
    SecureZero(buf, cap);
    return result;
  }
  buf[n] = '\0';
  *len = n;
  return result;
}

// Writes all of `text` to `fd`, retrying on EINTR. Returns 0 or an errno.
int WriteAll(int fd, const std::string& text) {
  const char* data = text.data();
  std::size_t size = text.size();
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return 0;
}

// Opens the controlling terminal for reading and writing.
StatusOr<int> OpenTerminal() {
  int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    return UnavailableError("no terminal to prompt on (/dev/tty): " +
                            ErrnoText(errno));
  }
  return fd;
}

// tcsetattr(2) retried on EINTR.
bool SetTerminalMode(int fd, const struct termios& mode) {
  while (tcsetattr(fd, TCSAFLUSH, &mode) != 0) {
    if (errno != EINTR) return false;
  }
  return true;
}

// Installs OnSignal for kCaughtSignals (without SA_RESTART, so a blocked
// read(2) returns EINTR) and puts the previous handlers back when destroyed.
// Signals the process ignores stay ignored.
class SignalCatcher {
 public:
  SignalCatcher() {
    g_caught_signal = 0;
    struct sigaction action;
    std::memset(&action, 0, sizeof(action));
    action.sa_handler = OnSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    for (std::size_t i = 0; i < kCount; ++i) {
      installed_[i] = sigaction(kCaughtSignals[i], &action, &previous_[i]) == 0;
      if (installed_[i] && previous_[i].sa_handler == SIG_IGN) {
        sigaction(kCaughtSignals[i], &previous_[i], nullptr);
        installed_[i] = false;
      }
    }
  }
  ~SignalCatcher() {
    for (std::size_t i = 0; i < kCount; ++i) {
      if (installed_[i]) sigaction(kCaughtSignals[i], &previous_[i], nullptr);
    }
  }
  SignalCatcher(const SignalCatcher&) = delete;
  SignalCatcher& operator=(const SignalCatcher&) = delete;

 private:
  static constexpr std::size_t kCount =
      sizeof(kCaughtSignals) / sizeof(kCaughtSignals[0]);
  struct sigaction previous_[kCount];
  bool installed_[kCount] = {};
};

}  // namespace

Status ReadSecretLine(int fd, char* buf, std::size_t cap, std::size_t* len) {
  const std::string source = "descriptor " + std::to_string(fd);
  if (buf == nullptr || len == nullptr || cap == 0) {
    return InvalidArgumentError("no buffer to read the passphrase on " +
                                source + " into");
  }
  int err = 0;
  switch (ReadLineBytes(fd, buf, cap, len, /*interruptible=*/false, &err)) {
    case LineResult::kLine:
      return Status::Ok();
    case LineResult::kEndOfFile:
      return InvalidArgumentError("no passphrase on " + source);
    case LineResult::kTooLong:
      return InvalidArgumentError("passphrase on " + source +
                                  " is longer than " + std::to_string(cap - 1) +
                                  " bytes");
    case LineResult::kError:
      if (err == EBADF) {
        // Open but write-only is reported as such; it is a different mistake.
        if (fcntl(fd, F_GETFD) == -1) {
          return InvalidArgumentError(source + " is not open");
        }
        return InvalidArgumentError(source + " is not open for reading");
      }
      return InternalError("cannot read from " + source + ": " +
                           ErrnoText(err));
    case LineResult::kInterrupted:
      break;  // Not possible without `interruptible`.
  }
  return InternalError("cannot read from " + source);
}

Status PromptSecret(const std::string& prompt, char* buf, std::size_t cap,
                    std::size_t* len) {
  if (buf == nullptr || len == nullptr || cap == 0) {
    return InvalidArgumentError("no buffer to read the passphrase into");
  }
  PALABRE_ASSIGN_OR_RETURN(int fd, OpenTerminal());
  struct termios saved;
  if (tcgetattr(fd, &saved) != 0) {
    Status status = UnavailableError("cannot use /dev/tty as a terminal: " +
                                     ErrnoText(errno));
    close(fd);
    return status;
  }

  Status status;
  int caught = 0;
  {
    SignalCatcher catcher;
    struct termios quiet = saved;
    quiet.c_lflag &= static_cast<tcflag_t>(~(ECHO | ECHONL));  // ICANON kept
    if (!SetTerminalMode(fd, quiet)) {
      status = InternalError("cannot turn off echo on the terminal: " +
                             ErrnoText(errno));
    } else {
      int err = WriteAll(fd, prompt);
      if (err != 0) {
        status =
            InternalError("cannot write to the terminal: " + ErrnoText(err));
      } else {
        switch (
            ReadLineBytes(fd, buf, cap, len, /*interruptible=*/true, &err)) {
          case LineResult::kLine:
            break;
          case LineResult::kEndOfFile:
            status = CancelledError("no passphrase entered");
            break;
          case LineResult::kTooLong:
            status = InvalidArgumentError("passphrase is longer than " +
                                          std::to_string(cap - 1) + " bytes");
            break;
          case LineResult::kError:
            status = InternalError("cannot read from the terminal: " +
                                   ErrnoText(err));
            break;
          case LineResult::kInterrupted:
            break;  // Handled below with any signal caught after the read.
        }
      }
      // Restored on every path once echo was turned off.
      if (!SetTerminalMode(fd, saved) && status.ok()) {
        status =
            InternalError("cannot restore the terminal: " + ErrnoText(errno));
      }
      WriteAll(fd, "\n");  // The user's Enter was not echoed.
    }
    caught = g_caught_signal;
  }  // The previous signal handlers are back from here on.
  close(fd);

  if (caught != 0) {
    SecureZero(buf, cap);
    // The process reacts to the signal as it would have without the prompt
    // (usually by ending); if it survives, the prompt counts as declined.
    raise(caught);
    return CancelledError("passphrase prompt interrupted");
  }
  if (!status.ok()) SecureZero(buf, cap);
  return status;
}

Status PromptLine(const std::string& prompt, std::string* line) {
  if (line == nullptr) return InvalidArgumentError("no string for the answer");
  PALABRE_ASSIGN_OR_RETURN(int fd, OpenTerminal());
  if (int err = WriteAll(fd, prompt); err != 0) {
    close(fd);
    return InternalError("cannot write to the terminal: " + ErrnoText(err));
  }
  char buf[kMaxVisibleLine + 1];
  std::size_t len = 0;
  int err = 0;
  LineResult result = ReadLineBytes(fd, buf, sizeof(buf), &len,
                                    /*interruptible=*/false, &err);
  close(fd);
  switch (result) {
    case LineResult::kLine:
      line->assign(buf, len);
      SecureZero(buf, sizeof(buf));
      return Status::Ok();
    case LineResult::kEndOfFile:
      return CancelledError("no answer entered");
    case LineResult::kTooLong:
      return InvalidArgumentError("answer is longer than " +
                                  std::to_string(kMaxVisibleLine) + " bytes");
    case LineResult::kError:
      return InternalError("cannot read from the terminal: " + ErrnoText(err));
    case LineResult::kInterrupted:
      break;  // Not possible without `interruptible`.
  }
  return InternalError("cannot read from the terminal");
}

bool IsTerminal(int fd) { return isatty(fd) != 0; }

}  // namespace palabre::platform
