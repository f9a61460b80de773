// TcpProxy: a loopback TCP proxy for tests that simulates a bad link between
// two local peers (palabre's sync client and its HTTP server). It listens on
// 127.0.0.1 at an ephemeral port and forwards every accepted connection to
// 127.0.0.1:<target port>, byte for byte, in both directions. On request it
// cuts a connection after exactly n forwarded bytes, throttles each direction
// to a bit rate with a one-way delay (a 2G link: 50 kbit/s, 600 ms RTT),
// or drops every open connection at once.
//
// Every abrupt close (a cut, DropAll(), the proxy's destruction, a peer's
// reset or an unreachable target) closes both sockets of the connection with
// SO_LINGER {on, 0}: each peer receives a TCP reset, so after reading the
// bytes already delivered to it, its next read or write fails with
// ECONNRESET (EPIPE on a write). Bytes the proxy accepted from one peer but
// had not forwarded to the other are lost, as on a link that breaks. A peer
// that half-closes (shutdown(SHUT_WR)) is propagated as a half-close once
// the bytes it sent before have been delivered.
//
// POSIX sockets, poll() and one thread per connection plus one accepting
// thread. No exception leaves this code; failures are reported by Start()
// or seen by the peers as a closed connection.
#ifndef PALABRE_TESTS_SYNC_TCP_PROXY_H_
#define PALABRE_TESTS_SYNC_TCP_PROXY_H_

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "platform/status.h"

namespace palabre::testing {

class TcpProxy {
 public:
  // A proxy that will forward to 127.0.0.1:`target_port` once started.
  explicit TcpProxy(int target_port);
  // Stops accepting, resets every open connection (see the top of this
  // file), joins every thread and closes every socket.
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  // Binds 127.0.0.1 at an ephemeral port, listens and starts accepting.
  // Fails (kUnavailable, with the OS reason) if a socket call fails, or
  // (kFailedPrecondition) if called twice.
  Status Start();

  // The port the proxy listens on; valid once Start() has succeeded, 0
  // before.
  int port() const { return port_; }

  // Connections accepted from now on go to 127.0.0.1:`port`; connections
  // already open keep their server.
  void SetTarget(int port);

  // Arms a cut: from now on, bytes forwarded in either direction over all
  // connections are counted, and when forwarding a byte would make that
  // count exceed `n` (n >= 0; a negative n counts as 0), exactly the bytes
  // up to n are forwarded, then the connection that carried the excess is
  // reset on both sides and the cut disarms: later bytes and connections
  // pass untouched. A byte held back by SetLink() counts when it is
  // delivered, not when it is read. Re-arming restarts the count; arming
  // clears CutHappened().
  void ArmCut(int64_t n);
  // True once the cut armed last (or, with no ArmCut since, since
  // construction or ResetCounters()) has happened.
  bool CutHappened() const;

  // Bytes delivered to either peer, both directions and all connections
  // together, since construction or the last ResetCounters().
  int64_t BytesForwarded() const;
  // Connections accepted since construction or the last ResetCounters().
  int64_t ConnectionsAccepted() const;
  // Sets BytesForwarded() and ConnectionsAccepted() to 0 and clears
  // CutHappened(); leaves an armed cut armed, with its count.
  void ResetCounters();

  // Makes each direction of every connection a link of `bits_per_second`
  // with a one-way delay of `rtt_ms` / 2: a byte read from one peer is
  // delivered to the other no earlier than rtt_ms / 2 ms after it was read,
  // and each direction delivers no faster than the rate (bytes queue behind
  // one another). 0 (or less) means no rate limit, respectively no delay;
  // SetLink(0, 0), the default, forwards as fast as possible. Applies to
  // bytes (and half-closes) read from now on, in open and later
  // connections; the TCP handshake with the proxy itself is not delayed.
  // Each direction buffers at most 64 KiB in the proxy; beyond that the
  // sender's socket fills up as on a slow link.
  void SetLink(int64_t bits_per_second, int rtt_ms);

  // Resets every connection open now on both sides (a link that drops) and
  // returns once their sockets are closed. Connections still waiting in the
  // listen queue are not affected; later connections pass as before.
  void DropAll();

 private:
  struct Connection;
  struct Direction;
  enum class Delivery { kIdle, kBlocked, kCut, kError };

  void AcceptLoop();
  // The body of a connection's thread: connects, pumps, closes.
  void Serve(Connection* conn);
  // Connects to `conn`'s target; false if it is unreachable or `conn` is
  // dropped meanwhile.
  bool ConnectTarget(Connection* conn, int* server_fd);
  // Forwards between the two sockets until both directions have ended
  // (true: close both normally) or one must be reset (false).
  bool Pump(Connection* conn, int client_fd, int server_fd);
  // Sends the bytes of `dir` that are due at `now_ns`.
  Delivery Deliver(Direction* dir, int64_t now_ns);
  // Reads once from `dir`'s source into its queue.
  void ReadSource(Direction* dir, int64_t now_ns);
  // When the end of `dir`'s source, seen at `now_ns`, reaches the other
  // side.
  int64_t EndArrival(const Direction& dir, int64_t now_ns) const;
  bool DropRequested(const Connection* conn) const;
  // Joins and frees the connections whose thread has ended.
  void ReapFinished();

  // Written only by Start(), before any thread runs.
  int port_ = 0;
  int listen_fd_ = -1;
  int wake_read_ = -1;  // the accepting thread's wake-up pipe
  int wake_write_ = -1;
  std::thread accept_thread_;

  mutable std::mutex mu_;
  std::condition_variable closed_cv_;  // a connection closed its sockets
  int target_port_;                    // guarded by mu_
  bool stopping_ = false;              // guarded by mu_
  bool cut_armed_ = false;             // guarded by mu_
  int64_t cut_limit_ = 0;              // guarded by mu_
  int64_t cut_count_ = 0;              // guarded by mu_
  bool cut_happened_ = false;          // guarded by mu_
  int64_t bytes_forwarded_ = 0;        // guarded by mu_
  int64_t connections_accepted_ = 0;   // guarded by mu_
  int64_t link_bits_per_second_ = 0;   // guarded by mu_
  int link_rtt_ms_ = 0;                // guarded by mu_
  std::vector<std::unique_ptr<Connection>> connections_;  // guarded by mu_
};

}  // namespace palabre::testing

#endif  // PALABRE_TESTS_SYNC_TCP_PROXY_H_
