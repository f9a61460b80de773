// `palabre brief` and `palabre report`: the handover brief for one place and
// the figures over a period, computed and rendered by core (core/brief.h,
// core/report.h, core/render_*.h). The CLI only parses, unlocks, passes the
// clock (today, generated_at) and writes the result where asked.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/command.h"
#include "cli/output.h"
#include "cli/records_access.h"
#include "core/brief.h"
#include "core/record.h"
#include "core/render_csv.h"
#include "core/render_html.h"
#include "core/render_json.h"
#include "core/render_markdown.h"
#include "core/report.h"
#include "platform/clock.h"

namespace palabre::cli {
namespace {

struct BriefOptions {
  BriefFilter filter;
  std::string format = "md";
  std::string output;
};

Status RunBrief(Context& ctx, BriefOptions o) {
  PALABRE_RETURN_IF_ERROR(NormalizeCountryOption(&o.filter.country));
  o.filter.today = TodayLocalDate();
  o.filter.generated_at = FormatUtc(NowUnixMillis());
  PALABRE_ASSIGN_OR_RETURN(OpenRecords open, UnlockRecords(ctx));
  PALABRE_ASSIGN_OR_RETURN(Brief brief,
                           ComputeBrief(open.vault->db(), o.filter));
  PALABRE_RETURN_IF_ERROR(open.vault->Lock());
  std::string text;
  if (o.format == "json") {
    PALABRE_ASSIGN_OR_RETURN(text, RenderBriefJson(brief));
  } else if (o.format == "html") {
    text = RenderBriefHtml(brief);
  } else {
    text = RenderBriefMarkdown(brief);
  }
  PALABRE_RETURN_IF_ERROR(WriteOutput(o.output, text));
  if (!o.output.empty()) std::cerr << "Brief written to " << o.output << "\n";
  return Status::Ok();
}

struct ReportOptions {
  ReportFilter filter;
  std::string format = "md";
  std::string table;
  std::string output;
};

Status RunReport(Context& ctx, ReportOptions o) {
  PALABRE_RETURN_IF_ERROR(CheckDateOption("--from", o.filter.from));
  PALABRE_RETURN_IF_ERROR(CheckDateOption("--to", o.filter.to));
  PALABRE_RETURN_IF_ERROR(NormalizeCountryOption(&o.filter.country));
  if (o.format == "csv" && o.table.empty()) {
    return InvalidArgumentError(
        "--format csv prints one table: add --table participation, concerns "
        "or commitments");
  }
  if (o.format != "csv" && !o.table.empty()) {
    return InvalidArgumentError("--table goes with --format csv");
  }
  o.filter.today = TodayLocalDate();
  o.filter.generated_at = FormatUtc(NowUnixMillis());
  PALABRE_RETURN_IF_ERROR(ValidateReportFilter(o.filter));
  PALABRE_ASSIGN_OR_RETURN(OpenRecords open, UnlockRecords(ctx));
  PALABRE_ASSIGN_OR_RETURN(Report report,
                           ComputeReport(open.vault->db(), o.filter));
  PALABRE_RETURN_IF_ERROR(open.vault->Lock());
  std::string text;
  if (o.format == "csv") {
    PALABRE_ASSIGN_OR_RETURN(text, RenderReportCsv(report, o.table));
  } else if (o.format == "json") {
    PALABRE_ASSIGN_OR_RETURN(text, RenderReportJson(report));
  } else if (o.format == "html") {
    text = RenderReportHtml(report);
  } else {
    text = RenderReportMarkdown(report);
  }
  PALABRE_RETURN_IF_ERROR(WriteOutput(o.output, text));
  if (!o.output.empty()) std::cerr << "Report written to " << o.output << "\n";
  return Status::Ok();
}

}  // namespace

Command AddBriefCommand(CLI::App& parent) {
  CLI::App* app = parent.add_subcommand(
      "brief", "The handover brief for someone new to a place");
  auto o = std::make_shared<BriefOptions>();
  app->add_option("--country", o->filter.country,
                  "The country (ISO code, e.g. ML)")
      ->required();
  app->add_option("--region", o->filter.region,
                  "Only this region (case-insensitive)");
  app->add_option("--commune", o->filter.commune,
                  "Only this commune (case-insensitive)");
  app->add_option("--format", o->format, "md (default), html or json")
      ->check(CLI::IsMember({"md", "html", "json"}));
  app->add_option("--output", o->output,
                  "Write to FILE (mode 0600) instead of stdout");
  app->footer(CommandFooter(
      "For a newcomer (a new facilitator, a new police commander's liaison):\n"
      "the sessions held there (how many, when, which kinds), participation\n"
      "over time, recurring concerns by category with their latest\n"
      "summaries, and every open and overdue commitment grouped by owning\n"
      "institution with its follow-ups. Markdown by default; --format html\n"
      "writes one self-contained page (inline CSS and SVG charts, no script,\n"
      "no external request) that reads on a phone and prints well; --format\n"
      "json the same figures for other programs (\"palabre.brief/1\"). The\n"
      "exact site of a session never appears.\n"));
  return Command{app, [o](Context& ctx) { return RunBrief(ctx, *o); }};
}

Command AddReportCommand(CLI::App& parent) {
  CLI::App* app = parent.add_subcommand(
      "report", "Participation, concerns and follow-through over a period");
  auto o = std::make_shared<ReportOptions>();
  app->add_option("--from", o->filter.from,
                  "Sessions on or after DATE (YYYY-MM-DD)");
  app->add_option("--to", o->filter.to,
                  "Sessions on or before DATE (YYYY-MM-DD)");
  app->add_option("--country", o->filter.country,
                  "Only this country (ISO code)");
  app->add_option("--region", o->filter.region, "Only this region");
  app->add_option("--commune", o->filter.commune, "Only this commune");
  app->add_option("--format", o->format, "md (default), csv, json or html")
      ->check(CLI::IsMember({"md", "csv", "json", "html"}));
  app->add_option("--table", o->table, "With --format csv, the table to print")
      ->check(CLI::IsMember({"participation", "concerns", "commitments"}));
  app->add_option("--output", o->output,
                  "Write to FILE (mode 0600) instead of stdout");
  app->footer(CommandFooter(
      "Participation disaggregated by sex, age band and stakeholder group;\n"
      "concerns by category and region; commitments made, kept (done),\n"
      "overdue and dropped per owning institution, with the follow-through\n"
      "rate: kept among those due / due (due = due date on or before today).\n"
      "Commitments count in the period of the session that made them. CSV\n"
      "prints the one table --table names, with a header row.\n"));
  return Command{app, [o](Context& ctx) { return RunReport(ctx, *o); }};
}

}  // namespace palabre::cli
