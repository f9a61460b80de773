// `palabre session add|list|show|edit|redact`: the sessions of the vault.
//
// Input files are read and validated by core before the vault is unlocked,
// so a bad file costs no passphrase and changes nothing. Output: ids in the
// short form on a terminal, full ids with --json.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/command.h"
#include "cli/list_paging.h"
#include "cli/output.h"
#include "cli/records_access.h"
#include "cli/session_prompt.h"
#include "cli/session_text.h"
#include "core/record.h"
#include "core/record_store.h"
#include "core/record_views_json.h"
#include "platform/terminal.h"

namespace palabre::cli {
namespace {

using nlohmann::json;

json AddedJson(const AddedSession& added) {
  return {{"session", added.session}, {"commitments", added.commitments}};
}

void PrintAdded(const AddedSession& added) {
  std::cout << "session " << ShortId(added.session) << " saved";
  if (!added.commitments.empty()) {
    std::cout << " with " << added.commitments.size() << " commitment"
              << (added.commitments.size() == 1 ? "" : "s") << ":";
    for (const std::string& c : added.commitments) {
      std::cout << ' ' << ShortId(c);
    }
  }
  std::cout << '\n';
}

// True if the JSON text is an array (its first non-blank character, after a
// byte-order mark, is '[').
bool StartsWithArray(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  const auto first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && text[first] == '[';
}

struct AddOptions {
  std::string file;
};

Status RunAdd(Context& ctx, const AddOptions& o) {
  if (o.file.empty()) {
    PALABRE_ASSIGN_OR_RETURN(OpenRecords open, UnlockRecords(ctx));
    PALABRE_ASSIGN_OR_RETURN(std::optional<SessionInput> session,
                             PromptSession(*open.store));
    if (!session.has_value()) {
      std::cerr << "Nothing saved.\n";
      return CancelledError("cancelled; nothing saved");
    }
    PALABRE_ASSIGN_OR_RETURN(std::vector<AddedSession> added,
                             open.store->AddSessions({*session}));
    PALABRE_RETURN_IF_ERROR(open.vault->Lock());
    if (ctx.json) {
      PrintJson(AddedJson(added[0]));
    } else {
      PrintAdded(added[0]);
    }
    return FlushStdout();
  }
  PALABRE_ASSIGN_OR_RETURN(std::string text,
                           ReadInputText(o.file, kMaxRecordFileBytes));
  PALABRE_ASSIGN_OR_RETURN(std::vector<SessionInput> sessions,
                           ParseSessionsText(text));
  const bool is_array = StartsWithArray(text);
  PALABRE_ASSIGN_OR_RETURN(OpenRecords open, UnlockRecords(ctx));
  PALABRE_ASSIGN_OR_RETURN(std::vector<AddedSession> added,
                           open.store->AddSessions(sessions));
  PALABRE_RETURN_IF_ERROR(open.vault->Lock());
  if (ctx.json) {
    if (is_array) {
      json list = json::array();
      for (const AddedSession& a : added) list.push_back(AddedJson(a));
      PrintJson(list);
    } else {
      PrintJson(AddedJson(added[0]));
    }
  } else {
    for (const AddedSession& a : added) PrintAdded(a);
  }
  return FlushStdout();
}

struct ListOptions {
  SessionFilter filter;
  Paging paging;
};

Status RunList(Context& ctx, ListOptions o) {
  SessionFilter& f = o.filter;
  PALABRE_RETURN_IF_ERROR(CheckDateOption("--from", f.from));
  PALABRE_RETURN_IF_ERROR(CheckDateOption("--to", f.to));
  PALABRE_RETURN_IF_ERROR(CheckWordOption("--kind", f.kind, SessionKinds()));
  PALABRE_RETURN_IF_ERROR(NormalizeCountryOption(&f.country));
  f.limit = PageLimit(o.paging, ctx.json, platform::IsTerminal(1));
  PALABRE_ASSIGN_OR_RETURN(OpenRecords open, UnlockRecords(ctx));
  PALABRE_ASSIGN_OR_RETURN(std::vector<SessionSummary> sessions,
                           open.store->ListSessions(f));
  if (ctx.json) {
    json list = json::array();
    for (const SessionSummary& s : sessions) {
      PALABRE_ASSIGN_OR_RETURN(json session, open.store->SessionJson(s.id));
      if (!s.device_name.empty()) session["device"] = SessionDeviceJson(s);
      list.push_back(std::move(session));
    }
    PALABRE_RETURN_IF_ERROR(open.vault->Lock());
    PrintJson(list);
    return FlushStdout();
  }
  int64_t total = static_cast<int64_t>(sessions.size());
  if (PageIsFull(sessions.size(), f.limit)) {
    PALABRE_ASSIGN_OR_RETURN(total, open.store->CountSessions(f));
  }
  PALABRE_RETURN_IF_ERROR(open.vault->Lock());
  for (const SessionSummary& s : sessions) {
    std::cout << SessionLine(s) << '\n';
  }
  const std::string more = MoreLine(sessions.size(), total, "sessions");
  if (!more.empty()) std::cout << more << '\n';
  if (sessions.empty() && platform::IsTerminal(1)) {
    std::cerr << "No session matches.\n";
  }
  return FlushStdout();
}

Status RunShow(Context& ctx, const std::string& id) {
  PALABRE_ASSIGN_OR_RETURN(OpenRecords open, UnlockRecords(ctx));
  PALABRE_ASSIGN_OR_RETURN(std::string full, open.store->ResolveSession(id));
  PALABRE_ASSIGN_OR_RETURN(json session, open.store->SessionJson(full));
  PALABRE_RETURN_IF_ERROR(open.vault->Lock());
  if (ctx.json) {
    PrintJson(session);
  } else {
    std::cout << SessionText(session);
  }
  return FlushStdout();
}

Status RunEdit(Context& ctx, const std::string& id, const std::string& file) {
  PALABRE_ASSIGN_OR_RETURN(std::string text,
                           ReadInputText(file, kMaxRecordFileBytes));
  PALABRE_ASSIGN_OR_RETURN(std::vector<SessionInput> sessions,
                           ParseSessionsText(text));
  if (sessions.size() != 1 || StartsWithArray(text)) {
    return InvalidArgumentError(
        "session edit takes one session (a JSON object), not an array");
  }
  PALABRE_ASSIGN_OR_RETURN(OpenRecords open, UnlockRecords(ctx));
  PALABRE_ASSIGN_OR_RETURN(AddedSession edited,
                           open.store->EditSession(id, sessions[0]));
  PALABRE_RETURN_IF_ERROR(open.vault->Lock());
  if (ctx.json) {
    PrintJson(AddedJson(edited));
  } else {
    std::cout << "session " << ShortId(edited.session) << " updated\n";
  }
  return FlushStdout();
}

Status RunRedact(Context& ctx, const std::string& id, bool yes) {
  PALABRE_ASSIGN_OR_RETURN(OpenRecords open, UnlockRecords(ctx));
  PALABRE_ASSIGN_OR_RETURN(std::string full, open.store->ResolveSession(id));
  PALABRE_RETURN_IF_ERROR(Confirm(
      yes, "Redact session " + ShortId(full) +
               "? Its content, commitments and follow-ups will be erased "
               "for good"));
  PALABRE_RETURN_IF_ERROR(open.store->RedactSession(full).status());
  PALABRE_RETURN_IF_ERROR(open.vault->Lock());
  if (ctx.json) {
    PrintJson({{"redacted", full}});
  } else {
    std::cout << "session " << ShortId(full) << " redacted\n";
  }
  return FlushStdout();
}

}  // namespace

Command AddSessionCommand(CLI::App& parent) {
  CLI::App* app = parent.add_subcommand(
      "session", "Add, list, show, edit or redact sessions");
  app->require_subcommand(1);
  app->footer(CommandFooter(
      "A session is one meeting: a community dialogue, a security advisory\n"
      "committee, a survey round... (docs/record-format.md). Every command\n"
      "taking an ID accepts any unique prefix of it (at least 4 "
      "characters).\n"));

  auto add_opts = std::make_shared<AddOptions>();
  CLI::App* add = app->add_subcommand("add", "Record a new session");
  add->add_option("--file", add_opts->file,
                  "A session in the palabre.session/1 JSON format, or an "
                  "array of them ('-' for stdin); without it, palabre asks "
                  "for each field in turn");
  add->footer(CommandFooter(
      "Without --file, asks for each field (vocabularies as numbered\n"
      "choices; Enter takes the default shown in brackets), then shows a\n"
      "summary and asks to save. With --file, one bad record refuses the\n"
      "whole file and nothing is written. Prints the new session's id and\n"
      "its commitments' ids; --json prints {\"session\": ID, \"commitments\":\n"
      "[ID, ...]} (a list of those for an array).\n"));

  auto list_opts = std::make_shared<ListOptions>();
  CLI::App* list = app->add_subcommand("list", "List sessions, newest first");
  SessionFilter& f = list_opts->filter;
  list->add_option("--from", f.from,
                   "Only sessions on or after DATE (YYYY-MM-DD)");
  list->add_option("--to", f.to,
                   "Only sessions on or before DATE (YYYY-MM-DD)");
  list->add_option("--kind", f.kind, "Only sessions of this kind");
  list->add_option("--country", f.country,
                   "Only this country (ISO code, e.g. ML)");
  list->add_option("--region", f.region, "Only this region (case-insensitive)");
  list->add_option("--commune", f.commune,
                   "Only this commune (case-insensitive)");
  list->add_option("--text", f.text,
                   "Full-text search over every text field: every word must "
                   "match (as a word prefix); accents do not matter");
  AddPagingOptions(list, &list_opts->paging, "sessions");
  list->footer(CommandFooter(
      "One line per session: short id, date, kind, place, title and the\n"
      "number of open commitments. On a terminal, the first 50 and how many\n"
      "there are in all (--limit N or --all for more); piped, every one.\n"
      "--json prints one JSON array of the full records (as session show\n"
      "--json), every one unless --limit.\n"));

  auto show_id = std::make_shared<std::string>();
  CLI::App* show = app->add_subcommand("show", "Show one whole session");
  show->add_option("ID", *show_id, "Session id or unique prefix")->required();
  show->footer(CommandFooter(
      "--json prints the palabre.session/1 record plus id, created_at,\n"
      "updated_at, and each commitment's id and current status.\n"));

  auto edit_id = std::make_shared<std::string>();
  auto edit_file = std::make_shared<std::string>();
  CLI::App* edit =
      app->add_subcommand("edit", "Replace a session with a new version");
  edit->add_option("ID", *edit_id, "Session id or unique prefix")->required();
  edit->add_option("--file", *edit_file,
                   "The whole new version ('-' for stdin), e.g. the output "
                   "of session show --json, edited")
      ->required();
  edit->footer(CommandFooter(
      "Commitments keep their id (and follow-ups) when the file gives their\n"
      "id, or the same action and owner; new ones are added open; ones left\n"
      "out are removed. The earlier version stays in the signed log.\n"));

  auto redact_id = std::make_shared<std::string>();
  auto redact_yes = std::make_shared<bool>(false);
  CLI::App* redact = app->add_subcommand(
      "redact", "Erase a session that must not exist any more");
  redact->add_option("ID", *redact_id, "Session id or unique prefix")
      ->required();
  redact->add_flag("--yes", *redact_yes, "Do not ask for confirmation");
  redact->footer(CommandFooter(
      "For a record that endangers someone: removes the session, its\n"
      "commitments and their follow-ups from every table and the search\n"
      "index, erases the content of their log entries (the hashes stay, so\n"
      "the log still verifies) and records the redaction. It cannot be\n"
      "undone. Asks for confirmation unless --yes.\n"));

  return Command{app, [=](Context& ctx) -> Status {
                   if (add->parsed()) return RunAdd(ctx, *add_opts);
                   if (list->parsed()) return RunList(ctx, *list_opts);
                   if (show->parsed()) return RunShow(ctx, *show_id);
                   if (edit->parsed())
                     return RunEdit(ctx, *edit_id, *edit_file);
                   return RunRedact(ctx, *redact_id, *redact_yes);
                 }};
}

}  // namespace palabre::cli
