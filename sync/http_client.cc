// The sync client's HTTP transport (sync/http_client.h).
#include "sync/http_client.h"

#include <atomic>

#include <httplib.h>
#include <openssl/ssl.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <mutex>

#include "platform/socket_handle.h"
#include "sync/protocol.h"
#include "sync/tls_pin_internal.h"

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
constexpr uint64_t kMaxReplyBytes = 64u << 20;

// What the TLS verify callback sees, per client: the pin it must find
// and what it found.
struct PinState {
  std::mutex mu;
  std::string pin;       // required; "" accepts any key (first contact)
  std::string seen;      // the server key's pin, last handshake
  bool mismatch = false;  // the last handshake met another key
};

int PinIndex() {
  static const int index =
      SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

// OpenSSL's verify callback: the chain is not judged (no CA is trusted);
// the server's own certificate must carry the pinned key.
int VerifyPin(int /*preverify_ok*/, X509_STORE_CTX* store) {
  if (X509_STORE_CTX_get_error_depth(store) != 0) return 1;
  SSL* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(
      store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  if (ssl == nullptr) return 0;
  auto* state = static_cast<PinState*>(
      SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), PinIndex()));
  if (state == nullptr) return 0;
  const std::string seen = TlsPinOfCert(X509_STORE_CTX_get_current_cert(store));
  std::lock_guard<std::mutex> lock(state->mu);
  state->seen = seen;
  state->mismatch = seen.empty() || (!state->pin.empty() && seen != state->pin);
  return state->mismatch ? 0 : 1;
}

}  // namespace

struct HttpClient::Impl {
  std::unique_ptr<httplib::Client> client;
  PinState pin;
  std::atomic<bool> aborted{false};
  // The client's socket, which Abort cuts. Not cpp-httplib's stop(): in
  // 0.11 it waits for a connect or TLS handshake in progress (up to the
  // connect timeout) before it touches the socket.
  platform::SocketHandle socket;
};

HttpClient::~HttpClient() = default;

void HttpClient::Abort() {
  impl_->aborted = true;
  impl_->socket.Cut();
}

StatusOr<std::unique_ptr<HttpClient>> HttpClient::Create(
    const std::string& base_url) {
  IgnoreSigpipe();
  const bool tls = base_url.rfind("https://", 0) == 0;
  const std::string scheme = tls ? "https://" : "http://";
  if (base_url.rfind(scheme, 0) != 0) {
    return InvalidArgumentError("not an http(s):// URL: " + base_url);
  }
  const std::size_t host_end = base_url.find('/', scheme.size());
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
  // Called with each new socket before it connects (replacing
  // cpp-httplib's default options, which only matter to servers).
  Impl* impl = out->impl_.get();
  out->impl_->client->set_socket_options(
      [impl](int socket) { impl->socket.Track(socket); });
  out->tls_ = tls;
  if (tls) {
    SSL_CTX* ctx = out->impl_->client->ssl_context();
    if (ctx == nullptr) return InternalError("TLS is not available");
    // No certificate authority is trusted: the key is pinned instead.
    out->impl_->client->enable_server_certificate_verification(false);
    SSL_CTX_set_ex_data(ctx, PinIndex(), &out->impl_->pin);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, VerifyPin);
  }
  return out;
}

void HttpClient::SetTlsPin(const std::string& pin) {
  std::lock_guard<std::mutex> lock(impl_->pin.mu);
  impl_->pin.pin = pin;
}

std::string HttpClient::seen_tls_pin() const {
  std::lock_guard<std::mutex> lock(impl_->pin.mu);
  return impl_->pin.seen;
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
  // Connecting takes at most 20 s; a read may wait as long as the whole
  // request may last, since on a slow link the reply comes only after the
  // upload (still draining from the socket's buffers) has arrived. The
  // overall deadline is enforced by the upload and download callbacks.
  const int64_t connect = std::clamp<int64_t>(deadline_ms, 1, 20000);
  const int64_t io = std::max<int64_t>(deadline_ms, 1);
  c.set_connection_timeout(connect / 1000, (connect % 1000) * 1000);
  c.set_read_timeout(io / 1000, (io % 1000) * 1000);
  c.set_write_timeout(io / 1000, (io % 1000) * 1000);
  httplib::Headers h;
  for (const auto& [k, v] : headers) h.emplace(k, v);
  const std::string path = prefix_ + target;
  ++requests_;
  bytes_sent_ += static_cast<int64_t>(body.size() + 200 + path.size());
  if (impl_->aborted) {
    return Status(StatusCode::kCancelled, "the sync was stopped");
  }
  bool late = false;
  bool stopped = false;
  // Whether the request may go on: not past its deadline, not stopped.
  auto go_on = [&] {
    if (impl_->aborted || (stop_ && stop_())) {
      stopped = true;
      return false;
    }
    if (left() > 0) return true;
    late = true;
    return false;
  };
  httplib::Result result = [&] {
    if (method == "GET") {
      return c.Get(path, h, [&](uint64_t current, uint64_t) {
        // A server never sends more than a page; anything far bigger is
        // not one and is not read into memory.
        if (current > kMaxReplyBytes) return false;
        return go_on();
      });
    }
    return c.Post(
        path, h, body.size(),
        [&](size_t offset, size_t length, httplib::DataSink& sink) {
          if (!go_on()) return false;
          const size_t n = std::min(length, kUploadPiece);
          sink.write(body.data() + offset, n);
          return true;
        },
        kBinaryType);
  }();
  if (!result) {
    {
      std::lock_guard<std::mutex> lock(impl_->pin.mu);
      if (impl_->pin.mismatch) {
        return PermissionDeniedError(
            "the server's TLS key is not the one this vault pinned: another "
            "machine answers at this address (nothing was sent)");
      }
    }
    if (stopped || impl_->aborted) {
      return Status(StatusCode::kCancelled,
                    "the sync was stopped during a request");
    }
    if (late || left() <= 0) {
      return UnavailableError("no answer from the server within " +
                              std::to_string(deadline_ms / 1000) + " s");
    }
    return UnavailableError("the connection to the server failed (" +
                            httplib::to_string(result.error()) + ")");
  }
  bytes_received_ += static_cast<int64_t>(result->body.size() + 150);
  const std::string protocol = result->get_header_value(kProtocolHeader);
  if (!protocol.empty() && protocol != kProtocolVersion) {
    // A palabre server of another version: retrying will not help.
    return FailedPreconditionError(
        "the server speaks palabre's sync protocol " + protocol +
        " and this palabre speaks " + kProtocolVersion +
        ": upgrade the older of the two (server and devices must run "
        "versions with the same protocol)");
  }
  if (protocol != kProtocolVersion) {
    return UnavailableError(
        "the answer (HTTP " + std::to_string(result->status) +
        ") did not come from a palabre server: a captive portal or a proxy "
        "may be in the way (log in to the network, then run sync again)");
  }
  return HttpReply{result->status, std::move(result->body)};
}

}  // namespace palabre::sync
