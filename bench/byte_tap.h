// ByteTap: a loopback TCP relay for the benchmarks that counts the bytes of
// each direction apart (tests/sync/tcp_proxy.h counts both together). It
// listens on 127.0.0.1 at an ephemeral port and forwards every accepted
// connection to 127.0.0.1:<target port>, byte for byte, as fast as it can;
// an end of stream is passed on as a half-close, an error closes both
// sides. Counts are the application bytes delivered (HTTP headers and
// bodies; not TCP/IP headers).
//
// POSIX sockets, one accepting thread and two threads per connection
// (blocking reads and writes). No exception leaves this code.
#ifndef PALABRE_BENCH_BYTE_TAP_H_
#define PALABRE_BENCH_BYTE_TAP_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "platform/status.h"

namespace palabre::bench {

class ByteTap {
 public:
  explicit ByteTap(int target_port);
  // Stops accepting, shuts every connection down and joins every thread.
  ~ByteTap();
  ByteTap(const ByteTap&) = delete;
  ByteTap& operator=(const ByteTap&) = delete;

  // Binds 127.0.0.1 at an ephemeral port and starts accepting.
  // kUnavailable with the OS reason if a socket call fails.
  Status Start();
  int port() const { return port_; }

  // Bytes delivered from the connecting peer to the target (up) and back
  // (down) since construction or the last ResetCounters().
  int64_t BytesUp() const { return up_.load(); }
  int64_t BytesDown() const { return down_.load(); }
  int64_t Connections() const { return connections_.load(); }
  void ResetCounters();

 private:
  struct Connection;
  void AcceptLoop();
  // Copies `from` to `to` until the end of `from` or an error.
  void Pump(int from, int to, std::atomic<int64_t>* counter);

  int target_port_;
  int port_ = 0;
  int listen_fd_ = -1;
  int wake_read_ = -1;
  int wake_write_ = -1;
  std::thread accept_thread_;
  std::atomic<int64_t> up_{0};
  std::atomic<int64_t> down_{0};
  std::atomic<int64_t> connections_{0};
  std::mutex mu_;
  bool stopping_ = false;                                      // guarded by mu_
  std::vector<std::unique_ptr<Connection>> connections_list_;  // by mu_
};

}  // namespace palabre::bench

#endif  // PALABRE_BENCH_BYTE_TAP_H_
