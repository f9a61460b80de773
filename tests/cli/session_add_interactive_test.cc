// The interactive `palabre session add` (no --file), end to end. The form
// asks on stderr and reads stdin, so it is driven twice: with every answer
// piped on stdin (passphrase on --passphrase-fd), and on a pseudo-terminal
// that is the child's stdin, stdout and stderr, answering each prompt as it
// appears (passphrase typed there too). Every prompt is answered (kind by
// number, title, the default start time by an empty line, country in lower
// case, region, commune, counts, a concern, a commitment whose first due
// date is impossible and asked again, notes, save) and `session show --json`
// must hold exactly those values. The next session's place defaults to the
// last one. Answering "n" at the summary saves nothing (kCancelled: exit 1);
// input that ends early saves nothing and exits 2.
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

// One prompt of the form (a part of its text) and the line typed for it.
struct Answer {
  std::string prompt;
  std::string line;  // without "\n"
};

// Every prompt of cli/session_prompt.cc in order, answered. `country` and
// `region` are typed as given (empty: take the default).
std::vector<Answer> FullForm(const std::string& title,
                             const std::string& country,
                             const std::string& region,
                             const std::string& commune, bool save) {
  std::vector<Answer> a = {
      {"Choose a number", "9"},  // not a choice: asked again
      {"Choose a number", "2"},  // security_advisory_committee
      {"Title", title},
      {"Started at", ""},  // the default: now
      {"Ended at", ""},
      {"Country", country},
      {"Region", region},
      {"Commune", commune},
      {"Languages spoken", "fr, son"},
      {"Facilitators", "facilitateur-07, facilitatrice-02"},
      {"Choose a number", ""},  // attribution: the default, chatham_house
      {"  female: ", "3"},
      {"  male: ", "4"},
      {"  other: ", ""},
      {"  undisclosed: ", ""},
      {"  under_18: ", ""},
      {"  18_35: ", "5"},
      {"  36_plus: ", "x"},  // not a number: asked again
      {"  36_plus: ", "2"},
      {"  undisclosed: ", ""},
  };
  const char* groups[] = {"security_forces",
                          "local_authority",
                          "traditional_leaders",
                          "religious_leaders",
                          "cso",
                          "youth",
                          "womens_groups",
                          "idps",
                          "persons_with_disabilities",
                          "media",
                          "private_sector",
                          "other"};
  for (const char* g : groups) {
    a.push_back(
        {std::string("  ") + g + ": ", std::string(g) == "youth" ? "6" : ""});
  }
  const std::vector<Answer> rest = {
      {"Agenda item 1", "Éclairage public"},
      {"Agenda item 2", ""},
      {"Add a concern raised?", "y"},
      {"Choose a number", "14"},  // service_delivery
      {"Choose a number", "6"},   // raised by youth
      {"Summary (no names)", "Les lampadaires sont en panne."},
      {"Add another concern?", ""},
      {"Agreement 1", "Se revoir dans un mois."},
      {"Agreement 2", ""},
      {"Add a commitment?", "y"},
      {"What was committed", "Réparer les lampadaires."},
      {"Owner", "Mairie de Gao"},
      {"Due date", "2026-02-30"},  // impossible: asked again
      {"Due date", "2099-01-01"},
      {"Add another commitment?", "n"},
      {"Notes, line 1", "Première ligne."},
      {"Notes, line 2", "Deuxième ligne."},
      {"Notes, line 3", ""},
      {"Next meeting", "2026-07-01"},
      {"Save this session?", save ? "y" : "n"},
  };
  a.insert(a.end(), rest.begin(), rest.end());
  return a;
}

std::string Piped(const std::vector<Answer>& answers, std::size_t count) {
  std::string text;
  for (std::size_t i = 0; i < count && i < answers.size(); ++i) {
    text += answers[i].line + "\n";
  }
  return text;
}

