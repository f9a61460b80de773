// The test proxy (tests/sync/tcp_proxy.h), against an echo server of this
// file's own on 127.0.0.1: bytes pass both ways unchanged, half-closes
// propagate, many connections (one after another and at once) pass and are
// counted, SetTarget() moves later connections; an armed cut forwards
// exactly n bytes, then the client sees a reset, and the next connection is
// untouched; a throttled link takes at least its theoretical time; DropAll()
// and the proxy's end reset live connections; an unreachable target resets
// the client.
#include "tests/sync/tcp_proxy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace palabre::testing {
namespace {

// How long a test waits for something that should be immediate before it
// fails instead of hanging.
constexpr int kPatienceSeconds = 10;

sockaddr_in Loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

// `size` bytes that differ from one offset (and one `seed`) to the next.
std::string Payload(size_t size, int seed) {
  std::string bytes(size, '\0');
  uint32_t x = 2463534242u + static_cast<uint32_t>(seed);
  for (char& c : bytes) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x);
  }
  return bytes;
}

// An echo server on 127.0.0.1 at an ephemeral port: one thread accepts, one
// thread per connection sends back every byte it reads (and goes on reading
// if sending fails), then closes when the peer ends or resets. Counts
// connections and the bytes it received. Never uses Catch (not thread-safe).
class EchoServer {
 public:
  EchoServer() {
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr = Loopback(0);
    socklen_t len = sizeof addr;
    if (listen_fd_ < 0 ||
        bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) !=
            0 ||
        listen(listen_fd_, SOMAXCONN) != 0 ||
        getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) !=
            0 ||
        pipe2(wake_, O_CLOEXEC) != 0) {
      return;  // port() stays 0
    }
    port_ = ntohs(addr.sin_port);
    accept_thread_ = std::thread([this] { AcceptLoop(); });
  }

  ~EchoServer() {
    if (accept_thread_.joinable()) {
      const char byte = 1;
      ssize_t ignored = write(wake_[1], &byte, 1);
      (void)ignored;
      accept_thread_.join();
    }
    {
      // Unblocks the connections still open; each closes its own socket.
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& conn : connections_) {
        if (conn->fd >= 0) shutdown(conn->fd, SHUT_RDWR);
      }
    }
    for (const auto& conn : connections_) conn->thread.join();
    if (listen_fd_ >= 0) close(listen_fd_);
    if (wake_[0] >= 0) close(wake_[0]);
    if (wake_[1] >= 0) close(wake_[1]);
  }

  EchoServer(const EchoServer&) = delete;
  EchoServer& operator=(const EchoServer&) = delete;

  // 0 if the server could not start.
  int port() const { return port_; }

  int Accepted() const {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<int>(connections_.size());
  }
  int64_t BytesReceived() const {
    std::lock_guard<std::mutex> lock(mu_);
    return bytes_received_;
  }
  // Waits until `count` connections have ended; false after
  // kPatienceSeconds.
  bool WaitForEnded(int count) {
    std::unique_lock<std::mutex> lock(mu_);
    return ended_cv_.wait_for(lock, std::chrono::seconds(kPatienceSeconds),
                              [&] { return ended_ >= count; });
  }

 private:
  struct Connection {
    int fd = -1;  // guarded by mu_; -1 once closed
    std::thread thread;
  };

  void AcceptLoop() {
    while (true) {
      pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
      if (poll(fds, 2, -1) < 0 && errno != EINTR) return;
      if (fds[1].revents != 0) return;
      if ((fds[0].revents & POLLIN) == 0) continue;
      const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      std::lock_guard<std::mutex> lock(mu_);
      auto conn = std::make_unique<Connection>();
      conn->fd = fd;
      Connection* raw = conn.get();
      conn->thread = std::thread([this, raw, fd] { Echo(raw, fd); });
      connections_.push_back(std::move(conn));
    }
  }

  void Echo(Connection* conn, int fd) {
    char buf[4096];
    bool echoing = true;
    while (true) {
      const ssize_t got = recv(fd, buf, sizeof buf, 0);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) break;
      {
        std::lock_guard<std::mutex> lock(mu_);
        bytes_received_ += got;
      }
      for (ssize_t off = 0; echoing && off < got;) {
        const ssize_t sent = send(fd, buf + off, got - off, MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR) continue;
        if (sent <= 0) {
          echoing = false;  // but keep counting what arrives
          break;
        }
        off += sent;
      }
    }
    std::lock_guard<std::mutex> lock(mu_);
    close(fd);
    conn->fd = -1;
    ++ended_;
    ended_cv_.notify_all();
  }

  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};
  int port_ = 0;
  std::thread accept_thread_;
  mutable std::mutex mu_;
  std::condition_variable ended_cv_;
  std::vector<std::unique_ptr<Connection>> connections_;  // guarded by mu_
  int64_t bytes_received_ = 0;                            // guarded by mu_
  int ended_ = 0;                                         // guarded by mu_
};

