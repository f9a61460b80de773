// The vault `palabre ui` holds unlocked, and the idle lock.
//
// A web app keeps running while its user walks away: the vault must not
// stay open with it. The holder opens the vault with the passphrase the
// unlock screen sends, serialises every use of it (one at a time: the
// server's worker threads share one database connection), and locks it
// (core's Vault::Lock: WAL checkpointed, keys zeroed) on request or when
// no API call has used it for the idle limit. The server's timer calls
// LockIfIdle; the clock is injected so tests need not wait.
//
// A sync holds the vault for as long as it talks to the server (minutes on
// a 2G link). Meanwhile other uses wait a little, then give up with a
// "busy" error rather than hold a request for minutes; Lock and Wipe raise
// stop_requested(), which the sync checks before each request, call the
// stop hook (which cuts its connection), and wait for it to let go. A sync
// is a background use: it does not count as activity, so the idle lock
// still comes 5 minutes after the user's last action, sync or not.
#ifndef PALABRE_UI_VAULT_HOLDER_H_
#define PALABRE_UI_VAULT_HOLDER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/record_store.h"
#include "core/vault.h"
#include "platform/status.h"

namespace palabre::ui {

class VaultHolder {
 public:
  // `directory`: the vault; `idle_ms`: the idle limit; `now_ms`: a
  // monotonic clock in milliseconds.
  // `busy_wait_ms`: how long Use waits for a vault another use holds.
  VaultHolder(std::string directory, int64_t idle_ms,
              std::function<int64_t()> now_ms, int64_t busy_wait_ms = 5000);
  ~VaultHolder();

  // Unlocks (if unlocked already, only checks the passphrase). Errors as
  // Vault::Open: kUnauthenticated for a wrong passphrase, kNotFound without
  // a vault.
  Status Unlock(std::string_view passphrase);
  // Locks now (after asking a long use to stop, and waiting for it); OK if
  // locked already.
  Status Lock();
  // Never waits, even while a sync holds the vault.
  bool locked() const { return !open_.load(); }
  int64_t idle_ms() const { return idle_ms_; }

  // Runs `fn` with the unlocked vault and its records, alone, and counts as
  // the user's activity, unless `background` (a sync the user started and
  // left running: it must not keep the vault open). kFailedPrecondition
  // starting "locked: " if the vault is locked; kUnavailable starting
  // "busy: " if another use (a sync) held it for longer than busy_wait_ms;
  // otherwise `fn`'s status.
  Status Use(const std::function<Status(Vault&, RecordStore&)>& fn,
             bool background = false);

  // True while Lock or Wipe waits for the vault: a long use (a sync) should
  // stop at its next step.
  bool stop_requested() const { return stop_requested_.load() > 0; }
  // Called (on Lock's or Wipe's thread) each time they start waiting, so
  // that a long use blocked in a network read can be woken; empty: none.
  void set_stop_hook(std::function<void()> hook);

  // Locks if the user has not used the vault for the idle limit; true if
  // it did. A background use in progress is stopped first (as by Lock).
  bool LockIfIdle();

  // Locks, then destroys the vault (core's Vault::Wipe: the keys file is
  // overwritten and removed first, after which nothing can be decrypted),
  // whether it was locked or not, as `palabre wipe` does. Returns the
  // number of files removed; kNotFound if there was no vault.
  StatusOr<int64_t> Wipe();

 private:
  Status LockHeld();  // with mu_ held
  // mu_, after asking a long use to stop.
  std::unique_lock<std::timed_mutex> TakeToStop();

  const std::string directory_;
  const int64_t idle_ms_;
  const std::function<int64_t()> now_ms_;
  const int64_t busy_wait_ms_;
  std::timed_mutex mu_;
  std::atomic<bool> open_{false};
  std::atomic<int> stop_requested_{0};
  std::mutex hook_mu_;
  std::function<void()> stop_hook_;
  std::unique_ptr<Vault> vault_;
  std::unique_ptr<RecordStore> store_;
  // The user's last activity: every use but a background one, and a use
  // that gave up because the vault was busy.
  std::atomic<int64_t> last_use_ms_{0};
};

// True if `status` is VaultHolder::Use's "the vault is locked".
bool IsLockedError(const Status& status);
// True if `status` is VaultHolder::Use's "busy" (a sync holds the vault).
bool IsBusyError(const Status& status);

}  // namespace palabre::ui

#endif  // PALABRE_UI_VAULT_HOLDER_H_
