// Mapping from core's StatusCode to the documented exit codes, and the help
// text that documents them.
#include "cli/exit_codes.h"

namespace palabre::cli {

int ExitCodeFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return kExitOk;
    case StatusCode::kInvalidArgument:
      return kExitUsage;
    case StatusCode::kUnauthenticated:
      return kExitBadSecret;
    case StatusCode::kDataLoss:
      return kExitDamaged;
    case StatusCode::kNotFound:
    case StatusCode::kAlreadyExists:
      return kExitVaultPresence;
    case StatusCode::kUnavailable:
      return kExitUnreachable;
    case StatusCode::kCancelled:
    case StatusCode::kPermissionDenied:
    case StatusCode::kFailedPrecondition:
    case StatusCode::kResourceExhausted:
    case StatusCode::kInternal:
      return kExitFailure;
  }
  return kExitFailure;
}

std::string_view ExitCodesHelp() {
  return "Exit codes:\n"
         "  0  ok\n"
         "  1  other failure\n"
         "  2  usage error or invalid input\n"
         "  3  wrong passphrase or recovery code\n"
         "  4  vault damaged or tampered with\n"
         "  5  vault missing, or one already exists\n"
         "  6  the server could not be reached in time: run again to "
         "continue\n";
}

}  // namespace palabre::cli
