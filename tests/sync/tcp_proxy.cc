// TcpProxy (tests/sync/tcp_proxy.h): a loopback TCP proxy that forwards,
// cuts, throttles and drops connections for the sync tests.
//
// One thread accepts; each accepted connection gets its own thread, which
// connects to the target and then pumps both directions with poll() on
// non-blocking sockets. Each direction keeps a queue of chunks stamped with
// the time their first byte entered the simulated link and the link's
// per-byte time and delay at that moment, so byte k of a chunk is due at
// start + delay + (k + 1) * ns_per_byte: the rate and the delay come from
// timestamps, not from sleeps, and do not drift. poll()'s timeout is the
// next due time. A connection's thread is woken through its own pipe
// (DropAll(), destruction); the proxy's mutex guards every shared field and
// is held across each send() so that the cut count is exact across
// concurrent connections.
#include "tests/sync/tcp_proxy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cmath>
#include <deque>
#include <string>
#include <system_error>
#include <utility>

namespace palabre::testing {
namespace {

// Bytes a direction holds at most in the proxy before it stops reading.
constexpr size_t kMaxQueued = 64 * 1024;
// Bytes read at most at once.
constexpr size_t kReadSize = 16 * 1024;
constexpr int64_t kNever = INT64_MAX;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Status ErrnoError(const char* what) {
  return UnavailableError(std::string("TcpProxy: ") + what + ": " +
                          std::generic_category().message(errno));
}

sockaddr_in Loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

// Wakes the thread polling the read end of the pipe whose write end is
// `fd`. A full pipe already wakes it.
void Wake(int fd) {
  const char byte = 1;
  ssize_t ignored = write(fd, &byte, 1);
  (void)ignored;
}

void Drain(int fd) {
  char buf[64];
  while (read(fd, buf, sizeof buf) > 0) {
  }
}

// Closes `fd`; with `reset`, with SO_LINGER {on, 0} so that the peer gets a
// TCP reset and unsent bytes are dropped.
void CloseSocket(int fd, bool reset) {
  if (fd < 0) return;
  if (reset) {
    linger lin{};
    lin.l_onoff = 1;
    lin.l_linger = 0;
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lin, sizeof lin);
  }
  close(fd);
}

}  // namespace

struct TcpProxy::Connection {
  ~Connection() {
    if (wake_read >= 0) close(wake_read);
    if (wake_write >= 0) close(wake_write);
  }

  int client_fd = -1;  // owned by the thread once it runs
  int target_port = 0;
  int wake_read = -1;
  int wake_write = -1;
  std::thread thread;
  bool drop = false;    // guarded by mu_: reset both sides now
  bool closed = false;  // guarded by mu_: sockets closed, thread ending
};

// One direction of a connection: bytes read from `src` wait in `queue`
// until due, then go to `dst`.
struct TcpProxy::Direction {
  struct Chunk {
    std::string bytes;
    size_t sent = 0;
    int64_t start_ns = 0;  // when its first byte entered the link
    int64_t delay_ns = 0;
    double ns_per_byte = 0;  // 0: no rate limit
  };

  // How many bytes of `chunk` are due at `now_ns`.
  static size_t Due(const Chunk& chunk, int64_t now_ns) {
    const int64_t elapsed = now_ns - chunk.start_ns - chunk.delay_ns;
    if (elapsed < 0) return 0;
    if (chunk.ns_per_byte <= 0) return chunk.bytes.size();
    const double due =
        std::floor(static_cast<double>(elapsed) / chunk.ns_per_byte);
    if (due >= static_cast<double>(chunk.bytes.size())) {
      return chunk.bytes.size();
    }
    return static_cast<size_t>(due);
  }
  // When the first unsent byte of `chunk` is due (a nanosecond late rather
  // than early, against rounding).
  static int64_t NextDue(const Chunk& chunk) {
    return chunk.start_ns + chunk.delay_ns + 1 +
           static_cast<int64_t>(std::ceil(static_cast<double>(chunk.sent + 1) *
                                          chunk.ns_per_byte));
  }

  int src = -1;
  int dst = -1;
  std::deque<Chunk> queue;
  size_t queued = 0;           // unsent bytes in `queue`
  int64_t link_free_ns = 0;    // when the link has sent what is queued
  bool blocked = false;        // `dst` is full: wait for POLLOUT
  bool src_ended = false;      // no more bytes from `src`
  bool src_reset = false;      // ... because it failed: reset `dst` too
  int64_t end_arrival_ns = 0;  // when that end reaches `dst`
  bool done = false;           // `dst` was shut down or has failed
};

