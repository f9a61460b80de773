// Global options of the `palabre` executable (--vault, --passphrase-fd,
// --json), accepted anywhere on the command line, and how the vault
// directory is chosen from them.
#ifndef PALABRE_CLI_OPTIONS_H_
#define PALABRE_CLI_OPTIONS_H_

#include <string>

#include "platform/status.h"

namespace CLI {
class App;
}  // namespace CLI

namespace palabre::cli {

// What the global options were set to on the command line.
struct GlobalOptions {
  std::string vault;         // --vault DIR
  bool vault_given = false;  // whether --vault appeared at all
  int passphrase_fd = -1;    // --passphrase-fd N; -1 means "ask the terminal"
  bool json = false;         // --json: machine-readable output on stdout
};

// Registers the global options on `app`, storing into `*options` (which
// must outlive parsing). Subcommands created afterwards with fallthrough
// enabled let the options appear after the command name too.
void AddGlobalOptions(CLI::App& app, GlobalOptions* options);

// Adds `--kdf interactive|moderate|sensitive` to `command`, storing the
// name into `*level` (left empty if the option is absent). Other values are a
// parse error (exit 2).
void AddKdfOption(CLI::App& command, std::string* level,
                  const std::string& description);

// The vault directory as an absolute, normalised path: --vault if given,
// else $PALABRE_VAULT if set and non-empty, else the platform default
// (platform::DefaultVaultDirectory). kInvalidArgument if --vault is empty or
// no default can be found.
StatusOr<std::string> ResolveVaultDirectory(const GlobalOptions& options);

// The help paragraph reminding subcommand users of the global options.
const char* GlobalOptionsHelp();

}  // namespace palabre::cli

#endif  // PALABRE_CLI_OPTIONS_H_
