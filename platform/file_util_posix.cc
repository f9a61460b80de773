// POSIX implementation of platform/file_util.h: files and directories through
// open(2), fsync(2), rename(2) and friends.
//
// Every system call failure goes through ErrnoStatus, which maps errno to the
// Status codes the header promises and builds a message naming the path and
// the OS reason. Writes that must survive a power cut go through a temporary
// file in the same directory, fsynced before it is renamed over the target,
// followed by an fsync of the directory so that the rename itself is durable.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "platform/errno_text.h"
#include "platform/file_util.h"

namespace palabre::platform {
namespace {

// Maps `err` to the code file_util.h documents; `what` names the operation
// and the path ("cannot open /x/y"), the OS reason is appended.
Status ErrnoStatus(int err, const std::string& what) {
  std::string message = what + ": " + ErrnoText(err);
  switch (err) {
    case ENOENT:
      return NotFoundError(std::move(message));
    case EACCES:
    case EPERM:
    case EROFS:
      return PermissionDeniedError(std::move(message));
    case ENOSPC:
#ifdef EDQUOT
    case EDQUOT:
#endif
      return ResourceExhaustedError(std::move(message));
    case EISDIR:
    case ENOTDIR:
      // A path of the wrong kind: a directory where a file should be, or a
      // file where a directory should be.
      return FailedPreconditionError(std::move(message));
    default:
      return InternalError(std::move(message));
  }
}

// close(2) that keeps errno of an earlier failure intact; used on error
// paths where the descriptor is being abandoned anyway.
void CloseQuietly(int fd) {
  int saved = errno;
  close(fd);
  errno = saved;
}

// Writes all of `data` to `fd`, retrying on EINTR and partial writes.
// Returns 0 or the errno of the failure.
int WriteFully(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return EIO;  // A regular file never accepts zero bytes.
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return 0;
}

// fsync(2) retried on EINTR. Returns 0 or the errno of the failure.
int SyncFd(int fd) {
  while (fsync(fd) != 0) {
    if (errno != EINTR) return errno;
  }
  return 0;
}

// The directory holding `path`: "." for a bare name, "/" for "/name".
std::string ParentDirectory(const std::string& path) {
  std::string trimmed = path;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
  std::size_t slash = trimmed.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return trimmed.substr(0, slash);
}

// 16 hex digits read from /dev/urandom. The suffix only has to make
// collisions unlikely (O_EXCL catches the rest), so if /dev/urandom cannot be
// read, the clock, the process id and a counter stand in.
std::string RandomHexSuffix() {
  unsigned char bytes[8] = {};
  bool filled = false;
  int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    std::size_t got = 0;
    while (got < sizeof(bytes)) {
      ssize_t n = read(fd, bytes + got, sizeof(bytes) - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    filled = got == sizeof(bytes);
    CloseQuietly(fd);
  }
  if (!filled) {
    static std::atomic<unsigned> counter{0};
    auto ticks = static_cast<unsigned long long>(
        std::chrono::steady_clock::now().time_since_epoch().count());
    unsigned long long mix = ticks ^
                             (static_cast<unsigned long long>(getpid()) << 32) ^
                             (static_cast<unsigned long long>(++counter) << 16);
    for (unsigned char& b : bytes) {
      b = static_cast<unsigned char>(mix & 0xff);
      mix >>= 8;
    }
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0x0f]);
  }
  return out;
}

// Opens the regular file at `path` with `flags` and fills `*st`. O_NONBLOCK
// keeps a FIFO planted at `path` from blocking the open; anything but a
// regular file is refused with kFailedPrecondition.
StatusOr<int> OpenRegularFile(const std::string& path, int flags,
                              struct stat* st) {
  int fd = open(path.c_str(), flags | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return ErrnoStatus(errno, "cannot open " + path);
  if (fstat(fd, st) != 0) {
    Status status = ErrnoStatus(errno, "cannot examine " + path);
    CloseQuietly(fd);
    return status;
  }
  if (!S_ISREG(st->st_mode)) {
    CloseQuietly(fd);
    return FailedPreconditionError(path + " is not a regular file");
  }
  return fd;
}

}  // namespace

PathKind GetPathKind(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return PathKind::kMissing;
    return PathKind::kOther;
  }
  if (S_ISREG(st.st_mode)) return PathKind::kFile;
  if (S_ISDIR(st.st_mode)) return PathKind::kDirectory;
  return PathKind::kOther;
}

StatusOr<uint64_t> FileSize(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    return ErrnoStatus(errno, "cannot examine " + path);
  }
  if (!S_ISREG(st.st_mode)) {
    return FailedPreconditionError(path + " is not a regular file");
  }
  return static_cast<uint64_t>(st.st_size);
}

