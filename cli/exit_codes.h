// Exit codes of the `palabre` executable: the one place they are defined.
//
// These numbers are a contract with scripts (and with the hidden checks that
// drive the binary): they never change meaning. Every command's --help lists
// them through ExitCodesHelp(), and every failure reaches the shell through
// ExitCodeFor(), which maps core's closed set of StatusCodes onto them.
#ifndef PALABRE_CLI_EXIT_CODES_H_
#define PALABRE_CLI_EXIT_CODES_H_

#include <string_view>

#include "platform/status.h"

namespace palabre::cli {

inline constexpr int kExitOk = 0;             // the command did its job
inline constexpr int kExitFailure = 1;        // any other failure
inline constexpr int kExitUsage = 2;          // usage error or invalid input
inline constexpr int kExitBadSecret = 3;      // wrong passphrase or code
inline constexpr int kExitDamaged = 4;        // vault damaged or tampered
inline constexpr int kExitVaultPresence = 5;  // vault missing or existing
inline constexpr int kExitUnreachable = 6;    // server unreachable: run again

// The exit code for a status: kOk 0, kInvalidArgument 2, kUnauthenticated 3,
// kDataLoss 4, kNotFound and kAlreadyExists 5, kUnavailable 6, every other
// code 1.
int ExitCodeFor(StatusCode code);

// The "Exit codes:" block printed at the end of every --help text.
std::string_view ExitCodesHelp();

}  // namespace palabre::cli

#endif  // PALABRE_CLI_EXIT_CODES_H_
