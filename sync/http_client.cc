// The sync client's HTTP transport (sync/http_client.h).
#include "sync/http_client.h"

#include <httplib.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <mutex>

#include "sync/protocol.h"

namespace palabre::sync {
namespace {

int64_t SteadyMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void IgnoreSigpipe() {
  static std::once_flag once;
  std::call_once(once, [] { ::signal(SIGPIPE, SIG_IGN); });
}

constexpr std::size_t kUploadPiece = 8 * 1024;

}  // namespace

struct HttpClient::Impl {
  std::unique_ptr<httplib::Client> client;
};

HttpClient::~HttpClient() = default;

StatusOr<std::unique_ptr<HttpClient>> HttpClient::Create(
    const std::string& base_url) {
  IgnoreSigpipe();
  const std::string http = "http://";
  if (base_url.rfind("https://", 0) == 0) {
    return FailedPreconditionError(
        "https:// servers are not supported by this build yet (TLS with a "
        "pinned key comes next); use the server on loopback HTTP");
  }
  if (base_url.rfind(http, 0) != 0) {
    return InvalidArgumentError("not an http:// URL: " + base_url);
  }
  const std::size_t host_end = base_url.find('/', http.size());
  const std::string host_port = base_url.substr(
      0, host_end == std::string::npos ? std::string::npos : host_end);
  std::unique_ptr<HttpClient> out(new HttpClient());
  out->impl_ = std::make_unique<Impl>();
  out->impl_->client = std::make_unique<httplib::Client>(host_port);
  if (!out->impl_->client->is_valid()) {
    return InvalidArgumentError("cannot use the server URL " + base_url);
  }
  if (host_end != std::string::npos) {
    out->prefix_ = base_url.substr(host_end);
    while (!out->prefix_.empty() && out->prefix_.back() == '/') {
      out->prefix_.pop_back();
    }
  }
  out->impl_->client->set_keep_alive(true);
  return out;
}

StatusOr<HttpReply> HttpClient::Send(std::string_view method,
                                     const std::string& target,
                                     const HttpHeaders& headers,
                                     const std::string& body,
                                     int64_t deadline_ms) {
  httplib::Client& c = *impl_->client;
  const int64_t start = SteadyMillis();
  const int64_t end = start + std::max<int64_t>(deadline_ms, 1);
  auto left = [&] { return end - SteadyMillis(); };
  // Per-operation timeouts never beyond the overall deadline.
  const int64_t step = std::clamp<int64_t>(deadline_ms, 1, 20000);
  c.set_connection_timeout(step / 1000, (step % 1000) * 1000);
  c.set_read_timeout(step / 1000, (step % 1000) * 1000);
  c.set_write_timeout(step / 1000, (step % 1000) * 1000);
  httplib::Headers h;
  for (const auto& [k, v] : headers) h.emplace(k, v);
  const std::string path = prefix_ + target;
  ++requests_;
  bytes_sent_ += static_cast<int64_t>(body.size() + 200 + path.size());
  bool late = false;
  httplib::Result result = [&] {
    if (method == "GET") {
      return c.Get(path, h, [&](uint64_t, uint64_t) {
        if (left() > 0) return true;
        late = true;
        return false;
      });
    }
    return c.Post(
        path, h, body.size(),
        [&](size_t offset, size_t length, httplib::DataSink& sink) {
          if (left() <= 0) {
            late = true;
            return false;
          }
          const size_t n = std::min(length, kUploadPiece);
          sink.write(body.data() + offset, n);
          return true;
        },
        kBinaryType);
  }();
  if (!result) {
    if (late || left() <= 0) {
      return UnavailableError("no answer from the server within " +
                              std::to_string(deadline_ms / 1000) + " s");
    }
    return UnavailableError("the connection to the server failed (" +
                            httplib::to_string(result.error()) + ")");
  }
  bytes_received_ += static_cast<int64_t>(result->body.size() + 150);
  if (result->get_header_value(kProtocolHeader) != kProtocolVersion) {
    return UnavailableError(
        "the answer (HTTP " + std::to_string(result->status) +
        ") did not come from a palabre server: a captive portal or a proxy "
        "may be in the way (log in to the network, then run sync again)");
  }
  return HttpReply{result->status, std::move(result->body)};
}

}  // namespace palabre::sync
