// SocketHandle on POSIX: fcntl(F_DUPFD_CLOEXEC) and shutdown(2). On Linux,
// shutdown of a socket whose connect is in progress aborts the connect.
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "platform/socket_handle.h"

namespace palabre::platform {

SocketHandle::~SocketHandle() {
  if (fd_ >= 0) ::close(fd_);
}

void SocketHandle::Track(int socket) {
  std::lock_guard<std::mutex> lock(mu_);
  if (fd_ >= 0) ::close(fd_);
  fd_ = ::fcntl(socket, F_DUPFD_CLOEXEC, 0);
  if (cut_ && fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
}

void SocketHandle::Cut() {
  std::lock_guard<std::mutex> lock(mu_);
  cut_ = true;
  if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
}

}  // namespace palabre::platform
