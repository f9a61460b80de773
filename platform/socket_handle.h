// A second handle on a network socket, so that another thread can cut the
// connection (sync/http_client.h's Abort: a lock must not wait for a 2G
// link, nor for a connection still being set up).
//
// The handle is a duplicate descriptor: it stays ours even after the
// library that opened the socket closes its own, so cutting it can never
// hit an unrelated descriptor that reused the number.
#ifndef PALABRE_PLATFORM_SOCKET_HANDLE_H_
#define PALABRE_PLATFORM_SOCKET_HANDLE_H_

#include <mutex>

namespace palabre::platform {

class SocketHandle {
 public:
  SocketHandle() = default;
  ~SocketHandle();  // releases the duplicate
  SocketHandle(const SocketHandle&) = delete;
  SocketHandle& operator=(const SocketHandle&) = delete;

  // Follows `socket` from now on (releasing the previous one); if Cut was
  // called before, cuts it at once. Thread-safe.
  void Track(int socket);
  // Shuts the tracked socket down both ways: a connect in progress fails,
  // a blocked read or write returns. Later Track calls cut at once too.
  // Thread-safe; callable from any thread.
  void Cut();

 private:
  std::mutex mu_;
  int fd_ = -1;
  bool cut_ = false;
};

}  // namespace palabre::platform

#endif  // PALABRE_PLATFORM_SOCKET_HANDLE_H_