// A blocking client socket connected to 127.0.0.1:`port` whose reads and
// writes give up after kPatienceSeconds; closed when the object dies.
class Client {
 public:
  explicit Client(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return;
    timeval patience{};
    patience.tv_sec = kPatienceSeconds;
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &patience, sizeof patience);
    const sockaddr_in addr = Loopback(port);
    if (connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) !=
        0) {
      close(fd_);
      fd_ = -1;
    }
  }
  ~Client() {
    if (fd_ >= 0) close(fd_);
  }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return fd_ >= 0; }

  // False if the connection failed before every byte was sent.
  bool Send(const std::string& bytes) {
    for (size_t off = 0; off < bytes.size();) {
      const ssize_t sent =
          send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (sent < 0 && errno == EINTR) continue;
      if (sent <= 0) return false;
      off += static_cast<size_t>(sent);
    }
    return true;
  }

  void ShutdownWrite() { shutdown(fd_, SHUT_WR); }

  // What the connection delivered, and how reading stopped.
  struct Received {
    std::string bytes;
    bool eof = false;  // an orderly end
    int error = 0;     // errno of the failed read (EAGAIN: patience ran out)
  };
  // Reads until `limit` bytes have come, the end of the stream, or an error.
  Received Receive(size_t limit) {
    Received received;
    char buf[4096];
    while (received.bytes.size() < limit) {
      const ssize_t got = recv(
          fd_, buf, std::min(sizeof buf, limit - received.bytes.size()), 0);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) {
        received.error = errno;
        break;
      }
      if (got == 0) {
        received.eof = true;
        break;
      }
      received.bytes.append(buf, static_cast<size_t>(got));
    }
    return received;
  }
  // Reads until the end of the stream or an error.
  Received ReceiveAll() { return Receive(SIZE_MAX); }

 private:
  int fd_ = -1;
};

// Sends `payload` through a new connection to `port` and reads as many
// bytes back; true if they are the same.
bool RoundTrip(int port, const std::string& payload) {
  Client client(port);
  if (!client.connected() || !client.Send(payload)) return false;
  return client.Receive(payload.size()).bytes == payload;
}

// A connection that was reset, or at least ended, and did not time out.
bool EndedAbruptly(const Client::Received& received) {
  return received.eof || received.error == ECONNRESET;
}