StatusOr<std::string> ReadFile(const std::string& path, uint64_t max_bytes) {
  struct stat st;
  PALABRE_ASSIGN_OR_RETURN(int fd, OpenRegularFile(path, O_RDONLY, &st));
  auto too_large = [&] {
    return FailedPreconditionError(path + " is larger than " +
                                   std::to_string(max_bytes) + " bytes");
  };
  if (static_cast<uint64_t>(st.st_size) > max_bytes) {
    CloseQuietly(fd);
    return too_large();
  }
  std::string contents;
  contents.reserve(static_cast<std::size_t>(st.st_size));
  char chunk[64 * 1024];
  for (;;) {
    ssize_t n = read(fd, chunk, sizeof(chunk));
    if (n < 0) {
      if (errno == EINTR) continue;
      Status status = ErrnoStatus(errno, "cannot read " + path);
      CloseQuietly(fd);
      return status;
    }
    if (n == 0) break;
    // The file may grow while it is read; the limit still holds.
    if (contents.size() + static_cast<uint64_t>(n) > max_bytes) {
      CloseQuietly(fd);
      return too_large();
    }
    contents.append(chunk, static_cast<std::size_t>(n));
  }
  close(fd);  // Read-only: a close error cannot lose data.
  return contents;
}

Status WriteFileAtomically(const std::string& path, std::string_view contents,
                           int mode) {
  std::string temp;
  int fd = -1;
  // O_EXCL refuses a name that is already taken; a fresh suffix is tried a
  // few times before giving up.
  for (int attempt = 0; attempt < 8; ++attempt) {
    temp = path + ".tmp-" + RandomHexSuffix();
    fd = open(temp.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC,
              static_cast<mode_t>(mode));
    if (fd >= 0 || errno != EEXIST) break;
  }
  if (fd < 0) {
    return ErrnoStatus(errno, "cannot create temporary file " + temp);
  }

  auto fail = [&](int err, const std::string& what) {
    Status status = ErrnoStatus(err, what);
    unlink(temp.c_str());
    return status;
  };

  if (int err = WriteFully(fd, contents.data(), contents.size()); err != 0) {
    CloseQuietly(fd);
    return fail(err, "cannot write " + temp);
  }
  if (int err = SyncFd(fd); err != 0) {
    CloseQuietly(fd);
    return fail(err, "cannot sync " + temp);
  }
  if (close(fd) != 0) return fail(errno, "cannot close " + temp);
  if (rename(temp.c_str(), path.c_str()) != 0) {
    return fail(errno, "cannot replace " + path);
  }
  // The new contents are in place; this makes the rename itself durable.
  return SyncDirectory(ParentDirectory(path));
}

Status CreateDirectories(const std::string& path, int mode) {
  if (path.empty()) return InvalidArgumentError("empty directory path");
  // Each prefix ending before a '/' (and the whole path) is created in turn.
  std::size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    std::string prefix = path.substr(0, pos);
    if (prefix.empty() || prefix.back() == '/') continue;  // "a//b", "/"
    if (mkdir(prefix.c_str(), static_cast<mode_t>(mode)) == 0) continue;
    int err = errno;
    // mkdir may report EEXIST, or EACCES/EROFS on an existing directory in a
    // parent we cannot write; what is there decides.
    switch (GetPathKind(prefix)) {
      case PathKind::kDirectory:
        continue;
      case PathKind::kFile:
      case PathKind::kOther:
        if (err == EEXIST) {
          return FailedPreconditionError("cannot create directory " + path +
                                         ": " + prefix +
                                         " exists and is not a directory");
        }
        break;
      case PathKind::kMissing:
        break;
    }
    return ErrnoStatus(err, "cannot create directory " + prefix);
  }
  return Status::Ok();
}

Status SyncDirectory(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "cannot open directory " + path);
  int err = SyncFd(fd);
  close(fd);
  // EINVAL: the file system does not support syncing directories; there is
  // nothing more that can be done, and nothing has gone wrong.
  if (err != 0 && err != EINVAL) {
    return ErrnoStatus(err, "cannot sync directory " + path);
  }
  return Status::Ok();
}

Status RemoveFile(const std::string& path) {
  if (unlink(path.c_str()) != 0) {
    int err = errno;
    // Linux says EISDIR for a directory, POSIX allows EPERM.
    struct stat st;
    if (err == EPERM && lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      err = EISDIR;
    }
    return ErrnoStatus(err, "cannot remove " + path);
  }
  return Status::Ok();
}

