// `palabre export` and `palabre import`: a plaintext copy of every record
// (JSON or CSV) and its import into a vault. The export is the one place
// where records leave the vault unencrypted, so it warns and asks first.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/command.h"
#include "cli/output.h"
#include "cli/records_access.h"
#include "core/record.h"
#include "core/record_store.h"
#include "core/render_csv.h"

namespace palabre::cli {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxImportBytes = 256 << 20;

// One row per commitment (sessions without commitments get one row with
// empty commitment columns).
std::string ExportCsv(const json& document) {
  std::string out =
      "session_id,date,kind,title,country,region,commune,participants,"
      "commitment_id,action,owner,due,status\n";
  for (const json& s : document["sessions"]) {
    const json place = s.value("place", json::object());
    int64_t participants = 0;
    if (s.contains("participants") && s["participants"].contains("by_sex")) {
      for (const auto& [k, v] : s["participants"]["by_sex"].items()) {
        participants += v.get<int64_t>();
      }
    }
    const std::string prefix =
        CsvField(s.value("id", "")) + "," +
        CsvField(s.value("started_at", "").substr(0, 10)) + "," +
        CsvField(s.value("kind", "")) + "," + CsvField(s.value("title", "")) +
        "," + CsvField(place.value("country", "")) + "," +
        CsvField(place.is_object() && place.contains("region") &&
                         place["region"].is_string()
                     ? place["region"].get<std::string>()
                     : "") +
        "," +
        CsvField(place.is_object() && place.contains("commune") &&
                         place["commune"].is_string()
                     ? place["commune"].get<std::string>()
                     : "") +
        "," + std::to_string(participants);
    if (s["commitments"].empty()) {
      out += prefix + ",,,,,\n";
      continue;
    }
    for (const json& c : s["commitments"]) {
      out += prefix + "," + CsvField(c.value("id", "")) + "," +
             CsvField(c.value("action", "")) + "," +
             CsvField(c.value("owner", "")) + "," +
             CsvField(c.value("due", "")) + "," +
             CsvField(c.value("status", "")) + "\n";
    }
  }
  return out;
}

struct ExportOptions {
  std::string format = "json";
  std::string output;
  bool yes = false;
  bool include_site = false;
};

Status RunExport(Context& ctx, const ExportOptions& o) {
  PALABRE_RETURN_IF_ERROR(
      Confirm(o.yes, "The export is NOT encrypted: anyone who gets " +
                         (o.output.empty() ? std::string("this output")
                                           : "the file " + o.output) +
                         " can read every record. Continue?"));
  PALABRE_ASSIGN_OR_RETURN(OpenRecords open, UnlockRecords(ctx));
  PALABRE_ASSIGN_OR_RETURN(json document, open.store->Export(o.include_site));
  PALABRE_RETURN_IF_ERROR(open.vault->Lock());
  const std::string text =
      o.format == "csv"
          ? ExportCsv(document)
          : document.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
  PALABRE_RETURN_IF_ERROR(WriteOutput(o.output, text));
  if (!o.output.empty()) {
    std::cerr << "Exported " << document["sessions"].size() << " sessions to "
              << o.output
              << " (plaintext: keep it safe, delete it when done).\n";
  }
  return Status::Ok();
}

Status RunImport(Context& ctx, const std::string& file) {
  PALABRE_ASSIGN_OR_RETURN(std::string text,
                           ReadInputText(file, kMaxImportBytes));
  PALABRE_ASSIGN_OR_RETURN(json document,
                           ParseJsonText(text, "export file", kMaxImportBytes));
  text.clear();
  PALABRE_ASSIGN_OR_RETURN(OpenRecords open, UnlockRecords(ctx));
  PALABRE_ASSIGN_OR_RETURN(ImportResult r, open.store->Import(document));
  PALABRE_RETURN_IF_ERROR(open.vault->Lock());
  if (ctx.json) {
    PrintJson({{"sessions_added", r.sessions_added},
               {"sessions_skipped", r.sessions_skipped},
               {"follow_ups_added", r.follow_ups_added},
               {"follow_ups_skipped", r.follow_ups_skipped}});
  } else {
    std::cout << "imported " << r.sessions_added << " sessions and "
              << r.follow_ups_added << " follow-ups; " << r.sessions_skipped
              << " sessions and " << r.follow_ups_skipped
              << " follow-ups were already here\n";
  }
  return FlushStdout();
}

}  // namespace

Command AddExportCommand(CLI::App& parent) {
  CLI::App* app = parent.add_subcommand(
      "export", "Write every record out in plaintext (JSON or CSV)");
  auto o = std::make_shared<ExportOptions>();
  app->add_option("--format", o->format, "json (default) or csv")
      ->check(CLI::IsMember({"json", "csv"}));
  app->add_option("--output", o->output,
                  "Write to FILE (mode 0600) instead of stdout");
  app->add_flag("--yes", o->yes,
                "Do not ask for confirmation (the output is not encrypted)");
  app->add_flag("--include-site", o->include_site,
                "Keep place.site, the exact venue (left out by default: it "
                "is sensitive)");
  app->footer(CommandFooter(
      "JSON is the palabre.export/1 document (docs/record-format.md): every\n"
      "session as session show --json, each commitment with its follow-ups;\n"
      "palabre import reads it back. CSV is one row per commitment. The\n"
      "output is NOT encrypted: palabre warns and asks unless --yes.\n"));
  return Command{app, [o](Context& ctx) { return RunExport(ctx, *o); }};
}

Command AddImportCommand(CLI::App& parent) {
  CLI::App* app =
      parent.add_subcommand("import", "Import a palabre JSON export");
  auto file = std::make_shared<std::string>();
  app->add_option("FILE", *file, "The export (JSON; '-' for stdin)")
      ->required();
  app->footer(CommandFooter(
      "Adds the sessions and follow-ups of an export that this vault does\n"
      "not have yet (matched by id): importing the same file twice adds\n"
      "nothing. All or nothing: one bad record refuses the whole file.\n"));
  return Command{app, [file](Context& ctx) { return RunImport(ctx, *file); }};
}

}  // namespace palabre::cli
