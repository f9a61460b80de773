// The web app's background sync (ui/sync_runner.h).
#include "ui/sync_runner.h"

#include <chrono>

#include "core/organisation.h"
#include "sync/http_client.h"

namespace palabre::ui {
namespace {

// One request's deadline: short enough that a stop during a stalled
// request is not kept waiting for long, long enough for a batch sized for
// about 8 s on the link as measured.
constexpr int64_t kRequestDeadlineMs = 30000;

}  // namespace

SyncRunner::SyncRunner(VaultHolder& vault, std::function<int64_t()> now_ms)
    : vault_(vault), now_ms_(std::move(now_ms)) {
  vault_.set_stop_hook([this] { AbortRequest(); });
}

SyncRunner::~SyncRunner() {
  vault_.set_stop_hook(nullptr);
  stop_ = true;
  AbortRequest();
  if (thread_.joinable()) thread_.join();
}

void SyncRunner::AbortRequest() {
  run_cancelled_ = true;
  std::lock_guard<std::mutex> lock(http_mu_);
  if (http_ != nullptr) http_->Abort();
}

Status SyncRunner::Start(int64_t max_wait_ms) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (running_) return AlreadyExistsError("a sync is already running");
  }
  std::string server;
  PALABRE_RETURN_IF_ERROR(vault_.Use([&](Vault& vault, RecordStore&) {
    StatusOr<OrgIdentity> org = LoadOrgIdentity(vault.db());
    if (!org.ok() && org.status().code() != StatusCode::kNotFound) {
      return org.status();
    }
    if (!org.ok()) {
      return FailedPreconditionError(
          "this vault belongs to no organisation yet: enrol it first "
          "(palabre enroll CODE, with the code a coordinator gives you)");
    }
    server = org->server;
    return Status::Ok();
  }));
  std::lock_guard<std::mutex> lock(mu_);
  if (running_) return AlreadyExistsError("a sync is already running");
  if (thread_.joinable()) thread_.join();  // the previous one, ended
  run_cancelled_ = false;
  running_ = true;
  snapshot_.running = true;
  snapshot_.progress = sync::SyncProgress();
  snapshot_.progress.stage = "connecting";
  snapshot_.server = server;
  thread_ = std::thread(&SyncRunner::Run, this, server, max_wait_ms);
  return Status::Ok();
}

void SyncRunner::Run(std::string server, int64_t max_wait_ms) {
  sync::SyncResult result;
  sync::SyncOptions options;
  options.max_wait_ms = max_wait_ms;
  options.request_deadline_ms = kRequestDeadlineMs;
  options.progress = [this](const sync::SyncProgress& p) {
    std::lock_guard<std::mutex> lock(mu_);
    snapshot_.progress = p;
  };
  options.cancelled = [this] {
    return stop_.load() || run_cancelled_.load() || vault_.stop_requested();
  };
  // Waits between retries, in slices, so that a stop is not kept waiting.
  options.sleep = [cancelled = options.cancelled](int64_t ms) {
    const auto end =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (!cancelled() && std::chrono::steady_clock::now() < end) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  };
  Status status = vault_.Use(
      [&](Vault& vault, RecordStore&) {
        if (run_cancelled_ || stop_) {
          // Locked after Start, and unlocked again before this thread ran.
          return Status(StatusCode::kCancelled,
                        "the records were locked before the sync began; "
                        "nothing was sent");
        }
        StatusOr<std::unique_ptr<sync::HttpClient>> http =
            sync::HttpClient::Create(server);
        Status ran = http.status();
        if (http.ok()) {
          {
            std::lock_guard<std::mutex> lock(http_mu_);
            http_ = http->get();
          }
          ran = sync::RunSync(vault.db(), **http, options, &result);
          std::lock_guard<std::mutex> lock(http_mu_);
          http_ = nullptr;
        }
        // Kept for the next look; failing to keep it must not hide how the
        // sync went (the page still gets it from the snapshot).
        sync::StoreLastSync(vault.db(),
                            sync::MakeLastSync(ran, result, now_ms_()))
            .IgnoreError();
        return ran;
      },
      /*background=*/true);
  if (IsLockedError(status)) {
    // Locked (or wiped) between Start and here: the sync never began.
    status = Status(StatusCode::kCancelled,
                    "the records were locked before the sync began; nothing "
                    "was sent");
  } else if (IsBusyError(status)) {
    status = UnavailableError(
        "the records were busy when the sync began; nothing was sent: try "
        "again");
  }
  std::lock_guard<std::mutex> lock(mu_);
  snapshot_.last = sync::MakeLastSync(status, result, now_ms_());
  snapshot_.running = false;
  running_ = false;
}

SyncSnapshot SyncRunner::Snapshot() {
  std::lock_guard<std::mutex> lock(mu_);
  return snapshot_;
}

}  // namespace palabre::ui