TEST_CASE("TcpProxy forwards both ways unchanged and counts bytes", "[proxy]") {
  EchoServer echo;
  REQUIRE(echo.port() != 0);
  TcpProxy proxy(echo.port());
  REQUIRE(proxy.port() == 0);
  const Status started = proxy.Start();
  INFO(started.ToString());
  REQUIRE(started.ok());
  REQUIRE(proxy.port() != 0);
  CHECK_FALSE(proxy.Start().ok());

  const std::string payload = Payload(100000, 1);
  CHECK(RoundTrip(proxy.port(), payload));
  CHECK(proxy.BytesForwarded() == 2 * 100000);
  CHECK(proxy.ConnectionsAccepted() == 1);
  CHECK_FALSE(proxy.CutHappened());

  SECTION(
      "a half-close reaches the server, and the server's close the client") {
    Client client(proxy.port());
    REQUIRE(client.connected());
    REQUIRE(client.Send("ping"));
    client.ShutdownWrite();
    const Client::Received received = client.ReceiveAll();
    CHECK(received.bytes == "ping");
    CHECK(received.eof);
    CHECK(received.error == 0);
  }
  SECTION("connections one after another and at once") {
    for (int i = 0; i < 40; ++i) {
      INFO("connection " << i);
      REQUIRE(RoundTrip(proxy.port(), Payload(100, i)));
    }
    constexpr int kAtOnce = 8;
    constexpr size_t kSize = 20000;
    std::vector<char> ok(kAtOnce, 0);  // not vector<bool>: one byte each
    std::vector<std::thread> threads;
    for (int i = 0; i < kAtOnce; ++i) {
      threads.emplace_back([&, i] {
        // Everyone connected before anyone sends.
        Client client(proxy.port());
        if (!client.connected()) return;
        const std::string mine = Payload(kSize, 100 + i);
        ok[i] = client.Send(mine) && client.Receive(kSize).bytes == mine;
      });
    }
    for (std::thread& thread : threads) thread.join();
    for (int i = 0; i < kAtOnce; ++i) {
      INFO("concurrent connection " << i);
      CHECK(ok[i]);
    }
    CHECK(proxy.ConnectionsAccepted() == 1 + 40 + kAtOnce);
    CHECK(proxy.BytesForwarded() ==
          2 * (100000 + 40 * 100 + int64_t{kAtOnce} * kSize));
    proxy.ResetCounters();
    CHECK(proxy.ConnectionsAccepted() == 0);
    CHECK(proxy.BytesForwarded() == 0);
  }
  SECTION("SetTarget moves later connections to another server") {
    EchoServer other;
    REQUIRE(other.port() != 0);
    Client before(proxy.port());  // stays with `echo`
    REQUIRE(before.connected());
    REQUIRE(before.Send("open"));  // the proxy has accepted it
    REQUIRE(before.Receive(4).bytes == "open");
    proxy.SetTarget(other.port());
    CHECK(RoundTrip(proxy.port(), payload));
    CHECK(other.Accepted() == 1);
    REQUIRE(before.Send("still here"));
    CHECK(before.Receive(10).bytes == "still here");
    CHECK(echo.Accepted() == 2);
  }
}

TEST_CASE("TcpProxy ArmCut forwards exactly n bytes then resets", "[proxy]") {
  constexpr int64_t kSize = 1000;  // each way: 2 * kSize bytes in all
  struct Case {
    const char* name;
    int64_t n;
  };
  const Case cases[] = {
      {"nothing", 0},
      {"one byte", 1},
      {"half: the request only", kSize},
      {"all but the last byte", 2 * kSize - 1},
  };
  for (const Case& c : cases) {
    INFO("cut after " << c.n << " bytes (" << c.name << ")");
    EchoServer echo;
    REQUIRE(echo.port() != 0);
    TcpProxy proxy(echo.port());
    REQUIRE(proxy.Start().ok());
    proxy.ArmCut(c.n);
    const std::string payload = Payload(kSize, static_cast<int>(c.n));
    {
      Client client(proxy.port());
      REQUIRE(client.connected());
      // May fail once the proxy has cut.
      client.Send(payload);
      const Client::Received received = client.ReceiveAll();
      CHECK(EndedAbruptly(received));
      CHECK(received.bytes == payload.substr(0, received.bytes.size()));
      REQUIRE(echo.WaitForEnded(1));
      CHECK(echo.BytesReceived() +
                static_cast<int64_t>(received.bytes.size()) ==
            c.n);
      CHECK(proxy.BytesForwarded() == c.n);
      CHECK(proxy.CutHappened());
    }
    // Disarmed: the next connection is untouched.
    CHECK(RoundTrip(proxy.port(), payload));
    CHECK(proxy.BytesForwarded() == c.n + 2 * kSize);
    CHECK(proxy.CutHappened());
    CHECK(proxy.ConnectionsAccepted() == 2);
  }
}

