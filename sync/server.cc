// The partner server's HTTP front (sync/server.h).
#include "sync/server.h"

#include <httplib.h>

#include <charconv>
#include <chrono>
#include <ctime>
#include <memory>
#include <sstream>
#include <thread>

#include "core/organisation.h"
#include "platform/clock.h"
#include "platform/file_util.h"
#include "sync/http_body.h"
#include "sync/protocol.h"
#include "sync/server_store.h"
#include "sync/tls_pin.h"

namespace palabre::sync {
namespace {

using nlohmann::json;

// 127.0.0.0/8 written as an address, ::1 or localhost: never a name that
// DNS could send elsewhere (CheckServerUrl's rule for http:// URLs).
bool IsLoopback(const std::string& host) {
  const bool v6 = host.find(':') != std::string::npos;
  const std::string in_url =
      v6 && host.front() != '[' ? "[" + host + "]" : host;
  return CheckServerUrl("http://" + in_url).ok();
}

// Per request, on the worker thread that serves it: for the log line.
thread_local std::chrono::steady_clock::time_point t_start;
thread_local std::size_t t_bytes_in = 0;
thread_local std::string t_device;

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

void SendError(httplib::Response& res, int http, std::string_view code,
               std::string_view message) {
  res.status = http;
  res.set_content(ErrorJson(code, message), "application/json");
}

void SendStatus(httplib::Response& res, const Status& status) {
  std::string code, message;
  SplitServerError(status, &code, &message);
  // An internal failure is logged by the caller's log line (status 500);
  // its text may name files, so the client gets a plain message.
  // A full disk (kResourceExhausted) may pass: 503.
  if (status.code() == StatusCode::kInternal ||
      status.code() == StatusCode::kDataLoss ||
      status.code() == StatusCode::kResourceExhausted) {
    SendError(res, status.code() == StatusCode::kResourceExhausted ? 503 : 500,
              "server_error", "the server could not do this now; try again");
    return;
  }
  SendError(res, HttpStatusFor(status.code()), code, message);
}

void SendJson(httplib::Response& res, const json& j) {
  res.status = 200;
  res.set_content(j.dump(-1, ' ', false, json::error_handler_t::replace),
                  "application/json");
}

RequestAuth AuthOf(const httplib::Request& req) {
  RequestAuth auth;
  auth.device_id = req.get_header_value(kDeviceHeader);
  auth.counter = req.get_header_value(kCounterHeader);
  auth.signature = req.get_header_value(kSignatureHeader);
  auth.method = req.method;
  auth.target = req.target;
  t_device = auth.device_id.substr(0, 8);
  return auth;
}

void TooLarge(httplib::Response& res) {
  SendError(res, 413, "too_large",
            "the request body is over " +
                std::to_string(kMaxRequestBytes >> 20) +
                " MiB; send smaller batches");
  res.set_header("Connection", "close");
}

// Reads the request body through our own cap, counted after decoding.
// Returns false with the error answer set if it is too large or broken.
bool ReadBody(httplib::Response& res, const httplib::ContentReader& reader,
              std::string* body) {
  const BodyRead read = ReadCappedBody(
      reader, kMaxRequestBytes, body, [](std::size_t n) { t_bytes_in = n; });
  if (read == BodyRead::kTooLarge || res.status == 413) {
    TooLarge(res);
    return false;
  }
  if (read == BodyRead::kBroken) {
    SendError(res, 400, "malformed", "the request body could not be read");
    res.set_header("Connection", "close");
    return false;
  }
  return true;
}

std::string LogLine(const httplib::Request& req, const httplib::Response& res) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - t_start)
                      .count();
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::ostringstream line;
  line << when << ' ' << req.remote_addr << ' ' << req.method << ' ' << req.path
       << ' ' << res.status << " in=" << t_bytes_in
       << " out=" << res.body.size()
       << " device=" << (t_device.empty() ? "-" : t_device) << ' ' << us / 1000
       << "." << (us / 100) % 10 << "ms";
  return line.str();
}

StatusOr<OrgPublic> ReadOrgFile(const std::string& path) {
  StatusOr<std::string> text = platform::ReadFile(path, 1u << 20);
  if (!text.ok()) return text.status().WithContext("--org " + path);
  const json j = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  StatusOr<OrgPublic> org = ParseOrgPublicJson(j);
  if (!org.ok()) return org.status().WithContext("--org " + path);
  return org;
}