// Checks the session FullForm(title, ...) described, as show --json prints
// it.
void CheckSaved(const json& s, const std::string& title,
                const json& expected_place) {
  CHECK(s.at("kind") == "security_advisory_committee");
  CHECK(s.at("title") == title);
  const std::string started = s.at("started_at").get<std::string>();
  CHECK(started.size() >= 20);
  CHECK(started.substr(10, 1) == "T");
  CHECK_FALSE(s.contains("ended_at"));
  CHECK(s.at("place") == expected_place);
  CHECK(s.at("languages") == json({"fr", "son"}));
  CHECK(s.at("facilitators") == json({"facilitateur-07", "facilitatrice-02"}));
  CHECK(s.at("attribution") == "chatham_house");
  CHECK(s.at("participants") ==
        json({{"by_sex", {{"female", 3}, {"male", 4}}},
              {"by_age", {{"18_35", 5}, {"36_plus", 2}}},
              {"by_group", {{"youth", 6}}}}));
  CHECK(s.at("agenda") == json({"Éclairage public"}));
  CHECK(s.at("concerns") ==
        json::array({{{"category", "service_delivery"},
                      {"raised_by", "youth"},
                      {"summary", "Les lampadaires sont en panne."}}}));
  CHECK(s.at("agreements") == json({"Se revoir dans un mois."}));
  REQUIRE(s.at("commitments").size() == 1);
  const json& c = s["commitments"][0];
  CHECK(c.at("action") == "Réparer les lampadaires.");
  CHECK(c.at("owner") == "Mairie de Gao");
  CHECK(c.at("due") == "2099-01-01");
  CHECK(c.at("status") == "open");
  CHECK(s.at("notes") == "Première ligne.\nDeuxième ligne.");
  CHECK(s.at("next_meeting") == "2026-07-01");
}

// The one session of `dir`, as show --json prints it.
json OnlySession(const std::string& dir) {
  const json list = RunJson(dir, {"session", "list"});
  REQUIRE(list.size() == 1);
  return list[0];
}

TEST_CASE("interactive session add with answers piped on stdin",
          "[cli][records]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  InitVault(dir);
  const std::vector<Answer> answers =
      FullForm("Réunion de quartier à Gao", "ml", "Gao", "Gao", true);
  RunResult r =
      RunRecords(dir, {"session", "add"}, Piped(answers, answers.size()));
  INFO(r.Describe());
  REQUIRE(r.exit_code == 0);
  // Every prompt was asked, in this order.
  std::size_t at = 0;
  for (const Answer& a : answers) {
    INFO("prompt " << a.prompt);
    at = r.err.find(a.prompt, at);
    REQUIRE(at != std::string::npos);
    at += a.prompt.size();
  }
  CHECK(Contains(r.err, "'9' is not one of the choices"));
  CHECK(Contains(r.err, "Type a whole number"));
  CHECK(Contains(r.err, "Use the form 2026-03-14."));
  CHECK(Contains(r.err, "Summary\n-------\n"));
  CHECK(Contains(r.err, "Réunion de quartier à Gao"));
  const json s = OnlySession(dir);
  const std::string id = s.at("id").get<std::string>();
  CHECK(r.out ==
        "session " + id.substr(0, 8) + " saved with 1 commitment: " +
            s["commitments"][0].at("id").get<std::string>().substr(0, 8) +
            "\n");
  CheckSaved(s, "Réunion de quartier à Gao",
             {{"country", "ML"}, {"region", "Gao"}, {"commune", "Gao"}});

  // The next session offers the last place: empty answers take it.
  const std::vector<Answer> again =
      FullForm("Deuxième réunion", "", "", "", true);
  const json out = RunJson(dir, {"session", "add"}, Piped(again, again.size()));
  CHECK(IsFullId(out.at("session").get<std::string>()));
  REQUIRE(out.at("commitments").size() == 1);
  const json second =
      RunJson(dir, {"session", "show", out.at("session").get<std::string>()});
  CheckSaved(second, "Deuxième réunion",
             {{"country", "ML"}, {"region", "Gao"}, {"commune", "Gao"}});
  CHECK(VerifyCounts(dir).at("sessions") == 2);
}

