// `palabre lock`: makes sure the vault is locked and nothing is pending.
//
// The vault is locked whenever no palabre process holds its key: keys live
// only in the memory of a running command. What can remain is a write-ahead
// log left by a process that crashed before folding it in. If
// `palabre.db-wal` exists with a non-zero size, the vault is unlocked with
// the passphrase and locked again, which checkpoints the WAL into the
// database and truncates it. Otherwise nothing needs a secret and the
// command only reports that the vault is locked.
// --json: {"vault": DIR, "locked": true, "folded_wal": BOOL}.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "cli/output.h"
#include "cli/vault_checks.h"
#include "core/vault.h"
#include "platform/file_util.h"

namespace palabre::cli {
namespace {

// Size of the vault's WAL file; 0 if there is none.
StatusOr<uint64_t> PendingWalBytes(const std::string& directory) {
  const std::string wal =
      platform::JoinPath(directory, std::string(kDbFileName) + "-wal");
  StatusOr<uint64_t> size = platform::FileSize(wal);
  if (!size.ok() && size.status().code() == StatusCode::kNotFound) {
    return uint64_t{0};
  }
  return size;
}

Status RunLock(Context& ctx) {
  PALABRE_ASSIGN_OR_RETURN(VaultInfo info, Vault::Inspect(ctx.vault));
  PALABRE_ASSIGN_OR_RETURN(uint64_t wal_bytes, PendingWalBytes(ctx.vault));
  const bool fold = wal_bytes > 0;
  if (fold) {
    PALABRE_RETURN_IF_ERROR(InspectForUnlock(ctx.vault).status());
    PALABRE_ASSIGN_OR_RETURN(
        SecureBuffer passphrase,
        ctx.secrets.Read("A crash left unsaved changes pending. Passphrase "
                         "for " +
                         ctx.vault + ": "));
    PALABRE_ASSIGN_OR_RETURN(std::unique_ptr<Vault> vault,
                             Vault::Open(ctx.vault, passphrase.view()));
    passphrase.Clear();
    PALABRE_RETURN_IF_ERROR(vault->Lock());
  }
  if (ctx.json) {
    PrintJson(
        {{"vault", info.directory}, {"locked", true}, {"folded_wal", fold}});
  } else if (fold) {
    std::cout << "Folded the write-ahead log left by an interrupted session ("
              << wal_bytes << " bytes) into the database and truncated it.\n"
              << "The vault in " << info.directory
              << " is locked: no key in memory, nothing pending.\n";
  } else {
    std::cout << "The vault in " << info.directory
              << " is locked: no key in memory, nothing pending.\n";
  }
  return FlushStdout();
}

}  // namespace

Command AddLockCommand(CLI::App& parent) {
  CLI::App* app = parent.add_subcommand(
      "lock", "Make sure the vault is locked with nothing pending");
  app->footer(CommandFooter(
      "The vault is locked whenever no palabre process holds its key. If a\n"
      "crash left a write-ahead log behind, asks for the passphrase, folds\n"
      "the log into the database and locks again.\n"));
  return Command{app, [](Context& ctx) { return RunLock(ctx); }};
}

}  // namespace palabre::cli