TcpProxy::TcpProxy(int target_port) : target_port_(target_port) {}

TcpProxy::~TcpProxy() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  if (accept_thread_.joinable()) {
    Wake(wake_write_);
    accept_thread_.join();
  }
  std::vector<std::unique_ptr<Connection>> connections;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& conn : connections_) {
      conn->drop = true;
      Wake(conn->wake_write);
    }
    connections.swap(connections_);
  }
  for (auto& conn : connections) {
    if (conn->thread.joinable()) conn->thread.join();
  }
  if (listen_fd_ >= 0) close(listen_fd_);
  if (wake_read_ >= 0) close(wake_read_);
  if (wake_write_ >= 0) close(wake_write_);
}

Status TcpProxy::Start() {
  if (listen_fd_ >= 0) {
    return FailedPreconditionError("TcpProxy: Start() called twice");
  }
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return ErrnoError("socket");
  sockaddr_in addr = Loopback(0);
  socklen_t len = sizeof addr;
  int wake[2];
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(fd, SOMAXCONN) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
      pipe2(wake, O_NONBLOCK | O_CLOEXEC) != 0) {
    Status status = ErrnoError("listening on 127.0.0.1");
    close(fd);
    return status;
  }
  listen_fd_ = fd;
  wake_read_ = wake[0];
  wake_write_ = wake[1];
  port_ = ntohs(addr.sin_port);
  try {
    accept_thread_ = std::thread(&TcpProxy::AcceptLoop, this);
  } catch (const std::system_error& e) {
    return UnavailableError(std::string("TcpProxy: thread: ") + e.what());
  }
  return Status::Ok();
}

void TcpProxy::SetTarget(int port) {
  std::lock_guard<std::mutex> lock(mu_);
  target_port_ = port;
}

void TcpProxy::ArmCut(int64_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  cut_armed_ = true;
  cut_limit_ = std::max<int64_t>(n, 0);
  cut_count_ = 0;
  cut_happened_ = false;
}

bool TcpProxy::CutHappened() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cut_happened_;
}

int64_t TcpProxy::BytesForwarded() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_forwarded_;
}

int64_t TcpProxy::ConnectionsAccepted() const {
  std::lock_guard<std::mutex> lock(mu_);
  return connections_accepted_;
}

void TcpProxy::ResetCounters() {
  std::lock_guard<std::mutex> lock(mu_);
  bytes_forwarded_ = 0;
  connections_accepted_ = 0;
  cut_happened_ = false;
}

void TcpProxy::SetLink(int64_t bits_per_second, int rtt_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  link_bits_per_second_ = std::max<int64_t>(bits_per_second, 0);
  link_rtt_ms_ = std::max(rtt_ms, 0);
}

void TcpProxy::DropAll() {
  std::unique_lock<std::mutex> lock(mu_);
  for (auto& conn : connections_) {
    if (conn->closed) continue;
    conn->drop = true;
    Wake(conn->wake_write);
  }
  // Reaping only removes closed connections, so the dropped ones that are
  // still open are all in the list.
  closed_cv_.wait(lock, [this] {
    return std::none_of(
        connections_.begin(), connections_.end(),
        [](const auto& conn) { return conn->drop && !conn->closed; });
  });
}

void TcpProxy::AcceptLoop() {
  while (true) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_read_, POLLIN, 0}};
    const int ready = poll(fds, 2, -1);
    ReapFinished();
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
    }
    if (ready < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) Drain(wake_read_);
    if ((fds[0].revents & POLLIN) == 0) continue;
    const int fd =
        accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) continue;  // the client gave up, or no descriptor left
    try {
      auto conn = std::make_unique<Connection>();
      conn->client_fd = fd;
      int wake[2];
      if (pipe2(wake, O_NONBLOCK | O_CLOEXEC) != 0) {
        CloseSocket(fd, /*reset=*/true);
        continue;
      }
      conn->wake_read = wake[0];
      conn->wake_write = wake[1];
      std::lock_guard<std::mutex> lock(mu_);
      conn->target_port = target_port_;
      Connection* raw = conn.get();
      connections_.push_back(std::move(conn));
      try {
        // Under mu_, so the thread cannot mark itself closed (and be
        // reaped) before `thread` is set.
        raw->thread = std::thread(&TcpProxy::Serve, this, raw);
      } catch (...) {
        connections_.pop_back();
        CloseSocket(fd, /*reset=*/true);
        continue;
      }
      ++connections_accepted_;
    } catch (...) {  // out of memory: refuse this connection
      CloseSocket(fd, /*reset=*/true);
    }
  }
}

