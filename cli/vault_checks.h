// Checks a command makes before asking for a secret, so that the user is not
// asked for a passphrase only to learn that there is no vault, or that it
// cannot be written. Each check asks core (Vault::Inspect) or platform; the
// CLI decides nothing about the vault itself.
#ifndef PALABRE_CLI_VAULT_CHECKS_H_
#define PALABRE_CLI_VAULT_CHECKS_H_

#include <string>

#include "core/kdf.h"
#include "core/vault.h"
#include "platform/status.h"

namespace palabre::cli {

// The vault's public header, for a command that is about to unlock it.
// kNotFound if there is no vault, kDataLoss if its keys file is damaged (as
// Vault::Inspect), kPermissionDenied ("... is not writable") if the process
// may not create files in the directory (unlocking writes the WAL).
StatusOr<VaultInfo> InspectForUnlock(const std::string& directory);

// OK if no vault is in `directory` yet; kAlreadyExists if Vault::Inspect
// finds one (intact or damaged). Other problems are left for Vault::Create.
Status CheckNoVault(const std::string& directory);

// The KDF level named by a --kdf option, or `fallback` if `name` is empty.
// kInvalidArgument for an unknown name.
StatusOr<KdfLevel> KdfLevelOrDefault(const std::string& name,
                                     KdfLevel fallback);

// The name to show for the KDF of `info`: the level's name, or "custom" when
// the parameters match no standard level.
std::string KdfDisplayName(const VaultInfo& info);

}  // namespace palabre::cli

#endif  // PALABRE_CLI_VAULT_CHECKS_H_
