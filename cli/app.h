// The `palabre` command line as a whole: parses argv with CLI11, runs the
// chosen command and turns its result into an exit code (cli/exit_codes.h).
#ifndef PALABRE_CLI_APP_H_
#define PALABRE_CLI_APP_H_

namespace palabre::cli {

// Runs palabre with the process's arguments and returns the exit code.
// Prints the command's output on stdout; on failure prints exactly one line
// "palabre: <message>" on stderr. Never throws: any exception (from CLI11 or
// elsewhere) becomes exit code 1 or, for a parse error, 2. `argv` may be
// modified: a recovery code given on the command line is overwritten once
// parsed, so that it no longer shows in the process list.
int RunCli(int argc, char** argv) noexcept;

}  // namespace palabre::cli

#endif  // PALABRE_CLI_APP_H_
