// The unlocked vault of `palabre ui` and its idle lock (ui/vault_holder.h).
#include "ui/vault_holder.h"

namespace palabre::ui {
namespace {

constexpr char kLockedPrefix[] = "locked: ";

}  // namespace

VaultHolder::VaultHolder(std::string directory, int64_t idle_ms,
                         std::function<int64_t()> now_ms)
    : directory_(std::move(directory)),
      idle_ms_(idle_ms),
      now_ms_(std::move(now_ms)) {}

VaultHolder::~VaultHolder() { Lock().IgnoreError(); }

Status VaultHolder::Unlock(std::string_view passphrase) {
  std::lock_guard<std::mutex> lock(mu_);
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
  last_use_ms_ = now_ms_();
  return Status::Ok();
}

Status VaultHolder::LockHeld() {
  store_.reset();
  if (vault_ == nullptr) return Status::Ok();
  Status status = vault_->Lock();
  vault_.reset();
  return status;
}

Status VaultHolder::Lock() {
  std::lock_guard<std::mutex> lock(mu_);
  return LockHeld();
}

bool VaultHolder::locked() {
  std::lock_guard<std::mutex> lock(mu_);
  return vault_ == nullptr;
}

Status VaultHolder::Use(const std::function<Status(Vault&, RecordStore&)>& fn) {
  std::lock_guard<std::mutex> lock(mu_);
  if (vault_ == nullptr) {
    return FailedPreconditionError(std::string(kLockedPrefix) +
                                   "the vault is locked: unlock it first");
  }
  last_use_ms_ = now_ms_();
  Status status = fn(*vault_, *store_);
  last_use_ms_ = now_ms_();
  return status;
}

bool VaultHolder::LockIfIdle() {
  std::lock_guard<std::mutex> lock(mu_);
  if (vault_ == nullptr || now_ms_() - last_use_ms_ < idle_ms_) return false;
  LockHeld().IgnoreError();
  return true;
}

StatusOr<int64_t> VaultHolder::Wipe() {
  std::lock_guard<std::mutex> lock(mu_);
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

}  // namespace palabre::ui