TEST_CASE("interactive session add on a pseudo-terminal", "[cli][records]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  InitVault(dir);
  const std::vector<Answer> answers =
      FullForm("Réunion sur terminal", "ge", "Shida Kartli", "Gori", true);
  std::vector<TerminalStep> steps = {
      {"Passphrase", std::string(kPassphrase) + "\n"}};
  for (const Answer& a : answers) steps.push_back({a.prompt, a.line + "\n"});
  RunResult r = RunOnPty(VaultArgs(dir, {"session", "add"}), steps);
  INFO(r.Describe());
  REQUIRE(r.exit_code == 0);
  CHECK(r.steps_done == steps.size());
  CHECK_FALSE(Contains(r.terminal, kPassphrase));  // not echoed
  CHECK(Contains(r.terminal, "Use the form 2026-03-14."));
  const json s = OnlySession(dir);
  CHECK(Contains(
      r.terminal,
      "session " + s.at("id").get<std::string>().substr(0, 8) + " saved"));
  CheckSaved(
      s, "Réunion sur terminal",
      {{"country", "GE"}, {"region", "Shida Kartli"}, {"commune", "Gori"}});
}

TEST_CASE(
    "interactive session add: no at the summary or early EOF saves "
    "nothing",
    "[cli][records]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  InitVault(dir);
  const json counts = VerifyCounts(dir);
  const auto before = Snapshot(dir);

  // "n" at the summary: the command is cancelled (exit 1).
  const std::vector<Answer> declined =
      FullForm("Jamais enregistrée", "ml", "Gao", "Gao", false);
  RunResult no =
      RunRecords(dir, {"session", "add"}, Piped(declined, declined.size()));
  INFO(no.Describe());
  CHECK(no.exit_code == 1);
  CHECK(no.out.empty());
  CHECK(Contains(no.err, "Summary\n-------\n"));
  CHECK(Contains(no.err, "Nothing saved."));
  std::vector<std::string> lines = Lines(no.err);
  REQUIRE_FALSE(lines.empty());
  CHECK(lines.back().rfind("palabre: ", 0) == 0);
  CHECK(Contains(lines.back(), "cancelled"));
  CHECK(VerifyCounts(dir) == counts);

  // On a terminal too.
  std::vector<TerminalStep> steps = {
      {"Passphrase", std::string(kPassphrase) + "\n"}};
  for (const Answer& a : declined) steps.push_back({a.prompt, a.line + "\n"});
  RunResult pty_no = RunOnPty(VaultArgs(dir, {"session", "add"}), steps);
  INFO(pty_no.Describe());
  CHECK(pty_no.exit_code == 1);
  CHECK(pty_no.steps_done == steps.size());
  CHECK(Contains(pty_no.terminal, "Nothing saved."));

  // Input that ends early, at several points: exit 2, nothing saved.
  const std::vector<Answer> full =
      FullForm("Interrompue", "ml", "Gao", "Gao", true);
  struct Cut {
    const char* what;
    std::size_t answers;
  };
  const Cut cuts[] = {
      {"no answer at all", 0},
      {"after the title", 3},
      {"in the middle of the counts", 14},
      {"after the impossible due date", full.size() - 7},
      {"before the confirmation", full.size() - 1},
  };
  for (const Cut& c : cuts) {
    INFO(c.what);
    RunResult r = RunRecords(dir, {"session", "add"}, Piped(full, c.answers));
    INFO(r.Describe());
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    lines = Lines(r.err);
    REQUIRE_FALSE(lines.empty());
    CHECK(lines.back() ==
          "palabre: input ended before the session was complete; nothing "
          "saved");
  }
  CHECK(Snapshot(dir).size() == before.size());
  CHECK(VerifyCounts(dir) == counts);
}

}  // namespace
}  // namespace palabre::testing
