// The HTTP front of `palabre ui` (ui/server.h).
#include "ui/server.h"

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <thread>

#include "platform/clock.h"
#include "sync/http_body.h"
#include "ui/access.h"
#include "ui/api.h"
#include "ui/assets.h"
#include "ui/vault_holder.h"

namespace palabre::ui {
namespace {

using nlohmann::json;

constexpr char kCsp[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'";

int64_t SteadyMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void SendJson(httplib::Response& res, const ApiReply& reply) {
  res.status = reply.status;
  res.set_content(
      reply.body.dump(-1, ' ', false, json::error_handler_t::replace),
      "application/json; charset=utf-8");
}

void SendError(httplib::Response& res, int status, std::string_view code,
               std::string_view message) {
  SendJson(res, ApiError(status, code, message));
}

// The session id of the request's cookie, if the access control knows it.
std::string SessionOf(const httplib::Request& req, const AccessControl& ac) {
  const std::string id =
      CookieValue(req.get_header_value("Cookie"), kCookieName);
  return !id.empty() && ac.CsrfFor(id).has_value() ? id : "";
}

void SetSecurityHeaders(httplib::Response& res) {
  res.set_header("Content-Security-Policy", kCsp);
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Cross-Origin-Opener-Policy", "same-origin");
  res.set_header("Cross-Origin-Resource-Policy", "same-origin");
}

}  // namespace

Status CheckUiOptions(const UiOptions& o) {
  if (o.port < 0 || o.port > 65535) {
    return InvalidArgumentError("--port: 1 to 65535 (or 0 for any)");
  }
  if (o.idle_ms < 1000) {
    return InvalidArgumentError("--idle-lock: at least 1 second");
  }
  if (o.vault.empty()) return InvalidArgumentError("no vault directory");
  return Status::Ok();
}

Status ServeUi(const UiOptions& o, const std::function<void()>& wait_for_stop) {
  PALABRE_RETURN_IF_ERROR(CheckUiOptions(o));
  VaultHolder vault(o.vault, o.idle_ms, SteadyMillis);
  Api api(vault, TodayLocalDate, NowUnixMillis);
  AccessControl access;
  httplib::Server svr;
  int port = 0;  // set once bound, before the first request

  svr.set_payload_max_length(kMaxUiBodyBytes);
  svr.set_read_timeout(30, 0);
  svr.set_write_timeout(30, 0);
  svr.set_pre_routing_handler(
      [&](const httplib::Request& req, httplib::Response& res) {
        using R = httplib::Server::HandlerResponse;
        if (!HostAllowed(req.get_header_value("Host"), port)) {
          SendError(
              res, 403, "bad_host",
              "this server answers only to 127.0.0.1:" + std::to_string(port));
          return R::Handled;
        }
        if (sync::AnnouncesMoreThan(req, kMaxUiBodyBytes)) {
          SendError(res, 413, "too_large", "the request body is over 1 MiB");
          res.set_header("Connection", "close");
          return R::Handled;
        }
        if (req.method == "GET" && req.path == "/" && req.has_param("token")) {
          StatusOr<std::string> session =
              access.ExchangeToken(req.get_param_value("token"));
          if (!session.ok()) {
            SendError(res, 403, "bad_token", session.status().message());
            return R::Handled;
          }
          res.status = 303;
          res.set_header("Set-Cookie", SessionCookie(*session));
          res.set_header("Location", "/");
          return R::Handled;
        }
        const std::string session = SessionOf(req, access);
        if (session.empty()) {
          SendError(res, 401, "unauthenticated",
                    "open the link `palabre ui` printed (or start it again)");
          return R::Handled;
        }
        if (req.method != "GET" && req.method != "HEAD" &&
            !access.CsrfMatches(session, req.get_header_value(kCsrfHeader))) {
          SendError(res, 403, "csrf",
                    "a request that changes anything needs the page's " +
                        std::string(kCsrfHeader) + " header");
          return R::Handled;
        }
        return R::Unhandled;
      });
  svr.set_post_routing_handler(
      [](const httplib::Request&, httplib::Response& res) {
        SetSecurityHeaders(res);
      });
  // (The post-routing handler adds the security headers to these too.)
  svr.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty()) {
      SendError(res, res.status,
                res.status == 404 ? "not_found" : "bad_request",
                "request refused (HTTP " + std::to_string(res.status) + ")");
    }
  });
  svr.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        SendError(res, 500, "internal", "palabre failed on this request");
      });

  // The page and its files.
  svr.Get(R"(/([a-z0-9_.-]*))", [](const httplib::Request& req,
                                   httplib::Response& res) {
    std::string name = req.matches[1];
    if (name.empty()) name = "index.html";
    const Asset* asset = FindAsset(name);
    if (asset == nullptr) {
      return SendError(res, 404, "not_found", "no such page");
    }
    res.set_content(std::string(asset->body), std::string(asset->content_type));
  });

  // The API.
  auto call = [&](const httplib::Request& req, httplib::Response& res,
                  std::string body) {
    ApiRequest r;
    r.method = req.method;
    r.path = req.path;
    for (const auto& [key, value] : req.params) r.query[key] = value;
    r.body = std::move(body);
    const std::optional<std::string> csrf =
        access.CsrfFor(SessionOf(req, access));
    r.csrf = csrf.value_or("");
    SendJson(res, api.Handle(r));
  };
  svr.Get(R"(/api/.*)", [&](const httplib::Request& req,
                            httplib::Response& res) { call(req, res, ""); });
  auto with_body = [&](const httplib::Request& req, httplib::Response& res,
                       const httplib::ContentReader& reader) {
    std::string body;
    switch (sync::ReadCappedBody(reader, kMaxUiBodyBytes, &body)) {
      case sync::BodyRead::kTooLarge:
        SendError(res, 413, "too_large", "the request body is over 1 MiB");
        res.set_header("Connection", "close");
        return;
      case sync::BodyRead::kBroken:
        SendError(res, 400, "bad_request",
                  "the request body could not be read");
        res.set_header("Connection", "close");
        return;
      case sync::BodyRead::kOk:
        break;
    }
    call(req, res, std::move(body));
  };
  svr.Post(R"(/api/.*)", with_body);
  svr.Put(R"(/api/.*)", with_body);
  svr.Delete(R"(/api/.*)", with_body);

  if (o.port == 0) {
    port = svr.bind_to_any_port("127.0.0.1");
    if (port <= 0) return UnavailableError("cannot listen on 127.0.0.1");
  } else if (!svr.bind_to_port("127.0.0.1", o.port)) {
    return UnavailableError(
        "cannot listen on 127.0.0.1:" + std::to_string(o.port) + " (in use?)");
  } else {
    port = o.port;
  }
  std::thread listener([&] { svr.listen_after_bind(); });
  // The idle lock: checked a few times a second.
  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;
  std::thread idle([&] {
    std::unique_lock<std::mutex> lock(mu);
    while (!cv.wait_for(lock, std::chrono::milliseconds(250),
                        [&] { return stopping; })) {
      vault.LockIfIdle();
    }
  });
  if (o.on_listening) {
    o.on_listening("http://127.0.0.1:" + std::to_string(port) +
                   "/?token=" + access.token());
  }
  wait_for_stop();
  svr.stop();
  listener.join();
  {
    std::lock_guard<std::mutex> lock(mu);
    stopping = true;
  }
  cv.notify_all();
  idle.join();
  return vault.Lock();
}

}  // namespace palabre::ui