// A non-negative integer query parameter; absent leaves `out` as it is.
bool IntParam(const httplib::Request& req, const char* key, int64_t* out) {
  if (!req.has_param(key)) return true;
  const std::string v = req.get_param_value(key);
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), *out);
  return ec == std::errc() && end == v.data() + v.size() && *out >= 0;
}

void Route(httplib::Server& svr, ServerStore& store) {
  svr.Get("/v1/hello", [&](const httplib::Request&, httplib::Response& res) {
    SendJson(res, store.Hello());
  });
  svr.Get("/v1/device",
          [&](const httplib::Request& req, httplib::Response& res) {
            StatusOr<json> out = store.DeviceState(AuthOf(req));
            if (!out.ok()) return SendStatus(res, out.status());
            SendJson(res, *out);
          });
  svr.Get("/v1/devices",
          [&](const httplib::Request& req, httplib::Response& res) {
            StatusOr<json> out = store.Devices(AuthOf(req));
            if (!out.ok()) return SendStatus(res, out.status());
            SendJson(res, *out);
          });
  svr.Get("/v1/receipts",
          [&](const httplib::Request& req, httplib::Response& res) {
            int64_t after = 0;
            if (!IntParam(req, "after", &after)) {
              return SendError(res, 400, "malformed", "bad after parameter");
            }
            StatusOr<PushReply> reply = store.Receipts(AuthOf(req), after);
            if (!reply.ok()) return SendStatus(res, reply.status());
            res.status = 200;
            res.set_content(EncodePushReply(*reply), kBinaryType);
          });
  svr.Get("/v1/pull", [&](const httplib::Request& req, httplib::Response& res) {
    int64_t after = 0;
    int64_t max = 1 << 20;
    if (!IntParam(req, "after", &after) || !IntParam(req, "max", &max)) {
      return SendError(res, 400, "malformed", "bad after or max parameter");
    }
    max = std::clamp<int64_t>(max, 1024, 4 << 20);
    StatusOr<PullPage> page =
        store.Pull(AuthOf(req), after, static_cast<std::size_t>(max));
    if (!page.ok()) return SendStatus(res, page.status());
    res.status = 200;
    res.set_content(EncodePullPage(*page), kBinaryType);
  });
  auto post_json = [&](const char* path,
                       StatusOr<json> (ServerStore::*call)(const RequestAuth&,
                                                           std::string_view)) {
    svr.Post(path,
             [&store, call](const httplib::Request& req, httplib::Response& res,
                            const httplib::ContentReader& reader) {
               std::string body;
               if (!ReadBody(res, reader, &body)) return;
               StatusOr<json> out = (store.*call)(AuthOf(req), body);
               if (!out.ok()) return SendStatus(res, out.status());
               SendJson(res, *out);
             });
  };
  post_json("/v1/enroll", &ServerStore::Enroll);
  post_json("/v1/certificates", &ServerStore::AddCertificates);
  post_json("/v1/revoke", &ServerStore::Revoke);
  svr.Post("/v1/push", [&](const httplib::Request& req, httplib::Response& res,
                           const httplib::ContentReader& reader) {
    std::string body;
    if (!ReadBody(res, reader, &body)) return;
    StatusOr<PushReply> reply = store.Push(AuthOf(req), body);
    if (!reply.ok()) return SendStatus(res, reply.status());
    res.status = 200;
    res.set_content(EncodePushReply(*reply), kBinaryType);
  });
}

}  // namespace

Status CheckServeOptions(const ServeOptions& o) {
  if (o.host.empty() || o.port < 0 || o.port > 65535) {
    return InvalidArgumentError("--listen: HOST:PORT, e.g. 127.0.0.1:8443");
  }
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    return InvalidArgumentError("--tls-cert and --tls-key go together");
  }
  if (o.tls_cert.empty() && !IsLoopback(o.host)) {
    return InvalidArgumentError(
        "--listen " + o.host +
        ": plain HTTP is served only on a loopback address (127.0.0.1, ::1, "
        "localhost); give --tls-cert and --tls-key to listen elsewhere");
  }
  if (o.data_dir.empty()) return InvalidArgumentError("--data is required");
  return Status::Ok();
}

