// `palabre passphrase [--kdf LEVEL]`: replaces the vault's passphrase.
//
// The current passphrase comes first, then the new one: with
// --passphrase-fd, two lines (old, then new); on a terminal, the old one and
// the new one twice. The KDF level stays what it was unless --kdf is given.
// Only the passphrase slot of the keys file changes; the data and the
// recovery code are untouched.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "cli/options.h"
#include "cli/output.h"
#include "cli/vault_checks.h"
#include "core/vault.h"

namespace palabre::cli {
namespace {

struct PassphraseOptions {
  std::string kdf;
};

Status RunPassphrase(Context& ctx, const PassphraseOptions& options) {
  PALABRE_ASSIGN_OR_RETURN(VaultInfo info, InspectForUnlock(ctx.vault));
  PALABRE_ASSIGN_OR_RETURN(KdfLevel kdf,
                           KdfLevelOrDefault(options.kdf, info.kdf));
  PALABRE_ASSIGN_OR_RETURN(
      SecureBuffer old_passphrase,
      ctx.secrets.Read("Current passphrase for " + ctx.vault + ": "));
  PALABRE_ASSIGN_OR_RETURN(SecureBuffer new_passphrase,
                           ctx.secrets.ReadNew(ctx.vault));
  PALABRE_RETURN_IF_ERROR(Vault::ChangePassphrase(
      ctx.vault, old_passphrase.view(), new_passphrase.view(), kdf));
  if (ctx.json) {
    PrintJson({{"vault", ctx.vault},
               {"passphrase_changed", true},
               {"kdf", std::string(KdfLevelName(kdf))}});
  } else {
    std::cout << "Passphrase changed for " << ctx.vault << " (kdf "
              << KdfLevelName(kdf)
              << "). The old one no longer opens the vault; the recovery "
                 "code is unchanged.\n";
  }
  return FlushStdout();
}

}  // namespace

Command AddPassphraseCommand(CLI::App& parent) {
  auto options = std::make_shared<PassphraseOptions>();
  CLI::App* app =
      parent.add_subcommand("passphrase", "Change the vault's passphrase");
  app->footer(CommandFooter(
      "Asks for the current passphrase, then the new one twice; with\n"
      "--passphrase-fd, reads two lines: the current passphrase, then the\n"
      "new one. The data and the recovery code are not changed.\n"));
  AddKdfOption(*app, &options->kdf,
               "Key derivation cost (default: keep the current level)");
  return Command{
      app, [options](Context& ctx) { return RunPassphrase(ctx, *options); }};
}

}  // namespace palabre::cli
