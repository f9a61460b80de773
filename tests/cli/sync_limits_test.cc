// The partner server facing hostile or broken HTTP, and the client facing
// something that is not the server: oversized bodies by Content-Length, by
// chunked encoding and by a gzip bomb are refused without being read whole;
// unsigned requests and unknown paths get JSON errors with the protocol
// marker; a captive portal's bare 200 is never taken for success.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "tests/cli/raw_socket_util.h"
#include "tests/cli/records_util.h"
#include "tests/cli/server_util.h"
#include "tests/common/files_util.h"

namespace palabre::testing {
namespace {

int Connect(int port) {
  const int fd = ConnectTcp("127.0.0.1", port);
  REQUIRE(fd >= 0);
  return fd;
}

std::string Gzip(const std::string& data) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&z, data.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// The "in=" byte count of the server's log line for a refused push. The
// server writes it just after its answer, so it is waited for (up to 5 s).
long RefusedPushBytesIn(ServerProcess& server) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string log = server.Log();
    const std::size_t at = log.rfind("POST /v1/push 413 ");
    const std::size_t in = at == std::string::npos ? at : log.find(" in=", at);
    if (in != std::string::npos) return std::atol(log.c_str() + in + 4);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

constexpr long kCap = 4L << 20;

TEST_CASE("oversized request bodies are refused without being read whole",
          "[sync][limits]") {
  TempDir tmp;
  TestOrg org(tmp.path());
  const int port = org.server().port();
  const std::string head =
      "POST /v1/push HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Content-Type: application/vnd.palabre\r\n";

  SECTION("by Content-Length") {
    const int fd = Connect(port);
    REQUIRE(SendAll(
        fd, head + "Content-Length: 5242880\r\n\r\n" + std::string(1024, 'x')));
    const std::string reply = ReadReply(fd);
    close(fd);
    CHECK(reply.rfind("HTTP/1.1 413", 0) == 0);
    CHECK(reply.find("Palabre-Protocol: 2") != std::string::npos);
  }
  SECTION("by chunked encoding") {
    const int fd = Connect(port);
    REQUIRE(SendAll(fd, head + "Transfer-Encoding: chunked\r\n\r\n"));
    const std::string chunk =
        "10000\r\n" + std::string(0x10000, 'x') + "\r\n";  // 64 KiB
    long sent = 0;
    while (sent < 12 * (1L << 20) && SendAll(fd, chunk)) sent += 0x10000;
    const std::string reply = ReadReply(fd);
    close(fd);
    CHECK(reply.rfind("HTTP/1.1 413", 0) == 0);
    CHECK(reply.find("too_large") != std::string::npos);
    // The server stopped at its cap, not at the end of the body.
    const long in = RefusedPushBytesIn(org.server());
    CHECK(in >= 0);
    CHECK(in <= kCap);
  }
  SECTION("by a gzip bomb") {
    const std::string bomb = Gzip(std::string(64L << 20, 'A'));
    REQUIRE(bomb.size() < 200 * 1024);
    const int fd = Connect(port);
    SendAll(fd, head + "Content-Encoding: gzip\r\nContent-Length: " +
                    std::to_string(bomb.size()) + "\r\n\r\n" + bomb);
    const std::string reply = ReadReply(fd);
    close(fd);
    CHECK(reply.rfind("HTTP/1.1 413", 0) == 0);
    CHECK(reply.find("too_large") != std::string::npos);
    const long in = RefusedPushBytesIn(org.server());
    CHECK(in >= 0);
    CHECK(in <= kCap);
  }
  // The server is still there and serving.
  const int fd = Connect(port);
  REQUIRE(SendAll(fd, "GET /v1/hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  CHECK(ReadReply(fd).rfind("HTTP/1.1 200", 0) == 0);
  close(fd);
}

TEST_CASE(
    "unsigned requests and unknown paths get JSON errors with the "
    "protocol marker",
    "[sync][limits]") {
  TempDir tmp;
  TestOrg org(tmp.path());
  struct Case {
    std::string request;
    std::string status;
    std::string code;
  };
  const Case cases[] = {
      {"POST /v1/push HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nPLBT",
       "401", "unauthenticated"},
      {"GET /v1/pull?after=0 HTTP/1.1\r\nHost: x\r\n\r\n", "401",
       "unauthenticated"},
      {"GET /v1/pull?after=-3 HTTP/1.1\r\nHost: x\r\n\r\n", "400", "malformed"},
      {"GET /nothing/here HTTP/1.1\r\nHost: x\r\n\r\n", "404", "not_found"},
      {"POST /v1/enroll HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n{}{}{",
       "400", "malformed"},
  };
  for (const Case& c : cases) {
    INFO(c.request);
    const int fd = Connect(org.server().port());
    REQUIRE(SendAll(fd, c.request));
    const std::string reply = ReadReply(fd);
    close(fd);
    CHECK(reply.rfind("HTTP/1.1 " + c.status, 0) == 0);
    CHECK(reply.find("Palabre-Protocol: 2") != std::string::npos);
    CHECK(reply.find("\"code\":\"" + c.code + "\"") != std::string::npos);
  }
}

// Answers every connection with a captive portal's login page.
class FakePortal {
 public:
  FakePortal() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    REQUIRE(listen(fd_, 16) == 0);
    thread_ = std::thread([this] {
      while (!stop_) {
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, 50) <= 0) continue;
        const int c = accept(fd_, nullptr, nullptr);
        if (c < 0) continue;
        char buf[8192];
        recv(c, buf, sizeof buf, 0);
        const std::string page = "<html>Please log in to the Wi-Fi</html>";
        SendAll(c,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                "Content-Length: " +
                    std::to_string(page.size()) +
                    "\r\nConnection: close\r\n\r\n" + page);
        close(c);
        ++served_;
      }
    });
  }
  ~FakePortal() {
    stop_ = true;
    thread_.join();
    close(fd_);
  }
  int port() const { return port_; }
  int served() const { return served_; }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> served_{0};
  std::thread thread_;
};

TEST_CASE("a captive portal's 200 is never taken for the server's answer",
          "[sync][limits]") {
  TempDir tmp;
  TestOrg org(tmp.path());
  const std::string gao = org.AddFacilitator("gao");
  AddSessionFile(gao, MinimalSession("Dialogue au marché"));
  FakePortal portal;
  org.proxy().SetTarget(portal.port());
  const RunResult result = SyncVault(gao, 1);
  ExpectFailure(result, 6);
  CHECK(result.err.find("captive portal") != std::string::npos);
  CHECK(portal.served() >= 1);
  // Back on the real network: the same sync completes.
  org.proxy().SetTarget(org.server().port());
  const RunResult again = SyncVault(gao, 10);
  INFO(again.Describe());
  CHECK(again.exit_code == 0);
  CHECK(again.out.find("\"pushed\":1") != std::string::npos);
}

}  // namespace
}  // namespace palabre::testing

