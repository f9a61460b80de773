// ByteTap (bench/byte_tap.h): a counting loopback relay for sync_bench.
#include "bench/byte_tap.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace palabre::bench {
namespace {

sockaddr_in Loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

Status ErrnoError(const char* what) {
  return UnavailableError(std::string("ByteTap: ") + what + ": " +
                          std::generic_category().message(errno));
}

void NoDelay(int fd) {
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

}  // namespace

struct ByteTap::Connection {
  int client_fd = -1;
  int server_fd = -1;
  std::thread up;
  std::thread down;
};

ByteTap::ByteTap(int target_port) : target_port_(target_port) {}

ByteTap::~ByteTap() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  if (wake_write_ >= 0) {
    const char byte = 1;
    ssize_t ignored = write(wake_write_, &byte, 1);
    (void)ignored;
  }
  if (accept_thread_.joinable()) accept_thread_.join();
  std::vector<std::unique_ptr<Connection>> list;
  {
    std::lock_guard<std::mutex> lock(mu_);
    list.swap(connections_list_);
  }
  for (auto& c : list) {
    shutdown(c->client_fd, SHUT_RDWR);
    shutdown(c->server_fd, SHUT_RDWR);
    if (c->up.joinable()) c->up.join();
    if (c->down.joinable()) c->down.join();
    close(c->client_fd);
    close(c->server_fd);
  }
  for (int fd : {listen_fd_, wake_read_, wake_write_}) {
    if (fd >= 0) close(fd);
  }
}

Status ByteTap::Start() {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return ErrnoError("pipe");
  wake_read_ = pipe_fds[0];
  wake_write_ = pipe_fds[1];
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return ErrnoError("socket");
  sockaddr_in addr = Loopback(0);
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return ErrnoError("bind");
  }
  if (listen(listen_fd_, 128) != 0) return ErrnoError("listen");
  socklen_t len = sizeof addr;
  if (getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return ErrnoError("getsockname");
  }
  port_ = ntohs(addr.sin_port);
  accept_thread_ = std::thread([this] { AcceptLoop(); });
  return Status::Ok();
}

void ByteTap::ResetCounters() {
  up_ = 0;
  down_ = 0;
  connections_ = 0;
}

void ByteTap::AcceptLoop() {
  while (true) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_read_, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    if ((fds[0].revents & POLLIN) == 0) continue;
    const int client = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    const int server = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr = Loopback(target_port_);
    if (server < 0 ||
        connect(server, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      if (server >= 0) close(server);
      close(client);
      continue;
    }
    NoDelay(client);
    NoDelay(server);
    ++connections_;
    auto conn = std::make_unique<Connection>();
    conn->client_fd = client;
    conn->server_fd = server;
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      close(client);
      close(server);
      return;
    }
    conn->up =
        std::thread([this, client, server] { Pump(client, server, &up_); });
    conn->down =
        std::thread([this, client, server] { Pump(server, client, &down_); });
    connections_list_.push_back(std::move(conn));
  }
}

void ByteTap::Pump(int from, int to, std::atomic<int64_t>* counter) {
  char buf[16 * 1024];
  while (true) {
    const ssize_t n = read(from, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) {
        shutdown(to, SHUT_WR);  // pass the end of stream on
      } else {
        shutdown(to, SHUT_RDWR);
        shutdown(from, SHUT_RDWR);
      }
      return;
    }
    ssize_t sent = 0;
    while (sent < n) {
      const ssize_t w =
          send(to, buf + sent, static_cast<size_t>(n - sent), MSG_NOSIGNAL);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        shutdown(to, SHUT_RDWR);
        shutdown(from, SHUT_RDWR);
        return;
      }
      sent += w;
      *counter += w;
    }
  }
}

}  // namespace palabre::bench
