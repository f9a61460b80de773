// The JSON API of `palabre ui` (docs/ui-api.md, "Endpoints"), without HTTP:
// a request (method, path, query, body) in, a status and JSON out, so that
// every handler can be tested directly. Each handler is a thin call into
// core/ — the same calls the CLI's commands make — and decides nothing
// itself. Access checks (Host, cookie, CSRF) are the server's
// (ui/server.h), done before a request gets here.
#ifndef PALABRE_UI_API_H_
#define PALABRE_UI_API_H_

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "ui/sync_runner.h"
#include "ui/vault_holder.h"

namespace palabre::ui {

struct ApiRequest {
  std::string method;  // "GET", "POST", "PUT", "DELETE"
  std::string path;    // "/api/sessions/0a1b..."
  std::map<std::string, std::string> query;
  std::string body;
  std::string csrf;  // the caller's session's CSRF value, for /api/state
};

struct ApiReply {
  int status = 200;
  nlohmann::json body;
};

// {"error": {"code": CODE, "message": MESSAGE}} with HTTP `status`.
ApiReply ApiError(int status, std::string_view code, std::string_view message);

class Api {
 public:
  // `today` gives the local date (YYYY-MM-DD) that decides what is overdue;
  // `now_ms` the wall clock for drafts and the sync's outcome.
  Api(VaultHolder& vault, std::function<std::string()> today,
      std::function<int64_t()> now_ms);
  ~Api();  // stops a running sync at its next step and waits for it

  ApiReply Handle(const ApiRequest& request);

 private:
  ApiReply State(const ApiRequest& r);
  ApiReply Unlock(const ApiRequest& r);
  ApiReply Lock();
  ApiReply Strings(const std::string& language);
  ApiReply Vocabulary();
  ApiReply ListSessions(const ApiRequest& r);
  ApiReply ShowSession(const std::string& id);
  ApiReply AddSession(const ApiRequest& r);
  ApiReply ListCommitments(const ApiRequest& r);
  ApiReply ShowCommitment(const std::string& id);
  ApiReply AddFollowUp(const std::string& id, const ApiRequest& r);
  ApiReply Draft(const ApiRequest& r);
  ApiReply Wipe(const ApiRequest& r);
  // ui/api_reports.cc
  ApiReply ShowReport(const ApiRequest& r);
  ApiReply ShowBrief(const ApiRequest& r);
  // ui/api_sync.cc
  ApiReply SyncState();
  ApiReply StartSync(const ApiRequest& r);

  VaultHolder& vault_;
  std::function<std::string()> today_;
  std::function<int64_t()> now_ms_;
  std::unique_ptr<SyncRunner> sync_;
};

}  // namespace palabre::ui

#endif  // PALABRE_UI_API_H_
