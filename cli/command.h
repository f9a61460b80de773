// What every subcommand shares: the context it runs in (the resolved vault
// directory, where secrets come from, the output mode) and how it is
// registered with the argument parser.
//
// A command is registered by an Add*Command function, which adds a CLI11
// subcommand with its own options and returns a Command whose `run` is called
// after a successful parse if that subcommand was chosen. `run` prints the
// command's result on stdout and returns a Status; the caller turns a failure
// into one line on stderr and an exit code (cli/exit_codes.h). Commands hold
// no business logic: every decision about the vault is core's.
#ifndef PALABRE_CLI_COMMAND_H_
#define PALABRE_CLI_COMMAND_H_

#include <functional>
#include <string>
#include <string_view>

#include "cli/secrets.h"
#include "platform/status.h"

namespace CLI {
class App;
}  // namespace CLI

namespace palabre::cli {

// The environment a command runs in, built from the global options.
struct Context {
  std::string vault;     // absolute vault directory
  SecretReader secrets;  // passphrases: --passphrase-fd or the terminal
  bool json = false;     // --json
};

// A registered subcommand.
struct Command {
  CLI::App* app = nullptr;  // owned by the parent CLI::App
  std::function<Status(Context&)> run;
};

// The footer of a command's --help: `details` (a paragraph on what the
// command does), then the global options and the exit codes.
std::string CommandFooter(std::string_view details);

// Each adds one subcommand to `parent` (see the matching commands_*.cc for
// what it does and prints).
Command AddInitCommand(CLI::App& parent);
Command AddStatusCommand(CLI::App& parent);
Command AddPassphraseCommand(CLI::App& parent);
Command AddRecoverCommand(CLI::App& parent);
Command AddWipeCommand(CLI::App& parent);
Command AddLockCommand(CLI::App& parent);
Command AddSessionCommand(CLI::App& parent);
Command AddCommitmentCommand(CLI::App& parent);
Command AddVerifyCommand(CLI::App& parent);
Command AddExportCommand(CLI::App& parent);
Command AddImportCommand(CLI::App& parent);
Command AddBriefCommand(CLI::App& parent);
Command AddReportCommand(CLI::App& parent);
Command AddOrgCommand(CLI::App& parent);
Command AddServeCommand(CLI::App& parent);
Command AddSyncCommand(CLI::App& parent);
Command AddEnrollCommand(CLI::App& parent);
Command AddUiCommand(CLI::App& parent);

}  // namespace palabre::cli

#endif  // PALABRE_CLI_COMMAND_H_