namespace palabre::testing {
namespace {

TEST_CASE(
    "serve refuses plain HTTP off loopback, a bad --listen and a bad "
    "--org, before listening",
    "[sync][limits]") {
  TempDir tmp;
  WriteAll(tmp.Sub("org.json"), "{\"format\": \"palabre.org/1\"}");
  struct Case {
    std::string listen;
    std::string org;
    int exit_code;
    std::string says;
  };
  const Case cases[] = {
      {"0.0.0.0:8443", "org.json", 2, "only on a loopback address"},
      {"192.168.1.10:8443", "org.json", 2, "only on a loopback address"},
      {"127.evil.example:8443", "org.json", 2, "only on a loopback address"},
      {"127.0.0.1", "org.json", 2, "HOST:PORT"},
      {"127.0.0.1:99999", "org.json", 2, "HOST:PORT"},
      {":8443", "org.json", 2, "HOST:PORT"},
      {"127.0.0.1:0", "org.json", 2, "--org"},
      {"127.0.0.1:0", "missing.json", 5, "--org"},
  };
  RunOptions options;
  options.timeout = std::chrono::seconds(10);
  for (const Case& c : cases) {
    INFO(c.listen << " " << c.org);
    const RunResult r = RunPalabre({"serve", "--org", tmp.Sub(c.org), "--data",
                                    tmp.Sub("data"), "--listen", c.listen},
                                   options);
    ExpectFailure(r, c.exit_code);
    CHECK(r.err.find(c.says) != std::string::npos);
    CHECK(r.out.find("listening") == std::string::npos);
  }
}

}  // namespace
}  // namespace palabre::testing
