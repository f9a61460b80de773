// `palabre status`: what the vault is (path, format version, KDF level, page
// size, size on disk: read from the keys file's public header without any
// secret), then, after unlocking, its schema version and the row count of
// each table.
//
// Everything is gathered before anything is printed, so a failure to unlock
// prints only the one-line error (and --json never emits half an object).
#include <CLI/CLI.hpp>
#include <iomanip>
#include <iostream>
#include <vector>

#include "cli/command.h"
#include "cli/output.h"
#include "cli/vault_checks.h"
#include "core/vault.h"

namespace palabre::cli {
namespace {

struct StatusReport {
  VaultInfo info;
  int schema_version = 0;
  std::vector<TableCount> counts;
};

void PrintText(const StatusReport& report) {
  const VaultInfo& info = report.info;
  std::cout << "vault:           " << info.directory << '\n'
            << "format version:  " << info.format_version << '\n'
            << "kdf:             " << KdfDisplayName(info) << '\n'
            << "page size:       " << info.page_size << " bytes\n"
            << "size on disk:    " << info.size_bytes << " bytes\n"
            << "schema version:  " << report.schema_version << '\n'
            << "tables (rows):\n";
  std::size_t width = 0;
  for (const TableCount& count : report.counts) {
    width = std::max(width, count.table.size());
  }
  for (const TableCount& count : report.counts) {
    std::cout << "  " << std::left << std::setw(static_cast<int>(width) + 2)
              << count.table << count.rows << '\n';
  }
}

void PrintJsonReport(const StatusReport& report) {
  nlohmann::json counts = nlohmann::json::object();
  for (const TableCount& count : report.counts) {
    counts[count.table] = count.rows;
  }
  const VaultInfo& info = report.info;
  PrintJson({{"vault", info.directory},
             {"format_version", info.format_version},
             {"kdf", KdfDisplayName(info)},
             {"page_size", info.page_size},
             {"size_bytes", info.size_bytes},
             {"schema_version", report.schema_version},
             {"counts", counts}});
}

Status RunStatus(Context& ctx) {
  StatusReport report;
  PALABRE_ASSIGN_OR_RETURN(report.info, InspectForUnlock(ctx.vault));
  PALABRE_ASSIGN_OR_RETURN(
      SecureBuffer passphrase,
      ctx.secrets.Read("Passphrase for " + ctx.vault + ": "));
  PALABRE_ASSIGN_OR_RETURN(std::unique_ptr<Vault> vault,
                           Vault::Open(ctx.vault, passphrase.view()));
  passphrase.Clear();
  PALABRE_ASSIGN_OR_RETURN(report.schema_version, vault->SchemaVersion());
  PALABRE_ASSIGN_OR_RETURN(report.counts, vault->Counts());
  PALABRE_RETURN_IF_ERROR(vault->Lock());
  if (ctx.json) {
    PrintJsonReport(report);
  } else {
    PrintText(report);
  }
  return FlushStdout();
}

}  // namespace

Command AddStatusCommand(CLI::App& parent) {
  CLI::App* app = parent.add_subcommand(
      "status", "Show what the vault is and how many records it holds");
  app->footer(CommandFooter(
      "Shows the vault's path, format version, KDF level, page size and size\n"
      "(no secret needed), then unlocks it with the passphrase to show the\n"
      "schema version and how many rows each table holds.\n"));
  return Command{app, [](Context& ctx) { return RunStatus(ctx); }};
}

}  // namespace palabre::cli