void TcpProxy::ReapFinished() {
  std::vector<std::unique_ptr<Connection>> finished;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it =
        std::stable_partition(connections_.begin(), connections_.end(),
                              [](const auto& conn) { return !conn->closed; });
    for (auto i = it; i != connections_.end(); ++i) {
      finished.push_back(std::move(*i));
    }
    connections_.erase(it, connections_.end());
  }
  for (auto& conn : finished) {
    if (conn->thread.joinable()) conn->thread.join();
  }
}

bool TcpProxy::DropRequested(const Connection* conn) const {
  std::lock_guard<std::mutex> lock(mu_);
  return conn->drop;
}

void TcpProxy::Serve(Connection* conn) {
  int server_fd = -1;
  bool reset = true;
  try {
    if (ConnectTarget(conn, &server_fd)) {
      reset = !Pump(conn, conn->client_fd, server_fd);
    }
  } catch (...) {  // out of memory: the link breaks
    reset = true;
  }
  CloseSocket(conn->client_fd, reset);
  CloseSocket(server_fd, reset);
  std::lock_guard<std::mutex> lock(mu_);
  conn->closed = true;
  closed_cv_.notify_all();
}

bool TcpProxy::ConnectTarget(Connection* conn, int* server_fd) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const sockaddr_in addr = Loopback(conn->target_port);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 &&
      errno != EINPROGRESS) {
    close(fd);
    return false;
  }
  // Connecting (or connected): wait until writable, unless dropped.
  while (true) {
    pollfd fds[2] = {{fd, POLLOUT, 0}, {conn->wake_read, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0 && errno != EINTR) break;
    if (fds[1].revents != 0) Drain(conn->wake_read);
    if (DropRequested(conn)) break;
    if (fds[0].revents == 0) continue;
    int error = 0;
    socklen_t len = sizeof error;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0 || error != 0) {
      break;
    }
    *server_fd = fd;
    return true;
  }
  CloseSocket(fd, /*reset=*/true);
  return false;
}

int64_t TcpProxy::EndArrival(const Direction& dir, int64_t now_ns) const {
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t delay_ns = int64_t{link_rtt_ms_} * 1000000 / 2;
  return std::max(now_ns, dir.link_free_ns) + delay_ns;
}

void TcpProxy::ReadSource(Direction* dir, int64_t now_ns) {
  char buf[kReadSize];
  const size_t room = std::min(kMaxQueued - dir->queued, sizeof buf);
  const ssize_t got = recv(dir->src, buf, room, 0);
  if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
    return;
  }
  if (got <= 0) {  // the end of the stream, or the peer reset it
    dir->src_ended = true;
    dir->src_reset = got < 0;
    dir->end_arrival_ns = EndArrival(*dir, now_ns);
    return;
  }
  Direction::Chunk chunk;
  {
    std::lock_guard<std::mutex> lock(mu_);
    chunk.delay_ns = int64_t{link_rtt_ms_} * 1000000 / 2;
    chunk.ns_per_byte = link_bits_per_second_ > 0
                            ? 8e9 / static_cast<double>(link_bits_per_second_)
                            : 0;
  }
  chunk.bytes.assign(buf, static_cast<size_t>(got));
  chunk.start_ns = std::max(now_ns, dir->link_free_ns);
  dir->link_free_ns =
      chunk.start_ns + static_cast<int64_t>(std::ceil(static_cast<double>(got) *
                                                      chunk.ns_per_byte));
  dir->queued += chunk.bytes.size();
  dir->queue.push_back(std::move(chunk));
}

