// `palabre commitment list|update`: what institutions promised, and their
// follow-ups. A commitment's status is that of its latest follow-up.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/command.h"
#include "cli/list_paging.h"
#include "cli/output.h"
#include "cli/records_access.h"
#include "cli/session_text.h"
#include "core/record.h"
#include "core/record_store.h"
#include "core/record_views_json.h"
#include "platform/clock.h"
#include "platform/terminal.h"

namespace palabre::cli {
namespace {

using nlohmann::json;

struct ListOptions {
  CommitmentFilter filter;
  Paging paging;
};

Status RunList(Context& ctx, ListOptions o) {
  CommitmentFilter& f = o.filter;
  PALABRE_RETURN_IF_ERROR(
      CheckWordOption("--status", f.status, CommitmentStatuses()));
  PALABRE_RETURN_IF_ERROR(NormalizeCountryOption(&f.country));
  f.today = TodayLocalDate();
  f.limit = PageLimit(o.paging, ctx.json, platform::IsTerminal(1));
  PALABRE_ASSIGN_OR_RETURN(OpenRecords open, UnlockRecords(ctx));
  PALABRE_ASSIGN_OR_RETURN(std::vector<CommitmentView> list,
                           open.store->ListCommitments(f));
  int64_t total = static_cast<int64_t>(list.size());
  if (!ctx.json && PageIsFull(list.size(), f.limit)) {
    PALABRE_ASSIGN_OR_RETURN(total, open.store->CountCommitments(f));
  }
  PALABRE_RETURN_IF_ERROR(open.vault->Lock());
  if (ctx.json) {
    json out = json::array();
    for (const CommitmentView& c : list) out.push_back(CommitmentViewJson(c));
    PrintJson(out);
    return FlushStdout();
  }
  for (const CommitmentView& c : list) {
    std::cout << ShortId(c.id) << "  "
              << (c.due.empty() ? "no due date" : "due " + c.due) << "  "
              << c.status << (c.overdue ? " OVERDUE" : "") << "  "
              << OneLine(c.owner) << ": " << OneLine(c.action) << "  [session "
              << ShortId(c.session_id) << " " << c.session_date << ", "
              << PlaceText(c.country, c.region, c.commune) << "]\n";
  }
  const std::string more = MoreLine(list.size(), total, "commitments");
  if (!more.empty()) std::cout << more << '\n';
  return FlushStdout();
}

struct UpdateOptions {
  std::string id;
  FollowUpInput follow_up;
};

Status RunUpdate(Context& ctx, UpdateOptions o) {
  if (o.follow_up.date.empty()) o.follow_up.date = TodayLocalDate();
  PALABRE_RETURN_IF_ERROR(CheckDateOption("--date", o.follow_up.date));
  PALABRE_RETURN_IF_ERROR(
      CheckWordOption("--status", o.follow_up.status, CommitmentStatuses()));
  PALABRE_RETURN_IF_ERROR(ValidateFollowUp(o.follow_up));
  PALABRE_ASSIGN_OR_RETURN(OpenRecords open, UnlockRecords(ctx));
  PALABRE_ASSIGN_OR_RETURN(std::string commitment,
                           open.store->ResolveCommitment(o.id));
  PALABRE_ASSIGN_OR_RETURN(std::string follow_up,
                           open.store->AddFollowUp(commitment, o.follow_up));
  PALABRE_RETURN_IF_ERROR(open.vault->Lock());
  if (ctx.json) {
    PrintJson({{"follow_up", follow_up},
               {"commitment", commitment},
               {"status", o.follow_up.status}});
  } else {
    std::cout << "commitment " << ShortId(commitment) << " is now "
              << o.follow_up.status << " (follow-up " << ShortId(follow_up)
              << ")\n";
  }
  return FlushStdout();
}

}  // namespace

Command AddCommitmentCommand(CLI::App& parent) {
  CLI::App* app = parent.add_subcommand(
      "commitment", "List commitments and record their follow-ups");
  app->require_subcommand(1);
  app->footer(CommandFooter(
      "A commitment is what an institution agreed to do in a session. Its\n"
      "status (open, in_progress, done, dropped, blocked) is that of its\n"
      "latest follow-up; it is overdue when its due date has passed and it\n"
      "is open or in_progress.\n"));

  auto list_opts = std::make_shared<ListOptions>();
  CommitmentFilter* filter = &list_opts->filter;
  CLI::App* list = app->add_subcommand("list", "List commitments by due date");
  list->add_option("--status", filter->status, "Only this status");
  list->add_flag("--overdue", filter->overdue,
                 "Only overdue ones (due date passed, open or in_progress)");
  list->add_option("--owner", filter->owner,
                   "Only owners whose name contains TEXT (case-insensitive)");
  list->add_option("--country", filter->country,
                   "Only this country (ISO code)");
  list->add_option("--region", filter->region, "Only this region");
  list->add_option("--commune", filter->commune, "Only this commune");
  AddPagingOptions(list, &list_opts->paging, "commitments");
  list->footer(CommandFooter(
      "One line per commitment: short id, due date, status, owner, action and\n"
      "the session it came from. On a terminal, the first 50 and how many\n"
      "there are in all (--limit N or --all for more); piped, every one.\n"
      "--json prints one JSON array of objects with full ids, every one\n"
      "unless --limit.\n"));

  auto update = std::make_shared<UpdateOptions>();
  CLI::App* up = app->add_subcommand(
      "update", "Record a follow-up: a new status, with a note");
  up->add_option("ID", update->id, "Commitment id or unique prefix")
      ->required();
  up->add_option("--status", update->follow_up.status,
                 "open, in_progress, done, dropped or blocked")
      ->required();
  up->add_option("--note", update->follow_up.note,
                 "What happened (no names of persons)");
  up->add_option("--date", update->follow_up.date,
                 "When it happened (YYYY-MM-DD; default today)");
  up->footer(CommandFooter(
      "Writes a FollowUp record; the commitment's status becomes that of its\n"
      "latest follow-up (by date, then by when it was recorded).\n"));

  return Command{app, [=](Context& ctx) -> Status {
                   if (list->parsed()) return RunList(ctx, *list_opts);
                   return RunUpdate(ctx, *update);
                 }};
}

}  // namespace palabre::cli