Status Serve(const ServeOptions& o,
             const std::function<void()>& wait_for_stop) {
  PALABRE_RETURN_IF_ERROR(CheckServeOptions(o));
  PALABRE_ASSIGN_OR_RETURN(OrgPublic org, ReadOrgFile(o.org_file));
  PALABRE_RETURN_IF_ERROR(platform::CreateDirectories(o.data_dir));
  PALABRE_ASSIGN_OR_RETURN(std::unique_ptr<ServerStore> store,
                           ServerStore::Open(o.data_dir, org, NowUnixMillis));
  std::unique_ptr<httplib::Server> svr;
  std::string tls_pin;
  if (o.tls_cert.empty()) {
    svr = std::make_unique<httplib::Server>();
  } else {
    PALABRE_ASSIGN_OR_RETURN(tls_pin, TlsPinOfCertFile(o.tls_cert));
    auto tls = std::make_unique<httplib::SSLServer>(o.tls_cert.c_str(),
                                                    o.tls_key.c_str());
    if (!tls->is_valid()) {
      return InvalidArgumentError(
          "--tls-cert/--tls-key: cannot load the certificate and key (PEM)");
    }
    svr = std::move(tls);
  }
  svr->set_payload_max_length(kMaxRequestBytes);
  svr->set_read_timeout(30, 0);
  svr->set_write_timeout(30, 0);
  // A 2G client reads a 30 KB reply for several seconds after it was
  // written: keep its connection open long enough for its next request.
  svr->set_keep_alive_timeout(20);
  svr->set_keep_alive_max_count(100);
  svr->set_pre_routing_handler(
      [](const httplib::Request& req, httplib::Response& res) {
        t_start = std::chrono::steady_clock::now();
        t_bytes_in = 0;
        t_device.clear();
        // A body announced over the cap is refused before any of it is
        // read (cpp-httplib would read and discard it whole first).
        if (AnnouncesMoreThan(req, kMaxRequestBytes)) {
          TooLarge(res);
          res.set_header(kProtocolHeader, kProtocolVersion);
          return httplib::Server::HandlerResponse::Handled;
        }
        return httplib::Server::HandlerResponse::Unhandled;
      });
  svr->set_post_routing_handler(
      [](const httplib::Request&, httplib::Response& res) {
        res.set_header(kProtocolHeader, kProtocolVersion);
      });
  svr->set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.has_header(kProtocolHeader)) {
      res.set_header(kProtocolHeader, kProtocolVersion);
    }
    if (res.body.empty()) {
      SendError(res, res.status,
                res.status == 404   ? "not_found"
                : res.status == 413 ? "too_large"
                                    : "bad_request",
                "request refused (HTTP " + std::to_string(res.status) + ")");
    }
  });
  svr->set_exception_handler([](const httplib::Request&, httplib::Response& res,
                                std::exception_ptr) {
    SendError(res, 500, "server_error", "the server failed on this request");
    res.set_header(kProtocolHeader, kProtocolVersion);
  });
  if (o.log) {
    svr->set_logger(
        [&o](const httplib::Request& req, const httplib::Response& res) {
          o.log(LogLine(req, res));
        });
  }
  Route(*svr, *store);
  int port = o.port;
  const std::string bind_host = o.host == "localhost" ? "127.0.0.1"
                                : o.host == "[::1]"   ? "::1"
                                                      : o.host;
  if (port == 0) {
    port = svr->bind_to_any_port(bind_host);
    if (port <= 0) {
      return UnavailableError("cannot listen on " + o.host);
    }
  } else if (!svr->bind_to_port(bind_host, port)) {
    return UnavailableError("cannot listen on " + o.host + ":" +
                            std::to_string(port) +
                            " (in use, or not an address of this machine)");
  }
  std::thread listener([&] { svr->listen_after_bind(); });
  const std::string host_in_url = bind_host.find(':') != std::string::npos
                                      ? "[" + bind_host + "]"
                                      : bind_host;
  if (o.on_listening) {
    o.on_listening(std::string(o.tls_cert.empty() ? "http" : "https") + "://" +
                       host_in_url + ":" + std::to_string(port),
                   tls_pin);
  }
  wait_for_stop();
  svr->stop();
  listener.join();
  return Status::Ok();
}

}  // namespace palabre::sync