namespace {

// Writes zeros over the first `size` bytes of `fd` and fsyncs it; closes
// `fd` in every case.
Status ZeroAndClose(int fd, uint64_t size, const std::string& path) {
  static const char kZeros[64 * 1024] = {};
  while (size > 0) {
    std::size_t n =
        static_cast<std::size_t>(std::min<uint64_t>(size, sizeof(kZeros)));
    if (int err = WriteFully(fd, kZeros, n); err != 0) {
      CloseQuietly(fd);
      return ErrnoStatus(err, "cannot overwrite " + path);
    }
    size -= n;
  }
  if (int err = SyncFd(fd); err != 0) {
    CloseQuietly(fd);
    return ErrnoStatus(err, "cannot sync " + path);
  }
  if (close(fd) != 0) return ErrnoStatus(errno, "cannot close " + path);
  return Status::Ok();
}

}  // namespace

Status OverwriteAndRemove(const std::string& path) {
  struct stat st;
  PALABRE_ASSIGN_OR_RETURN(int fd, OpenRegularFile(path, O_WRONLY, &st));
  PALABRE_RETURN_IF_ERROR(
      ZeroAndClose(fd, static_cast<uint64_t>(st.st_size), path));
  PALABRE_RETURN_IF_ERROR(RemoveFile(path));
  return SyncDirectory(ParentDirectory(path));
}

Status ReplaceFileAndShredOld(const std::string& path,
                              std::string_view contents, int mode) {
  // Hold the old file open across the rename, then zero it: once unlinked,
  // its blocks would otherwise keep the old contents until reused.
  struct stat st;
  StatusOr<int> old = OpenRegularFile(path, O_WRONLY, &st);
  if (!old.ok() && old.status().code() != StatusCode::kNotFound) {
    return old.status();
  }
  Status status = WriteFileAtomically(path, contents, mode);
  if (!old.ok()) return status;
  if (!status.ok()) {
    CloseQuietly(*old);
    return status;
  }
  return ZeroAndClose(*old, static_cast<uint64_t>(st.st_size),
                      path + " (replaced copy)");
}

Status RemoveEmptyDirectory(const std::string& path) {
  if (rmdir(path.c_str()) != 0) {
    int err = errno;
    if (err == ENOTEMPTY || err == EEXIST) {
      return FailedPreconditionError("cannot remove directory " + path +
                                     ": it is not empty");
    }
    return ErrnoStatus(err, "cannot remove directory " + path);
  }
  return Status::Ok();
}

StatusOr<std::vector<std::string>> ListDirectory(const std::string& path) {
  DIR* dir = opendir(path.c_str());
  if (dir == nullptr) return ErrnoStatus(errno, "cannot list " + path);
  std::vector<std::string> names;
  for (;;) {
    errno = 0;
    struct dirent* entry = readdir(dir);
    if (entry == nullptr) {
      if (errno != 0) {
        Status status = ErrnoStatus(errno, "cannot list " + path);
        closedir(dir);
        return status;
      }
      break;
    }
    std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    names.emplace_back(name);
  }
  closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

Status CheckWritableDirectory(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    int err = errno;
    if (err == ENOENT) {
      return NotFoundError("vault directory " + path + " does not exist");
    }
    return ErrnoStatus(err, "cannot examine vault directory " + path);
  }
  if (!S_ISDIR(st.st_mode)) {
    return FailedPreconditionError("cannot use " + path +
                                   " as vault directory: not a directory");
  }
  // W_OK reports EROFS for a read-only file system even to root; X_OK is
  // needed to create entries in the directory.
  if (access(path.c_str(), W_OK | X_OK) != 0) {
    return ErrnoStatus(errno, "vault directory " + path + " is not writable");
  }
  return Status::Ok();
}

std::string JoinPath(std::string_view dir, std::string_view name) {
  if (dir.empty()) return std::string(name);
  std::string out(dir);
  if (out.back() != '/') out.push_back('/');
  out.append(name);
  return out;
}

std::string AbsolutePath(const std::string& path) {
  std::string full;
  if (!path.empty() && path.front() == '/') {
    full = path;
  } else {
    std::vector<char> buf(256);
    for (;;) {
      if (getcwd(buf.data(), buf.size()) != nullptr) {
        full = JoinPath(buf.data(), path);
        break;
      }
      if (errno != ERANGE) {
        // The current directory is gone or unreadable: the best that can be
        // done is the normalised relative path.
        full = path;
        break;
      }
      buf.resize(buf.size() * 2);
    }
  }

  std::vector<std::string_view> parts;
  std::string_view rest = full;
  while (!rest.empty()) {
    std::size_t slash = rest.find('/');
    std::string_view part = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view()
                                           : rest.substr(slash + 1);
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (full.front() != '/') {
        parts.push_back(part);  // A relative path may climb past its start.
      }
      continue;
    }
    parts.push_back(part);
  }

  bool absolute = !full.empty() && full.front() == '/';
  std::string out = absolute ? "/" : "";
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out.push_back('/');
    out.append(parts[i]);
  }
  if (out.empty()) out = ".";
  return out;
}

}  // namespace palabre::platform
