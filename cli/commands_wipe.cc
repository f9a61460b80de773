// `palabre wipe [--yes]`: destroys the vault in under a second, no secret
// needed (for a raid or a coerced owner).
//
// Unless --yes is given the user must type WIPE on the terminal: without a
// terminal the command refuses (exit 2) and anything other than WIPE cancels
// it (exit 1); in both cases nothing is removed. Vault::Wipe destroys the
// wrapped keys first, then the database files. Each removed path is printed
// (--json: {"removed": [...]}).
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "cli/output.h"
#include "core/vault.h"
#include "platform/terminal.h"

namespace palabre::cli {
namespace {

struct WipeOptions {
  bool yes = false;
};

Status Confirm(const Context& ctx) {
  std::string answer;
  Status status = platform::PromptLine(
      "This destroys the vault in " + ctx.vault +
          " for good: nothing in it can ever be read again.\n"
          "Type WIPE to confirm: ",
      &answer);
  if (status.code() == StatusCode::kUnavailable) {
    return InvalidArgumentError(
        "no terminal to confirm the wipe on; pass --yes to wipe without "
        "asking (nothing was removed)");
  }
  PALABRE_RETURN_IF_ERROR(status);
  if (answer != "WIPE") {
    return CancelledError(
        "wipe cancelled: the answer was not WIPE; nothing "
        "was removed");
  }
  return Status::Ok();
}

Status RunWipe(Context& ctx, const WipeOptions& options) {
  if (!options.yes) PALABRE_RETURN_IF_ERROR(Confirm(ctx));
  PALABRE_ASSIGN_OR_RETURN(std::vector<std::string> removed,
                           Vault::Wipe(ctx.vault));
  if (ctx.json) {
    PrintJson({{"removed", removed}});
  } else {
    std::cout << "Wiped the vault in " << ctx.vault
              << ": its keys are destroyed, so no copy of its data can be "
                 "read. Removed:\n";
    for (const std::string& path : removed) std::cout << "  " << path << '\n';
  }
  return FlushStdout();
}

}  // namespace

Command AddWipeCommand(CLI::App& parent) {
  auto options = std::make_shared<WipeOptions>();
  CLI::App* app =
      parent.add_subcommand("wipe", "Destroy the vault for good, at once");
  app->footer(CommandFooter(
      "Destroys the keys first (after which nothing can be decrypted), then\n"
      "the database files, and prints each path removed. Needs no\n"
      "passphrase. Asks you to type WIPE on the terminal unless --yes.\n"));
  app->add_flag("-y,--yes", options->yes,
                "Do not ask for confirmation (for scripts and emergencies)");
  return Command{app,
                 [options](Context& ctx) { return RunWipe(ctx, *options); }};
}

}  // namespace palabre::cli
