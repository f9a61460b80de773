// `palabre recover --recovery-code CODE [--kdf LEVEL]`: sets a new
// passphrase when the old one is lost, unlocking with the recovery code shown
// at `init`.
//
// The new passphrase is asked twice on a terminal, or read once from
// --passphrase-fd. The KDF level stays what it was unless --kdf is given. The
// recovery code stays valid afterwards. The code is copied into secure memory
// at once; the copy in argv is scrubbed by the caller (cli/app.cc).
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/options.h"
#include "cli/output.h"
#include "cli/vault_checks.h"
#include "core/vault.h"

namespace palabre::cli {
namespace {

struct RecoverOptions {
  // One argument ("7K3M-Q9XD-...") or the groups as separate arguments, as
  // people type what they wrote on paper ("7K3M Q9XD ...").
  std::vector<std::string> recovery_code;
  std::string kdf;
};

// Joins the parts of the code into secure memory (separated by hyphens,
// which core ignores) and overwrites the originals.
SecureBuffer TakeSecret(std::vector<std::string>* parts) {
  std::size_t size = 0;
  for (const std::string& part : *parts) size += part.size() + 1;
  SecureBuffer secret(size);
  std::size_t at = 0;
  for (std::string& part : *parts) {
    if (at > 0) secret.chars()[at++] = '-';
    for (std::size_t i = 0; i < part.size(); ++i)
      secret.chars()[at++] = part[i];
    volatile char* p = part.data();
    for (std::size_t i = 0; i < part.size(); ++i) p[i] = 0;
  }
  parts->clear();
  secret.Truncate(at);
  return secret;
}

Status RunRecover(Context& ctx, RecoverOptions& options) {
  SecureBuffer code = TakeSecret(&options.recovery_code);
  PALABRE_ASSIGN_OR_RETURN(VaultInfo info, InspectForUnlock(ctx.vault));
  PALABRE_ASSIGN_OR_RETURN(KdfLevel kdf,
                           KdfLevelOrDefault(options.kdf, info.kdf));
  PALABRE_ASSIGN_OR_RETURN(SecureBuffer new_passphrase,
                           ctx.secrets.ReadNew(ctx.vault));
  PALABRE_RETURN_IF_ERROR(
      Vault::Recover(ctx.vault, code.view(), new_passphrase.view(), kdf));
  if (ctx.json) {
    PrintJson({{"vault", ctx.vault},
               {"passphrase_changed", true},
               {"kdf", std::string(KdfLevelName(kdf))}});
  } else {
    std::cout << "New passphrase set for " << ctx.vault << " (kdf "
              << KdfLevelName(kdf)
              << "). The recovery code still works; keep it safe.\n";
  }
  return FlushStdout();
}

}  // namespace

Command AddRecoverCommand(CLI::App& parent) {
  auto options = std::make_shared<RecoverOptions>();
  CLI::App* app = parent.add_subcommand(
      "recover", "Set a new passphrase with the recovery code");
  app->footer(CommandFooter(
      "For a lost passphrase: unlocks with the recovery code shown at init\n"
      "and sets a new passphrase, asked twice on the terminal or read once\n"
      "from --passphrase-fd. The recovery code stays valid.\n"));
  app->add_option("--recovery-code", options->recovery_code,
                  "The recovery code written down at init")
      ->type_name("CODE")
      ->expected(1, 8)
      ->required();
  AddKdfOption(*app, &options->kdf,
               "Key derivation cost (default: keep the current level)");
  return Command{app,
                 [options](Context& ctx) { return RunRecover(ctx, *options); }};
}

}  // namespace palabre::cli