TEST_CASE("TcpProxy ArmCut counts over connections from the moment of arming",
          "[proxy]") {
  EchoServer echo;
  REQUIRE(echo.port() != 0);
  TcpProxy proxy(echo.port());
  REQUIRE(proxy.Start().ok());
  REQUIRE(RoundTrip(proxy.port(), Payload(500, 1)));  // not counted
  proxy.ArmCut(1500);
  REQUIRE(RoundTrip(proxy.port(), Payload(500, 2)));  // 1000 counted
  CHECK_FALSE(proxy.CutHappened());
  Client client(proxy.port());
  REQUIRE(client.connected());
  client.Send(Payload(500, 3));
  const Client::Received received = client.ReceiveAll();
  CHECK(EndedAbruptly(received));
  REQUIRE(echo.WaitForEnded(3));
  CHECK(proxy.CutHappened());
  CHECK(proxy.BytesForwarded() == 1000 + 1500);
  CHECK(echo.BytesReceived() == 3 * 500);
  CHECK(received.bytes.empty());
}

TEST_CASE("TcpProxy SetLink delays and throttles each direction", "[proxy]") {
  using Clock = std::chrono::steady_clock;
  using std::chrono::milliseconds;
  EchoServer echo;
  REQUIRE(echo.port() != 0);
  TcpProxy proxy(echo.port());
  REQUIRE(proxy.Start().ok());
  Client client(proxy.port());
  REQUIRE(client.connected());

  SECTION("delay only: a one-byte round trip takes the RTT") {
    proxy.SetLink(0, 200);
    const Clock::time_point start = Clock::now();
    REQUIRE(client.Send("x"));
    CHECK(client.Receive(1).bytes == "x");
    const auto elapsed = Clock::now() - start;
    CHECK(elapsed >= milliseconds(200));
    CHECK(elapsed < milliseconds(2000));
  }
  SECTION("80 kbit/s and 200 ms: 10 kB each way take 1 s + the RTT") {
    proxy.SetLink(80000, 200);
    const std::string payload = Payload(10000, 7);
    const Clock::time_point start = Clock::now();
    REQUIRE(client.Send(payload));
    CHECK(client.Receive(payload.size()).bytes == payload);
    const auto elapsed = Clock::now() - start;
    // The echo pipelines, so each direction's 10000 bytes take 1 s at
    // 10000 B/s, one after the other only by the one-way delays.
    CHECK(elapsed >= milliseconds(1200));
    CHECK(elapsed < milliseconds(12000));
  }
  // Back to an unlimited link for bytes read from now on.
  proxy.SetLink(0, 0);
  const Clock::time_point start = Clock::now();
  CHECK(RoundTrip(proxy.port(), Payload(10000, 8)));
  CHECK(Clock::now() - start < milliseconds(1000));
}

TEST_CASE("TcpProxy DropAll and its destruction reset live connections",
          "[proxy]") {
  EchoServer echo;
  REQUIRE(echo.port() != 0);
  auto proxy = std::make_unique<TcpProxy>(echo.port());
  REQUIRE(proxy->Start().ok());
  {
    Client first(proxy->port());
    Client second(proxy->port());
    REQUIRE(first.connected());
    REQUIRE(second.connected());
    REQUIRE(first.Send("abc"));
    REQUIRE(second.Send("de"));
    REQUIRE(first.Receive(3).bytes == "abc");
    REQUIRE(second.Receive(2).bytes == "de");
    proxy->DropAll();
    // Sockets closed before DropAll() returned: the ends are already here.
    CHECK(EndedAbruptly(first.ReceiveAll()));
    CHECK(EndedAbruptly(second.ReceiveAll()));
    CHECK(echo.WaitForEnded(2));
  }
  CHECK(RoundTrip(proxy->port(), "later connections pass"));

  Client live(proxy->port());
  REQUIRE(live.connected());
  REQUIRE(live.Send("abc"));
  REQUIRE(live.Receive(3).bytes == "abc");
  proxy.reset();
  CHECK(EndedAbruptly(live.ReceiveAll()));
  CHECK(echo.WaitForEnded(4));
}

TEST_CASE("TcpProxy resets the client when the target is unreachable",
          "[proxy]") {
  // A port nothing listens on: bound, then closed.
  int unused_port = 0;
  {
    EchoServer gone;
    unused_port = gone.port();
  }
  REQUIRE(unused_port != 0);
  TcpProxy proxy(unused_port);
  REQUIRE(proxy.Start().ok());
  Client client(proxy.port());
  REQUIRE(client.connected());
  const Client::Received received = client.ReceiveAll();
  CHECK(received.bytes.empty());
  CHECK(EndedAbruptly(received));
}

}  // namespace
}  // namespace palabre::testing
