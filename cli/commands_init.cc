// `palabre init [--kdf LEVEL]`: creates a vault and shows its recovery code
// once.
//
// The passphrase is asked twice on a terminal (or read once from
// --passphrase-fd) and checked against core's policy before anything is
// created. The recovery code is printed with an instruction to write it down
// and keep it apart from the laptop; with --json the output is exactly
// {"vault": DIR, "recovery_code": CODE}.
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

struct InitOptions {
  std::string kdf;
};

void PrintRecoveryCode(const Context& ctx, std::string_view code) {
  if (ctx.json) {
    std::cout << "{\"vault\": ";
    WriteJsonString(std::cout, ctx.vault);
    std::cout << ", \"recovery_code\": ";
    WriteJsonString(std::cout, code);
    std::cout << "}\n";
    return;
  }
  std::cout << "Created a vault in " << ctx.vault << "\n\n"
            << "Recovery code (shown this once, never again):\n\n"
            << "    " << code << "\n\n"
            << "Write it down on paper now and keep it apart from this "
               "laptop.\n"
            << "It is the only way back in if the passphrase is lost; "
               "whoever holds it\n"
            << "and the laptop can read the vault.\n";
}

Status RunInit(Context& ctx, const InitOptions& options) {
  PALABRE_ASSIGN_OR_RETURN(KdfLevel kdf,
                           KdfLevelOrDefault(options.kdf, KdfLevel::kModerate));
  PALABRE_RETURN_IF_ERROR(CheckNoVault(ctx.vault));
  PALABRE_ASSIGN_OR_RETURN(SecureBuffer passphrase,
                           ctx.secrets.ReadNew(ctx.vault));
  PALABRE_ASSIGN_OR_RETURN(SecureBuffer code,
                           Vault::Create(ctx.vault, passphrase.view(), kdf));
  passphrase.Clear();
  PrintRecoveryCode(ctx, code.view());
  Status flushed = FlushStdout();
  if (!flushed.ok()) {
    return InternalError(
        "the vault was created but its recovery code could not be printed; "
        "wipe it and run init again");
  }
  return Status::Ok();
}

}  // namespace

Command AddInitCommand(CLI::App& parent) {
  auto options = std::make_shared<InitOptions>();
  CLI::App* app = parent.add_subcommand(
      "init", "Create a new vault and show its recovery code once");
  app->footer(CommandFooter(
      "The passphrase is asked twice on the terminal, or read once from\n"
      "--passphrase-fd; it must have at least 10 characters. The recovery\n"
      "code is the only way back in if the passphrase is lost: write it down\n"
      "and keep it apart from the laptop. Refuses to overwrite a vault.\n"));
  AddKdfOption(*app, &options->kdf,
               "Passphrase key derivation cost (default: moderate)");
  return Command{app,
                 [options](Context& ctx) { return RunInit(ctx, *options); }};
}

}  // namespace palabre::cli
