// The sync client's HTTP transport: one request at a time to the partner
// server, on a link that may be 2G, a captive portal, or gone.
//
// Every request has an overall deadline (cpp-httplib 0.11 has only per-read
// and per-write timeouts, so a trickling link would never time out): the
// upload is fed in small pieces and the download watched by the progress
// callback, and either stops the request once the deadline passes. An
// answer without the `Palabre-Protocol` header is not the server's (a
// captive portal's 200, a proxy's error page) and is reported as the link
// failing, never as success. SIGPIPE is ignored in this process (a client
// alone does not get cpp-httplib's server doing it).
#ifndef PALABRE_SYNC_HTTP_CLIENT_H_
#define PALABRE_SYNC_HTTP_CLIENT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "platform/status.h"

namespace palabre::sync {

struct HttpReply {
  int status = 0;
  std::string body;
};

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

class HttpClient {
 public:
  // `base_url` as checked by CheckServerUrl (scheme, host, optional port;
  // a path prefix is kept). kInvalidArgument if it cannot be parsed.
  static StatusOr<std::unique_ptr<HttpClient>> Create(
      const std::string& base_url);
  ~HttpClient();

  // https only: the server's TLS key must have this pin (sync/tls_pin.h);
  // "" trusts the key met first (see seen_tls_pin). A connection to a
  // server with another key fails with kPermissionDenied, nothing sent.
  void SetTlsPin(const std::string& pin);
  // The pin of the key the server presented on the last connection ("" on
  // plain HTTP).
  std::string seen_tls_pin() const;
  bool is_tls() const { return tls_; }

  // Sends one request; `target` is the path (and query) under the base
  // URL. OK with the reply if a palabre server answered (any HTTP status);
  // kUnavailable naming what failed if the connection failed, the
  // deadline passed, or the answer lacks the protocol header; kCancelled
  // if the stop function said stop.
  StatusOr<HttpReply> Send(std::string_view method, const std::string& target,
                           const HttpHeaders& headers, const std::string& body,
                           int64_t deadline_ms);

  // Bytes sent and received so far (request and response bodies plus an
  // estimate of the headers), for the benchmark and the progress line.
  int64_t bytes_sent() const { return bytes_sent_; }
  int64_t bytes_received() const { return bytes_received_; }
  int64_t requests() const { return requests_; }

  // Stops the request in flight and every later one, with kCancelled: the
  // connection is cut (a connect or TLS handshake in progress fails, a
  // blocked read returns). The one method callable from another thread.
  void Abort();

  // Asked as the request's data moves: true stops it with kCancelled (the
  // sync client sets SyncOptions::cancelled here). Unset: never.
  void set_stop(std::function<bool()> stop) { stop_ = std::move(stop); }

 private:
  HttpClient() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string prefix_;  // the base URL's path, without a trailing '/'
  bool tls_ = false;
  int64_t bytes_sent_ = 0;
  int64_t bytes_received_ = 0;
  int64_t requests_ = 0;
  std::function<bool()> stop_;
};

}  // namespace palabre::sync

#endif  // PALABRE_SYNC_HTTP_CLIENT_H_
