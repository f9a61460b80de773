// `palabre verify`: re-checks every chain and signature of the entry log and
// compares the stored tables with a rebuild from the log (core/verify.h).
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/command.h"
#include "cli/output.h"
#include "cli/records_access.h"
#include "core/verify.h"

namespace palabre::cli {
namespace {

Status RunVerify(Context& ctx) {
  PALABRE_ASSIGN_OR_RETURN(OpenRecords open, UnlockRecords(ctx));
  // Every page first (indexes and tables no query touches included), then
  // the log and the projections.
  PALABRE_RETURN_IF_ERROR(open.vault->CheckIntegrity());
  PALABRE_ASSIGN_OR_RETURN(VerifyReport r, VerifyRecords(open.vault->db()));
  PALABRE_RETURN_IF_ERROR(open.vault->Lock());
  if (ctx.json) {
    PrintJson({{"ok", true},
               {"devices", r.devices},
               {"entries", r.entries},
               {"sessions", r.sessions},
               {"commitments", r.commitments},
               {"follow_ups", r.follow_ups},
               {"redacted", r.redacted},
               {"hollow", r.hollow},
               {"receipts", r.receipts},
               {"receipted", r.receipted}});
  } else {
    std::cout << "ok: " << r.entries << " entries from " << r.devices
              << " device" << (r.devices == 1 ? "" : "s") << " verified; "
              << r.sessions << " sessions, " << r.commitments
              << " commitments, " << r.follow_ups << " follow-ups, "
              << r.redacted << " records redacted";
    if (r.hollow > 0) std::cout << ", " << r.hollow << " entries hollow";
    if (r.receipts > 0) {
      std::cout << "; " << r.receipts << " server receipt"
                << (r.receipts == 1 ? "" : "s") << " checked, covering "
                << r.receipted << " entr" << (r.receipted == 1 ? "y" : "ies");
    }
    std::cout << "\n";
  }
  return FlushStdout();
}

}  // namespace

Command AddVerifyCommand(CLI::App& parent) {
  CLI::App* app = parent.add_subcommand(
      "verify",
      "Check every signature and chain, and the tables against the log");
  app->footer(CommandFooter(
      "Reads and authenticates every page of the vault, then re-checks\n"
      "every device's chain (sequence, hashes, Ed25519 signatures,\n"
      "bodies), rebuilds every table and the search index from the log in\n"
      "memory and compares them with the stored ones. Prints \"ok\" with the\n"
      "counts, or names the first broken entry by device and sequence number\n"
      "and exits 4.\n"));
  return Command{app, [](Context& ctx) { return RunVerify(ctx); }};
}

}  // namespace palabre::cli
