// Pre-flight checks shared by the commands that unlock or create a vault.
#include "cli/vault_checks.h"

#include "platform/file_util.h"

namespace palabre::cli {

StatusOr<VaultInfo> InspectForUnlock(const std::string& directory) {
  PALABRE_ASSIGN_OR_RETURN(VaultInfo info, Vault::Inspect(directory));
  Status writable = platform::CheckWritableDirectory(directory);
  if (!writable.ok()) {
    return Status(writable.code(), "vault directory " + directory +
                                       " is not writable (" +
                                       writable.message() + ")");
  }
  return info;
}

Status CheckNoVault(const std::string& directory) {
  StatusOr<VaultInfo> info = Vault::Inspect(directory);
  if (info.ok() || info.status().code() == StatusCode::kDataLoss) {
    return AlreadyExistsError("a vault already exists in " + directory +
                              "; refusing to overwrite it");
  }
  return Status::Ok();
}

StatusOr<KdfLevel> KdfLevelOrDefault(const std::string& name,
                                     KdfLevel fallback) {
  if (name.empty()) return fallback;
  return ParseKdfLevel(name);
}

std::string KdfDisplayName(const VaultInfo& info) {
  if (!info.kdf_is_standard) return "custom";
  return std::string(KdfLevelName(info.kdf));
}

}  // namespace palabre::cli
