// Builds the CLI11 application (global options, one subcommand per command),
// parses, dispatches and maps the outcome to an exit code.
#include "cli/app.h"

#include <CLI/CLI.hpp>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/options.h"
#include "cli/output.h"

#ifndef PALABRE_VERSION
#define PALABRE_VERSION "unknown"
#endif

namespace palabre::cli {
namespace {

constexpr char kDescription[] =
    "palabre keeps encrypted records of community dialogues. A vault is a "
    "directory whose every file is unreadable without its passphrase or "
    "recovery code.";

// Overwrites in place the value of --recovery-code in argv (CLI11 has its
// own copy by now), so that it no longer shows in the process list.
void ScrubRecoveryCode(int argc, char** argv) {
  static constexpr char kFlag[] = "--recovery-code";
  const std::size_t flag_len = std::strlen(kFlag);
  for (int i = 1; i < argc; ++i) {
    char* arg = argv[i];
    if (std::strcmp(arg, kFlag) == 0) {
      // The code may come as several arguments (its groups).
      for (int j = i + 1; j < argc && argv[j][0] != '-'; ++j) {
        std::memset(argv[j], 'x', std::strlen(argv[j]));
      }
    } else if (std::strncmp(arg, kFlag, flag_len) == 0 &&
               arg[flag_len] == '=') {
      std::memset(arg + flag_len + 1, 'x', std::strlen(arg + flag_len + 1));
    }
  }
}

// True if the command line carries a recovery code.
bool MentionsRecoveryCode(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--recovery-code", 15) == 0) return true;
  }
  return false;
}

int Fail(const Status& status) {
  PrintError(status.message().empty()
                 ? std::string(StatusCodeName(status.code()))
                 : status.message());
  return ExitCodeFor(status.code());
}

int RunCliOrThrow(int argc, char** argv) {
  CLI::App app{kDescription, "palabre"};
  app.footer(std::string(ExitCodesHelp()));
  app.fallthrough();
  app.require_subcommand(1);
  app.set_version_flag("--version", "palabre " PALABRE_VERSION);

  GlobalOptions global;
  AddGlobalOptions(app, &global);
  std::vector<Command> commands = {
      AddInitCommand(app),       AddStatusCommand(app),
      AddPassphraseCommand(app), AddRecoverCommand(app),
      AddWipeCommand(app),       AddLockCommand(app),
      AddSessionCommand(app),    AddCommitmentCommand(app),
      AddVerifyCommand(app),     AddExportCommand(app),
      AddImportCommand(app),     AddBriefCommand(app),
      AddReportCommand(app),     AddOrgCommand(app),
      AddServeCommand(app),      AddSyncCommand(app),
      AddUiCommand(app),
      AddEnrollCommand(app)};

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --help-all, --version
    app.exit(e);
    return FlushStdout().ok() ? kExitOk : kExitFailure;
  } catch (const CLI::ParseError& e) {
    if (MentionsRecoveryCode(argc, argv)) {
      // CLI11's message may quote stray arguments: parts of the code.
      ScrubRecoveryCode(argc, argv);
      PrintError("invalid arguments for recover (see palabre recover --help)");
    } else {
      PrintError(std::string(e.what()) + " (see palabre --help)");
    }
    return kExitUsage;
  }
  ScrubRecoveryCode(argc, argv);

  StatusOr<std::string> vault = ResolveVaultDirectory(global);
  if (!vault.ok()) return Fail(vault.status());
  Context ctx{*vault, SecretReader(global.passphrase_fd), global.json};
  for (Command& command : commands) {
    if (!command.app->parsed()) continue;
    Status status = command.run(ctx);
    return status.ok() ? kExitOk : Fail(status);
  }
  PrintError("no command given (see palabre --help)");
  return kExitUsage;
}

}  // namespace

int RunCli(int argc, char** argv) noexcept {
  try {
    return RunCliOrThrow(argc, argv);
  } catch (const std::exception& e) {
    PrintError(std::string("internal error: ") + e.what());
  } catch (...) {
    PrintError("internal error");
  }
  return kExitFailure;
}

}  // namespace palabre::cli
