// The web app's sync button: one sync at a time, run in the background
// (sync/sync_client.h's RunSync, as `palabre sync` runs it) so that the page
// can show its progress while it goes, and the outcome kept in the vault
// (sync/last_sync.h) for the next look.
//
// The sync holds the vault while it runs (VaultHolder::Use). When the
// holder is asked to lock or wipe, or the runner is destroyed, the request
// in flight is aborted (its socket shut) and the sync stops there: a lock
// at a checkpoint does not wait for a 2G link. Nothing here reads record
// content.
#ifndef PALABRE_UI_SYNC_RUNNER_H_
#define PALABRE_UI_SYNC_RUNNER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "platform/status.h"
#include "sync/http_client.h"
#include "sync/last_sync.h"
#include "sync/sync_client.h"
#include "ui/vault_holder.h"

namespace palabre::ui {

struct SyncSnapshot {
  bool running = false;
  sync::SyncProgress progress;  // of the running sync
  std::string server;           // the server it talks to
  // The last sync this runner finished; nullopt before the first (the
  // vault may hold an older one: sync::LoadLastSync).
  std::optional<sync::LastSync> last;
};

class SyncRunner {
 public:
  // `now_ms`: the wall clock, for the outcome's time.
  SyncRunner(VaultHolder& vault, std::function<int64_t()> now_ms);
  ~SyncRunner();  // stops a running sync at its next step and waits for it

  // Starts a sync that retries for up to `max_wait_ms` on a failing link.
  // Errors, found before anything starts: kAlreadyExists if one runs;
  // kFailedPrecondition if the vault belongs to no organisation, or
  // "locked: " (IsLockedError); "busy: " (IsBusyError).
  Status Start(int64_t max_wait_ms);

  // Never waits for the vault.
  SyncSnapshot Snapshot();

 private:
  void Run(std::string server, int64_t max_wait_ms);
  void AbortRequest();

  VaultHolder& vault_;
  const std::function<int64_t()> now_ms_;
  std::atomic<bool> stop_{false};
  // Set by a lock or wipe while a sync is started: that sync stops (or
  // never begins), even if the vault is unlocked again before it runs.
  std::atomic<bool> run_cancelled_{false};
  std::mutex http_mu_;                // guards http_
  sync::HttpClient* http_ = nullptr;  // the running sync's, to abort it
  std::mutex mu_;                     // guards what follows
  bool running_ = false;
  SyncSnapshot snapshot_;
  std::thread thread_;
};

}  // namespace palabre::ui

#endif  // PALABRE_UI_SYNC_RUNNER_H_