TcpProxy::Delivery TcpProxy::Deliver(Direction* dir, int64_t now_ns) {
  dir->blocked = false;
  while (!dir->queue.empty()) {
    Direction::Chunk& chunk = dir->queue.front();
    const size_t due = Direction::Due(chunk, now_ns);
    if (due <= chunk.sent) return Delivery::kIdle;
    size_t allowed = due - chunk.sent;
    bool cut = false;
    std::lock_guard<std::mutex> lock(mu_);
    if (cut_armed_ && static_cast<int64_t>(allowed) > cut_limit_ - cut_count_) {
      allowed = static_cast<size_t>(cut_limit_ - cut_count_);
      cut = true;
    }
    if (allowed > 0) {
      const ssize_t sent = send(dir->dst, chunk.bytes.data() + chunk.sent,
                                allowed, MSG_NOSIGNAL);
      if (sent < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
          dir->blocked = true;
          return Delivery::kBlocked;
        }
        return Delivery::kError;
      }
      chunk.sent += static_cast<size_t>(sent);
      dir->queued -= static_cast<size_t>(sent);
      bytes_forwarded_ += sent;
      if (cut_armed_) cut_count_ += sent;
      if (static_cast<size_t>(sent) < allowed) {
        dir->blocked = true;
        return Delivery::kBlocked;
      }
    }
    if (cut) {
      cut_armed_ = false;
      cut_happened_ = true;
      return Delivery::kCut;
    }
    if (chunk.sent == chunk.bytes.size()) dir->queue.pop_front();
  }
  return Delivery::kIdle;
}

bool TcpProxy::Pump(Connection* conn, int client_fd, int server_fd) {
  Direction up;  // client to server
  up.src = client_fd;
  up.dst = server_fd;
  Direction down;  // server to client
  down.src = server_fd;
  down.dst = client_fd;
  // dirs[i] reads from sockets[i] and writes to sockets[1 - i].
  Direction* const dirs[2] = {&up, &down};
  const int sockets[2] = {client_fd, server_fd};
  // sockets[i] reported POLLHUP or POLLERR: poll it only when asking for an
  // event, or poll() would return at once forever.
  bool hung_up[2] = {false, false};

  while (true) {
    if (DropRequested(conn)) return false;
    int64_t now = NowNs();
    for (int i = 0; i < 2; ++i) {
      Direction* dir = dirs[i];
      if (dir->done) continue;
      const Delivery delivery = Deliver(dir, now);
      if (delivery == Delivery::kCut) return false;
      if (delivery == Delivery::kError) {
        // The destination failed (its peer reset): what was queued for it
        // is lost, and nothing more comes from it; the reset reaches the
        // other peer after the bytes already on their way to it.
        dir->done = true;
        dir->src_ended = true;  // stop reading what can no longer go
        dir->queue.clear();
        dir->queued = 0;
        Direction* other = dirs[1 - i];
        if (!other->src_ended) {
          other->src_ended = true;
          other->src_reset = true;
          other->end_arrival_ns = EndArrival(*other, now);
        }
        continue;
      }
      if (dir->src_ended && dir->queue.empty() && now >= dir->end_arrival_ns) {
        if (dir->src_reset) return false;
        shutdown(dir->dst, SHUT_WR);
        dir->done = true;
      }
    }
    if (up.done && down.done) return true;

    pollfd fds[3];
    fds[0] = {conn->wake_read, POLLIN, 0};
    int64_t next = kNever;
    for (int i = 0; i < 2; ++i) {
      const Direction* out = dirs[i];     // reads sockets[i]
      const Direction* in = dirs[1 - i];  // writes sockets[i]
      short events = 0;
      if (!out->src_ended && out->queued < kMaxQueued) events |= POLLIN;
      if (!in->done && in->blocked) events |= POLLOUT;
      fds[1 + i] = {events == 0 && hung_up[i] ? -1 : sockets[i], events, 0};
      if (out->done) continue;
      if (!out->queue.empty()) {
        if (!out->blocked) {
          next = std::min(next, Direction::NextDue(out->queue.front()));
        }
      } else if (out->src_ended) {
        next = std::min(next, out->end_arrival_ns);
      }
    }
    int timeout_ms = -1;
    if (next != kNever) {
      const int64_t wait_ns = next - NowNs();
      timeout_ms = wait_ns <= 0 ? 0
                                : static_cast<int>(std::min<int64_t>(
                                      (wait_ns + 999999) / 1000000, INT_MAX));
    }
    if (poll(fds, 3, timeout_ms) < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (fds[0].revents != 0) Drain(conn->wake_read);
    now = NowNs();
    for (int i = 0; i < 2; ++i) {
      const short revents = fds[1 + i].revents;
      if ((revents & (POLLHUP | POLLERR)) != 0) hung_up[i] = true;
      if ((fds[1 + i].events & POLLIN) != 0 &&
          (revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
        ReadSource(dirs[i], now);
      }
    }
  }
}

}  // namespace palabre::testing
