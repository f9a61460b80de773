// Global options: registration with CLI11 and resolution of the vault
// directory (--vault, then $PALABRE_VAULT, then the XDG data directory).
#include "cli/options.h"

#include <CLI/CLI.hpp>

#include "platform/file_util.h"
#include "platform/paths.h"

namespace palabre::cli {

void AddGlobalOptions(CLI::App& app, GlobalOptions* options) {
  app.add_option_function<std::string>(
         "--vault",
         [options](const std::string& dir) {
           options->vault = dir;
           options->vault_given = true;
         },
         "Vault directory (default: $PALABRE_VAULT, else the XDG data "
         "directory)")
      ->type_name("DIR");
  app.add_option("--passphrase-fd", options->passphrase_fd,
                 "Read passphrases from descriptor N, one line each")
      ->type_name("N")
      ->check([](const std::string& value) {
        return !value.empty() && value[0] == '-'
                   ? std::string("a descriptor number is 0 or more")
                   : std::string();
      });
  app.add_flag("--json", options->json, "Print machine-readable JSON");
}

void AddKdfOption(CLI::App& command, std::string* level,
                  const std::string& description) {
  command.add_option("--kdf", *level, description)
      ->type_name("LEVEL")
      ->check(CLI::IsMember({"interactive", "moderate", "sensitive"}));
}

StatusOr<std::string> ResolveVaultDirectory(const GlobalOptions& options) {
  if (options.vault_given && options.vault.empty()) {
    return InvalidArgumentError("--vault needs a directory, not \"\"");
  }
  std::string dir = options.vault;
  if (dir.empty()) {
    dir = platform::GetEnv("PALABRE_VAULT");
  }
  if (dir.empty()) {
    StatusOr<std::string> fallback = platform::DefaultVaultDirectory();
    if (!fallback.ok()) {
      return InvalidArgumentError(
          "no vault directory: pass --vault DIR or set PALABRE_VAULT (" +
          fallback.status().message() + ")");
    }
    dir = *fallback;
  }
  return platform::AbsolutePath(dir);
}

const char* GlobalOptionsHelp() {
  return "Global options, accepted before or after the command:\n"
         "  --vault DIR        vault directory (default: $PALABRE_VAULT, "
         "else\n"
         "                     $XDG_DATA_HOME/palabre or "
         "~/.local/share/palabre)\n"
         "  --passphrase-fd N  read passphrases from descriptor N, one line "
         "each\n"
         "  --json             machine-readable output\n";
}

}  // namespace palabre::cli
