// The partner server's HTTP front: `palabre serve`.
//
// Translates HTTP requests into calls on the ServerStore (which decides
// everything) and its answers into HTTP. Every answer carries
// `Palabre-Protocol: 2`; errors are JSON {"error": {"code", "message"}}
// with a stable code. Request bodies are read through a reader of our own
// that stops at kMaxRequestBytes counted after any chunked or gzip
// decoding (cpp-httplib's own limit sees only Content-Length). One line is
// logged per request (time, peer, method, path, status, bytes in and out,
// device prefix, duration): never a body.
//
// Plain HTTP is served only on a loopback address; any other address
// requires --tls-cert and --tls-key.
#ifndef PALABRE_SYNC_SERVER_H_
#define PALABRE_SYNC_SERVER_H_

#include <functional>
#include <string>

#include "platform/status.h"

namespace palabre::sync {

struct ServeOptions {
  std::string org_file;  // the palabre.org/1 document
  std::string data_dir;  // created if missing
  std::string host;      // 127.0.0.1, ::1, localhost, or any with TLS
  int port = 0;          // 0: any free port
  std::string tls_cert;  // PEM files; both or neither
  std::string tls_key;
  // Called once listening, with the URL (its port resolved) and, with TLS,
  // the pin of its key (sync/tls_pin.h; "" on plain HTTP).
  std::function<void(const std::string& url, const std::string& tls_pin)>
      on_listening;
  // Receives each log line (without newline).
  std::function<void(const std::string& line)> log;
};

// kInvalidArgument for a bad address, a missing TLS pair, or plain HTTP on
// a non-loopback address; errors of reading the org file and opening the
// store otherwise.
Status CheckServeOptions(const ServeOptions& options);

// Serves until `wait_for_stop` returns (called on the calling thread once
// the server listens), then stops and returns. kUnavailable if the address
// cannot be bound.
Status Serve(const ServeOptions& options,
             const std::function<void()>& wait_for_stop);

}  // namespace palabre::sync

#endif  // PALABRE_SYNC_SERVER_H_
