// The unlocked vault of `palabre ui` and its idle lock (ui/vault_holder.h).
#include "ui/vault_holder.h"

#include <chrono>

namespace palabre::ui {
namespace {

constexpr char kLockedPrefix[] = "locked: ";
constexpr char kBusyPrefix[] = "busy: ";

}  // namespace

VaultHolder::VaultHolder(std::string directory, int64_t idle_ms,
                         std::function<int64_t()> now_ms, int64_t busy_wait_ms)
    : directory_(std::move(directory)),
      idle_ms_(idle_ms),
      now_ms_(std::move(now_ms)),
      busy_wait_ms_(busy_wait_ms) {}

VaultHolder::~VaultHolder() { Lock().IgnoreError(); }

Status VaultHolder::Unlock(std::string_view passphrase) {
  std::unique_lock<std::timed_mutex> lock(mu_, std::defer_lock);
  if (!lock.try_lock_for(std::chrono::milliseconds(busy_wait_ms_))) {
    // Held for long (a sync): the vault is open, but the passphrase must
    // still be the right one.
    if (!open_) {
      return UnavailableError(std::string(kBusyPrefix) +
                              "the vault is being unlocked or locked");
    }
    return Vault::CheckPassphrase(directory_, passphrase);
  }
  if (vault_ != nullptr) {
    // Open already (another tab): the passphrase must still be the right
    // one.
    PALABRE_RETURN_IF_ERROR(Vault::CheckPassphrase(directory_, passphrase));
    last_use_ms_ = now_ms_();
    return Status::Ok();
  }
  PALABRE_ASSIGN_OR_RETURN(std::unique_ptr<Vault> vault,
                           Vault::Open(directory_, passphrase));
  PALABRE_ASSIGN_OR_RETURN(RecordStore store, RecordStore::Open(*vault));
  vault_ = std::move(vault);
  store_ = std::make_unique<RecordStore>(std::move(store));
  open_ = true;
  last_use_ms_ = now_ms_();
  return Status::Ok();
}

Status VaultHolder::LockHeld() {
  store_.reset();
  open_ = false;
  if (vault_ == nullptr) return Status::Ok();
  Status status = vault_->Lock();
  vault_.reset();
  return status;
}

void VaultHolder::set_stop_hook(std::function<void()> hook) {
  std::lock_guard<std::mutex> lock(hook_mu_);
  stop_hook_ = std::move(hook);
}

std::unique_lock<std::timed_mutex> VaultHolder::TakeToStop() {
  ++stop_requested_;
  {
    std::lock_guard<std::mutex> lock(hook_mu_);
    if (stop_hook_) stop_hook_();
  }
  std::unique_lock<std::timed_mutex> lock(mu_);
  --stop_requested_;
  return lock;
}

Status VaultHolder::Lock() {
  std::unique_lock<std::timed_mutex> lock = TakeToStop();
  return LockHeld();
}

Status VaultHolder::Use(const std::function<Status(Vault&, RecordStore&)>& fn,
                        bool background) {
  std::unique_lock<std::timed_mutex> lock(mu_, std::defer_lock);
  if (!lock.try_lock_for(std::chrono::milliseconds(busy_wait_ms_))) {
    if (!background) last_use_ms_ = now_ms_();  // the user is there
    return UnavailableError(std::string(kBusyPrefix) +
                            "a sync is using the vault: try again when it "
                            "ends");
  }
  if (vault_ == nullptr) {
    return FailedPreconditionError(std::string(kLockedPrefix) +
                                   "the vault is locked: unlock it first");
  }
  if (background) return fn(*vault_, *store_);
  last_use_ms_ = now_ms_();
  Status status = fn(*vault_, *store_);
  last_use_ms_ = now_ms_();
  return status;
}

bool VaultHolder::LockIfIdle() {
  if (!open_ || now_ms_() - last_use_ms_ < idle_ms_) return false;
  // Idle: a background use (a sync) is stopped, then the vault locked,
  // unless the user came back meanwhile.
  std::unique_lock<std::timed_mutex> lock = TakeToStop();
  if (vault_ == nullptr || now_ms_() - last_use_ms_ < idle_ms_) return false;
  LockHeld().IgnoreError();
  return true;
}

StatusOr<int64_t> VaultHolder::Wipe() {
  std::unique_lock<std::timed_mutex> lock = TakeToStop();
  // A vault that fails to lock cleanly (damaged) is destroyed all the same.
  LockHeld().IgnoreError();
  PALABRE_ASSIGN_OR_RETURN(std::vector<std::string> removed,
                           Vault::Wipe(directory_));
  return static_cast<int64_t>(removed.size());
}

bool IsLockedError(const Status& status) {
  return status.code() == StatusCode::kFailedPrecondition &&
         status.message().rfind(kLockedPrefix, 0) == 0;
}

bool IsBusyError(const Status& status) {
  return status.code() == StatusCode::kUnavailable &&
         status.message().rfind(kBusyPrefix, 0) == 0;
}

}  // namespace palabre::ui
