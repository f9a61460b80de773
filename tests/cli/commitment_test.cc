// `palabre commitment list|update` end to end: one line per commitment with
// its due date, owner, status and session; the --status, --overdue, --owner,
// --region and --country filters; --json with full ids. `update` records a
// follow-up that changes the status list and show report, the follow-up
// with the latest date wins whatever the order they were typed in, and a bad
// status or date is refused (exit 2) with nothing written. Due dates are far
// in the past (2020) or the future (2099), so that "overdue" does not depend
// on the day the tests run.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/cli/fixture_util.h"
#include "tests/cli/records_util.h"
#include "tests/cli/run_util.h"

namespace palabre::testing {
namespace {

using nlohmann::json;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The commitments of SampleSessions(), named by owner.
struct Ids {
  std::string mairie;        // session 0, due 2020-01-01 (overdue)
  std::string commissariat;  // session 0, due 2099-01-01
  std::string gendarmerie;   // session 1, due 2020-06-01 (overdue)
  std::string sinjar;        // session 2, no due date
  std::string mopti;         // session 4, due 2099-06-30
};

std::vector<std::string> ListIds(const json& list) {
  REQUIRE(list.is_array());
  std::vector<std::string> ids;
  for (const json& c : list) ids.push_back(c.at("id").get<std::string>());
  return ids;
}

// The status `commitment list --json` gives `id`.
std::string StatusOf(const std::string& dir, const std::string& id) {
  for (const json& c : RunJson(dir, {"commitment", "list"})) {
    if (c.at("id") == id) return c.at("status").get<std::string>();
  }
  FAIL("commitment " << id << " is not listed");
  return "";
}

TEST_CASE("commitment list shows due date, owner, status, session, filters",
          "[cli][records]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  InitVault(dir);
  const std::vector<Added> added = AddSessionsFile(dir, SampleSessions());
  const Ids ids{added[0].commitments[0], added[0].commitments[1],
                added[1].commitments[0], added[2].commitments[0],
                added[4].commitments[0]};

  // Text: by due date, none last; one line each.
  RunResult text = RunRecords(dir, {"commitment", "list"});
  INFO(text.Describe());
  REQUIRE(text.exit_code == 0);
  const std::vector<std::string> lines = Lines(text.out);
  REQUIRE(lines.size() == 5);
  struct LineCase {
    const std::string* id;
    std::vector<std::string> parts;
  };
  const LineCase line_cases[] = {
      {&ids.mairie,
       {"due 2020-01-01", "open OVERDUE",
        "Mairie de Gao: Réparer l'éclairage du marché.",
        "[session " + added[0].session.substr(0, 8) +
            " 2026-01-10, ML / Gao]"}},
      {&ids.gendarmerie,
       {"due 2020-06-01", "open OVERDUE", "Gendarmerie nationale: ",
        "[session " + added[1].session.substr(0, 8) +
            " 2026-02-15, NE / Tillabéri]"}},
      {&ids.commissariat,
       {"due 2099-01-01", "  open  ", "Commissariat de police de Gao: "}},
      {&ids.mopti,
       {"due 2099-06-30", "  open  ",
        "Direction régionale de la police de Mopti: ", "ML / Mopti]"}},
      {&ids.sinjar,
       {"no due date", "  open  ",
        "Sinjar district police: ", "2026-03-03, IQ / Nineveh / Sinjar]"}},
  };
  for (std::size_t i = 0; i < 5; ++i) {
    INFO(lines[i]);
    CHECK(lines[i].rfind(line_cases[i].id->substr(0, 8) + "  ", 0) == 0);
    for (const std::string& part : line_cases[i].parts) {
      INFO("should contain " << part);
      CHECK(Contains(lines[i], part));
    }
  }
  CHECK_FALSE(Contains(lines[2], "OVERDUE"));
  CHECK_FALSE(Contains(lines[4], "OVERDUE"));

  // --json: full ids and every field.
  const json all = RunJson(dir, {"commitment", "list"});
  REQUIRE(all.size() == 5);
  CHECK(ListIds(all) == std::vector<std::string>{ids.mairie, ids.gendarmerie,
                                                 ids.commissariat, ids.mopti,
                                                 ids.sinjar});
  const json& first = all[0];
  CHECK(first.at("session") == added[0].session);
  CHECK(first.at("session_date") == "2026-01-10");
  CHECK(first.at("country") == "ML");
  CHECK(first.at("region") == "Gao");
  CHECK(first.at("owner") == "Mairie de Gao");
  CHECK(first.at("due") == "2020-01-01");
  CHECK(first.at("status") == "open");
  CHECK(first.at("overdue") == true);
  CHECK(all[4].at("due").is_null());
  CHECK(all[4].at("overdue") == false);

  struct FilterCase {
    std::vector<std::string> args;
    std::vector<std::string> expected;
  };
  const FilterCase filters[] = {
      {{"--status", "open"},
       {ids.mairie, ids.gendarmerie, ids.commissariat, ids.mopti, ids.sinjar}},
      {{"--status", "done"}, {}},
      {{"--overdue"}, {ids.mairie, ids.gendarmerie}},
      {{"--owner", "police"}, {ids.commissariat, ids.mopti, ids.sinjar}},
      {{"--owner", "POLICE DE"}, {ids.commissariat, ids.mopti}},
      {{"--owner", "mairie"}, {ids.mairie}},
      {{"--owner", "régionale"}, {ids.mopti}},
      {{"--region", "Gao"}, {ids.mairie, ids.commissariat}},
      {{"--region", "gao"}, {ids.mairie, ids.commissariat}},
      {{"--country", "ne"}, {ids.gendarmerie}},
      {{"--country", "ML"}, {ids.mairie, ids.commissariat, ids.mopti}},
      {{"--country", "ML", "--overdue"}, {ids.mairie}},
      {{"--country", "GE"}, {}},
  };
  for (const FilterCase& f : filters) {
    std::vector<std::string> args = {"commitment", "list"};
    args.insert(args.end(), f.args.begin(), f.args.end());
    std::string what;
    for (const std::string& a : f.args) what += a + " ";
    INFO("filter: " << what);
    CHECK(ListIds(RunJson(dir, args)) == f.expected);
  }
  RunResult overdue = RunRecords(dir, {"commitment", "list", "--overdue"});
  REQUIRE(overdue.exit_code == 0);
  CHECK(Lines(overdue.out).size() == 2);

  // Bad filter values: exit 2 naming the option.
  struct BadCase {
    std::vector<std::string> args;
    const char* message_part;
  };
  const BadCase bad[] = {
      {{"--status", "finished"}, "--status"},
      {{"--country", "Mali"}, "--country"},
  };
  for (const BadCase& b : bad) {
    std::vector<std::string> args = {"commitment", "list"};
    args.insert(args.end(), b.args.begin(), b.args.end());
    RunResult r = RunRecords(dir, args);
    ExpectFailure(r, 2);
    CHECK(Contains(r.err, b.message_part));
  }
}

TEST_CASE("commitment update records follow-ups, the latest date wins",
          "[cli][records]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  InitVault(dir);
  const std::vector<Added> added = AddSessionsFile(dir, SampleSessions());
  const std::string mairie = added[0].commitments[0];
  const std::string& session = added[0].session;

  // Text output, with an 8-character prefix.
  RunResult done =
      RunRecords(dir, {"commitment", "update", mairie.substr(0, 8), "--status",
                       "done", "--note", "Éclairage réparé sur toute la place.",
                       "--date", "2026-05-01"});
  INFO(done.Describe());
  REQUIRE(done.exit_code == 0);
  CHECK(done.out.rfind("commitment " + mairie.substr(0, 8) + " is now done",
                       0) == 0);

  // list and show report the new status; it is no longer overdue.
  CHECK(StatusOf(dir, mairie) == "done");
  CHECK(ListIds(RunJson(dir, {"commitment", "list", "--overdue"})) ==
        std::vector<std::string>{added[1].commitments[0]});
  CHECK(ListIds(RunJson(dir, {"commitment", "list", "--status", "done"})) ==
        std::vector<std::string>{mairie});
  RunResult show = RunRecords(dir, {"session", "show", session});
  REQUIRE(show.exit_code == 0);
  CHECK(Contains(show.out, mairie.substr(0, 8) + "  done, due 2020-01-01"));
  const json shown = RunJson(dir, {"session", "show", session});
  CHECK(shown["commitments"][0].at("status") == "done");
  // A done commitment is no longer counted open by session list.
  RunResult list = RunRecords(dir, {"session", "list", "--region", "Gao"});
  CHECK(Contains(list.out, "(1 open)"));

  // Follow-ups, each with the status expected afterwards: an older date
  // typed later does not hide the newer one; a newer date takes over.
  struct Step {
    const char* status;
    const char* date;
    const char* expected;
  };
  const Step steps[] = {
      {"in_progress", "2026-04-01", "done"},  // older: done stays
      {"blocked", "2026-06-01", "blocked"},   // newer: wins
      {"open", "2026-06-01", "open"},         // same date: recorded last wins
      {"dropped", "2025-01-01", "open"},
  };
  for (const Step& s : steps) {
    INFO(s.status << " on " << s.date);
    const json out = RunJson(dir, {"commitment", "update", mairie, "--status",
                                   s.status, "--date", s.date});
    CHECK(out.at("commitment") == mairie);
    CHECK(out.at("status") == s.status);
    CHECK(IsFullId(out.at("follow_up").get<std::string>()));
    CHECK(StatusOf(dir, mairie) == s.expected);
  }
  // The latest follow-up dated 2026-06-01 is "open": overdue again.
  CHECK(ListIds(RunJson(dir, {"commitment", "list", "--overdue"})).size() == 2);
  const json counts = VerifyCounts(dir);
  CHECK(counts.at("follow_ups") == 5);

  // Bad input: exit 2, the option named, nothing written.
  struct BadCase {
    std::vector<std::string> args;
    const char* message_part;
  };
  const BadCase bad[] = {
      {{mairie, "--status", "finished", "--date", "2026-05-02"}, "--status"},
      {{mairie, "--status", "DONE", "--date", "2026-05-02"}, "--status"},
      {{mairie, "--status", "done", "--date", "2026-02-30"}, "--date"},
      {{mairie, "--status", "done", "--date", "01/05/2026"}, "--date"},
      {{mairie, "--status", "done", "--note",
        "a\x01"
        "b",
        "--date", "2026-05-02"},
       "note"},
  };
  for (const BadCase& b : bad) {
    std::vector<std::string> args = {"commitment", "update"};
    args.insert(args.end(), b.args.begin(), b.args.end());
    RunResult r = RunRecords(dir, args);
    ExpectFailure(r, 2);
    CHECK(Contains(r.err, b.message_part));
  }
  RunResult missing = RunRecords(dir, {"commitment", "update", mairie});
  CHECK(missing.exit_code == 2);  // --status is required
  CHECK(VerifyCounts(dir) == counts);
  CHECK(StatusOf(dir, mairie) == "open");
}

}  // namespace
}  // namespace palabre::testing
