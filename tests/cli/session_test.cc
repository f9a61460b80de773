// `palabre session add|list|show|edit|redact` end to end, on temporary
// vaults made with the fast KDF. add takes one object, an array or stdin and
// prints short ids (text) or full ids (--json); list is newest first by local
// date and every filter narrows it (country in lower case, accents ignored by
// --text, Arabic and Georgian words found); show takes 8- and 4-character
// prefixes; edit keeps the ids (and follow-ups) of the commitments it
// matches; redact --yes removes a session for good while verify stays ok,
// and without --yes or a terminal it refuses and changes nothing.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
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

// The ids in a `session list --json` array, in order.
std::vector<std::string> ListedIds(const json& list) {
  REQUIRE(list.is_array());
  std::vector<std::string> ids;
  for (const json& s : list) ids.push_back(s.at("id").get<std::string>());
  return ids;
}

// A vault holding SampleSessions(); `added` in the same order.
struct SampleVault {
  TempDir tmp;
  std::string dir = tmp.Sub("vault");
  std::vector<Added> added;

  SampleVault() {
    InitVault(dir);
    added = AddSessionsFile(dir, SampleSessions());
  }
  std::vector<std::string> SessionIds() const {
    std::vector<std::string> ids;
    for (const Added& a : added) ids.push_back(a.session);
    return ids;
  }
};

TEST_CASE("session add takes one object, an array or stdin", "[cli][records]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  InitVault(dir);
  json one = MinimalSession("Dialogue communautaire à Gao");
  one["commitments"] = {
      Commitment("Réparer la pompe.", "Mairie de Gao", "2026-06-01"),
      Commitment("Afficher les numéros d'urgence.",
                 "Commissariat de police de Gao")};

  // Text output: the short id of the session and of each commitment.
  const std::string file = ScratchPath(dir, "one.json");
  WriteAll(file, one.dump());
  RunResult text = RunRecords(dir, {"session", "add", "--file", file});
  INFO(text.Describe());
  REQUIRE(text.exit_code == 0);
  CHECK(text.err.empty());
  REQUIRE(Lines(text.out).size() == 1);
  CHECK(text.out.rfind("session ", 0) == 0);
  CHECK(Contains(text.out, " saved with 2 commitments:"));
  const std::string short_id = text.out.substr(8, 8);
  const json listed = RunJson(dir, {"session", "list"});
  REQUIRE(listed.size() == 1);
  const std::string full = listed[0].at("id").get<std::string>();
  CHECK(IsFullId(full));
  CHECK(full.rfind(short_id, 0) == 0);
  CHECK(Contains(text.out, full.substr(0, 8)));
  CHECK_FALSE(Contains(text.out, full));  // the short form only
  for (const json& c : listed[0].at("commitments")) {
    CHECK(Contains(text.out, c.at("id").get<std::string>().substr(0, 8)));
  }

  // --json with one object: {"session": ID, "commitments": [ID, ID]}.
  const Added single = AddSessionFile(dir, one);
  CHECK(single.session != full);  // add always draws new ids
  CHECK(single.commitments.size() == 2);

  // --json with an array: one such object per session, in order.
  json array =
      json::array({MinimalSession("Première"),
                   MinimalSession("Deuxième", "2026-03-15T09:00:00Z")});
  array[1]["commitments"] = {Commitment("Tenir un registre.", "Mairie")};
  const std::vector<Added> two = AddSessionsFile(dir, array);
  REQUIRE(two.size() == 2);
  CHECK(two[0].commitments.empty());
  CHECK(two[1].commitments.size() == 1);
  CHECK(two[0].session != two[1].session);

  // From stdin, an object and then an array of one.
  struct StdinCase {
    const char* what;
    json input;
    bool is_array;
  };
  const StdinCase cases[] = {
      {"object", MinimalSession("Depuis l'entrée standard"), false},
      {"array", json::array({MinimalSession("Liste sur stdin")}), true},
  };
  for (const StdinCase& c : cases) {
    INFO(c.what);
    const json out =
        RunJson(dir, {"session", "add", "--file", "-"}, c.input.dump());
    const json& first = c.is_array ? out.at(0) : out;
    CHECK(out.is_array() == c.is_array);
    CHECK(IsFullId(first.at("session").get<std::string>()));
    const json shown = RunJson(
        dir, {"session", "show", first.at("session").get<std::string>()});
    const json& input = c.is_array ? c.input[0] : c.input;
    CHECK(shown.at("title") == input.at("title"));
  }

  // A 300-character title (Georgian: 900 bytes) is accepted whole.
  std::string georgian;
  for (int i = 0; i < 300; ++i) georgian += "ა";
  const Added long_title = AddSessionFile(dir, MinimalSession(georgian));
  CHECK(RunJson(dir, {"session", "show", long_title.session}).at("title") ==
        georgian);

  const json counts = VerifyCounts(dir);
  CHECK(counts.at("sessions") == 7);
  CHECK(counts.at("commitments") == 5);
}

TEST_CASE("session list is newest first, one line per session, and filters",
          "[cli][records]") {
  SampleVault v;
  const std::vector<std::string> ids = v.SessionIds();

  // Text: one line per session, newest first by local date.
  RunResult text = RunRecords(v.dir, {"session", "list"});
  INFO(text.Describe());
  REQUIRE(text.exit_code == 0);
  const std::vector<std::string> lines = Lines(text.out);
  REQUIRE(lines.size() == 5);
  const int newest_first[] = {3, 2, 1, 0, 4};
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK(lines[i].rfind(ids[newest_first[i]].substr(0, 8), 0) == 0);
  }
  const json samples = SampleSessions();
  struct LineCase {
    int session;
    std::vector<std::string> parts;
  };
  const LineCase line_cases[] = {
      {0,
       {"2026-01-10", "community_dialogue", "ML / Gao",
        samples[0]["title"].get<std::string>(), "(2 open)"}},
      {1,
       {"2026-02-15", "security_advisory_committee", "NE / Tillabéri",
        "Comité consultatif de Tillabéri", "(1 open)"}},
      {2,
       {"2026-03-03", "community_dialogue", "IQ / Nineveh / Sinjar",
        samples[2]["title"].get<std::string>(), "(1 open)"}},
      {3,
       {"2026-04-11", "training", "GE / Shida Kartli / Gori",
        samples[3]["title"].get<std::string>(), "(0 open)"}},
      {4, {"2025-12-01", "perception_survey", "ML / Mopti", "(1 open)"}},
  };
  for (const LineCase& c : line_cases) {
    const std::string& line =
        lines[std::find(std::begin(newest_first), std::end(newest_first),
                        c.session) -
              std::begin(newest_first)];
    for (const std::string& part : c.parts) {
      INFO(line << " should contain " << part);
      CHECK(Contains(line, part));
    }
  }

  // --json: one array of full records, newest first.
  const json all = RunJson(v.dir, {"session", "list"});
  REQUIRE(all.size() == 5);
  for (std::size_t i = 0; i < 5; ++i) {
    const json& s = all[i];
    const json& sample = samples[newest_first[i]];
    CHECK(s.at("id") == ids[newest_first[i]]);
    CHECK(s.at("format") == "palabre.session/1");
    CHECK(s.at("title") == sample.at("title"));
    CHECK(s.at("kind") == sample.at("kind"));
    CHECK(s.at("started_at") == sample.at("started_at"));
    CHECK(s.contains("created_at"));
    CHECK(s.contains("updated_at"));
    CHECK(s.at("commitments").size() ==
          sample.value("commitments", json::array()).size());
  }
  CHECK(all[4].at("place").at("country") == "ML");  // stored upper-case

  // Filters, each given as the sample indexes expected, newest first.
  struct FilterCase {
    std::vector<std::string> args;
    std::vector<int> expected;
  };
  const FilterCase filters[] = {
      {{"--from", "2026-02-01"}, {3, 2, 1}},
      {{"--to", "2026-01-31"}, {0, 4}},
      // Local date, not UTC: 01:30+03:00 on 3 March is 2 March in UTC.
      {{"--from", "2026-03-03", "--to", "2026-03-03"}, {2}},
      {{"--to", "2026-03-02", "--from", "2026-03-02"}, {}},
      {{"--kind", "community_dialogue"}, {2, 0}},
      {{"--kind", "training"}, {3}},
      {{"--country", "ML"}, {0, 4}},
      {{"--country", "ml"}, {0, 4}},
      {{"--country", "ge"}, {3}},
      {{"--country", "td"}, {}},
      {{"--region", "gao"}, {0}},
      {{"--region", "SHIDA KARTLI"}, {3}},
      {{"--region", "Shida"}, {}},  // a whole name, not a part
      {{"--country", "ML", "--region", "Mopti"}, {4}},
      {{"--commune", "GORI"}, {3}},
      {{"--text", "securite"}, {0}},
      {{"--text", "secu"}, {0}},  // a word prefix
      {{"--text", "sécurité"}, {0}},
      {{"--text", "SECURITE marche"}, {0}},
      {{"--text", "securite tillaberi"}, {}},  // every word must match
      {{"--text", "tillaberi"}, {1}},
      {{"--text", "سنجار"}, {2}},
      {{"--text", "النازحين"}, {2}},
      {{"--text", "ტრენინგი"}, {3}},
      {{"--text", "police"}, {2, 0, 4}},  // commitment owners are searched
      {{"--text", "patrouilles"}, {0}},
      {{"--limit", "2"}, {3, 2}},
      {{"--kind", "community_dialogue", "--limit", "1"}, {2}},
  };
  for (const FilterCase& f : filters) {
    std::vector<std::string> args = {"session", "list"};
    args.insert(args.end(), f.args.begin(), f.args.end());
    std::string what;
    for (const std::string& a : f.args) what += a + " ";
    INFO("filter: " << what);
    std::vector<std::string> expected;
    for (int i : f.expected) expected.push_back(ids[i]);
    CHECK(ListedIds(RunJson(v.dir, args)) == expected);
  }
  // The text form filters the same way.
  RunResult filtered =
      RunRecords(v.dir, {"session", "list", "--country", "ml"});
  REQUIRE(filtered.exit_code == 0);
  CHECK(Lines(filtered.out).size() == 2);
  RunResult none = RunRecords(v.dir, {"session", "list", "--country", "td"});
  CHECK(none.exit_code == 0);
  CHECK(none.out.empty());
}

TEST_CASE("session show takes 8- and 4-character prefixes, text and JSON",
          "[cli][records]") {
  SampleVault v;
  const std::vector<std::string> ids = v.SessionIds();
  const std::string& id = ids[0];
  const json sample = SampleSessions()[0];

  const std::string prefix4 = UniquePrefix(id, ids);
  if (prefix4.size() > 4) WARN("two sample ids share " << id.substr(0, 4));
  for (const std::string& prefix : {id.substr(0, 8), prefix4, id}) {
    INFO("prefix " << prefix);
    RunResult text = RunRecords(v.dir, {"session", "show", prefix});
    INFO(text.Describe());
    REQUIRE(text.exit_code == 0);
    CHECK(text.out.rfind(sample.at("title").get<std::string>() + "\n", 0) == 0);
    CHECK(Contains(text.out, "id:            " + id + "\n"));
    CHECK(Contains(text.out, "kind:          community_dialogue\n"));
    CHECK(Contains(text.out, "started:       2026-01-10T09:00:00+00:00\n"));
    CHECK(Contains(text.out, "place:         ML / Gao\n"));
    CHECK(Contains(text.out, "attribution:   chatham_house\n"));
    CHECK(Contains(text.out, "by sex: female 5; male 7\n"));
    CHECK(Contains(text.out, "service_delivery (raised by womens_groups)"));
    CHECK(Contains(text.out, v.added[0].commitments[0].substr(0, 8) +
                                 "  open, due 2020-01-01  Mairie de Gao: "
                                 "Réparer l'éclairage du marché.\n"));
    CHECK(Contains(text.out, v.added[0].commitments[1].substr(0, 8) +
                                 "  open, due 2099-01-01  "));

    const json shown = RunJson(v.dir, {"session", "show", prefix});
    CHECK(shown.at("id") == id);
  }

  // --json: the format fields as given (defaults filled in) plus id,
  // created_at, updated_at, and each commitment's id and status.
  const json shown = RunJson(v.dir, {"session", "show", id.substr(0, 8)});
  for (const char* key :
       {"format", "kind", "title", "started_at", "participants", "concerns"}) {
    INFO(key);
    CHECK(shown.at(key) == sample.at(key));
  }
  CHECK(shown.at("place") ==
        json({{"country", "ML"}, {"region", "Gao"}, {"commune", "Gao"}}));
  CHECK(shown.at("attribution") == "chatham_house");
  CHECK(shown.at("created_at").get<std::string>().size() == 20);  // ...Z
  CHECK(shown.at("updated_at") == shown.at("created_at"));
  REQUIRE(shown.at("commitments").size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    const json& c = shown["commitments"][i];
    CHECK(c.at("id") == v.added[0].commitments[i]);
    CHECK(c.at("status") == "open");
    CHECK(c.at("action") == sample["commitments"][i]["action"]);
    CHECK(c.at("owner") == sample["commitments"][i]["owner"]);
    CHECK(c.at("due") == sample["commitments"][i]["due"]);
  }
  // An upper-case prefix is the same id.
  std::string upper = id.substr(0, 8);
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  CHECK(RunJson(v.dir, {"session", "show", upper}).at("id") == id);
}

TEST_CASE("session edit replaces a session and keeps matched commitments",
          "[cli][records]") {
  SampleVault v;
  const Added& gao = v.added[0];
  // A follow-up before the edit: it must survive it.
  RunResult update =
      RunRecords(v.dir, {"commitment", "update", gao.commitments[0], "--status",
                         "in_progress", "--date", "2026-02-01"});
  INFO(update.Describe());
  REQUIRE(update.exit_code == 0);

  json edited = RunJson(v.dir, {"session", "show", gao.session});
  edited["title"] = "Dialogue sur la sécurité au marché de Gao (corrigé)";
  edited["commitments"][0]["due"] = "2020-02-01";  // corrected, still kept
  edited["commitments"].erase(1);                  // removed
  edited["commitments"].push_back(
      Commitment("Nommer un point focal.", "Mairie de Gao", "2099-03-01"));
  const std::string file = ScratchPath(v.dir, "edit.json");
  WriteAll(file, edited.dump(2));
  const json out = RunJson(
      v.dir, {"session", "edit", gao.session.substr(0, 8), "--file", file});
  CHECK(out.at("session") == gao.session);
  REQUIRE(out.at("commitments").size() == 2);
  CHECK(out["commitments"][0] == gao.commitments[0]);
  const std::string added_id = out["commitments"][1].get<std::string>();
  CHECK(IsFullId(added_id));
  CHECK(added_id != gao.commitments[1]);

  const json after = RunJson(v.dir, {"session", "show", gao.session});
  CHECK(after.at("title") == edited.at("title"));
  REQUIRE(after.at("commitments").size() == 2);
  CHECK(after["commitments"][0].at("id") == gao.commitments[0]);
  CHECK(after["commitments"][0].at("status") == "in_progress");
  CHECK(after["commitments"][0].at("due") == "2020-02-01");
  CHECK(after["commitments"][1].at("id") == added_id);
  CHECK(after["commitments"][1].at("status") == "open");
  CHECK(after.at("created_at") == edited.at("created_at"));

  // The removed commitment is gone from the lists; the others are there.
  std::vector<std::string> listed;
  for (const json& c : RunJson(v.dir, {"commitment", "list"})) {
    listed.push_back(c.at("id").get<std::string>());
  }
  CHECK(std::find(listed.begin(), listed.end(), gao.commitments[1]) ==
        listed.end());
  CHECK(std::find(listed.begin(), listed.end(), added_id) != listed.end());
  CHECK(listed.size() == 5);

  // Text form, and matching by identical action and owner when the file
  // gives no commitment id.
  const Added& tillaberi = v.added[1];
  json second = RunJson(v.dir, {"session", "show", tillaberi.session});
  second["commitments"][0].erase("id");
  second.erase("id");
  second["notes"] = "Réunion reportée d'une semaine.";
  WriteAll(file, second.dump());
  RunResult text =
      RunRecords(v.dir, {"session", "edit", tillaberi.session, "--file", file});
  INFO(text.Describe());
  REQUIRE(text.exit_code == 0);
  CHECK(text.out == "session " + tillaberi.session.substr(0, 8) + " updated\n");
  const json second_after =
      RunJson(v.dir, {"session", "show", tillaberi.session});
  CHECK(second_after.at("notes") == "Réunion reportée d'une semaine.");
  CHECK(second_after["commitments"][0].at("id") == tillaberi.commitments[0]);

  const json counts = VerifyCounts(v.dir);
  CHECK(counts.at("sessions") == 5);
  CHECK(counts.at("commitments") == 5);
  CHECK(counts.at("follow_ups") == 1);
}

TEST_CASE("session redact --yes erases a session, without --yes it refuses",
          "[cli][records]") {
  SampleVault v;
  const Added& mopti = v.added[4];
  const json before = VerifyCounts(v.dir);

  // No --yes and no terminal: exit 2, nothing changed.
  RunResult refused = RunRecords(v.dir, {"session", "redact", mopti.session});
  ExpectFailure(refused, 2);
  CHECK(Contains(refused.err, "--yes"));
  CHECK(refused.out.empty());
  CHECK(VerifyCounts(v.dir) == before);
  CHECK(RunJson(v.dir, {"session", "list"}).size() == 5);

  RunResult redact = RunRecords(
      v.dir, {"session", "redact", mopti.session.substr(0, 8), "--yes"});
  INFO(redact.Describe());
  REQUIRE(redact.exit_code == 0);
  CHECK(redact.out == "session " + mopti.session.substr(0, 8) + " redacted\n");

  std::vector<std::string> remaining =
      ListedIds(RunJson(v.dir, {"session", "list"}));
  CHECK(remaining.size() == 4);
  CHECK(std::find(remaining.begin(), remaining.end(), mopti.session) ==
        remaining.end());
  CHECK(RunJson(v.dir, {"session", "list", "--text", "Mopti"}).empty());
  CHECK(RunJson(v.dir, {"commitment", "list", "--owner", "Mopti"}).empty());

  for (const std::string& prefix :
       {mopti.session, mopti.session.substr(0, 8)}) {
    RunResult show = RunRecords(v.dir, {"session", "show", prefix});
    ExpectFailure(show, 2);
    CHECK(Contains(show.err, "redacted"));
  }
  RunResult update =
      RunRecords(v.dir, {"commitment", "update", mopti.commitments[0],
                         "--status", "done", "--date", "2026-05-01"});
  ExpectFailure(update, 2);
  CHECK(Contains(update.err, "redacted"));

  const json after = VerifyCounts(v.dir);
  CHECK(after.at("sessions") == 4);
  CHECK(after.at("commitments") == before.at("commitments").get<int>() - 1);
  CHECK(after.at("redacted").get<int>() >= 1);
  RunResult verify = RunRecords(v.dir, {"verify"});
  CHECK(verify.exit_code == 0);
  CHECK(verify.out.rfind("ok", 0) == 0);

  // On a terminal, "n" changes nothing (kCancelled: exit 1) and "y" redacts.
  const std::string pass = std::string(kPassphrase) + "\n";
  const Added& gori = v.added[3];
  RunResult no = RunOnPty(VaultArgs(v.dir, {"session", "redact", gori.session}),
                          {{"Passphrase", pass}, {"[y/N]", "n\n"}});
  INFO(no.Describe());
  CHECK(no.exit_code == 1);
  CHECK(no.steps_done == 2);
  CHECK(RunJson(v.dir, {"session", "list"}).size() == 4);
  RunResult yes =
      RunOnPty(VaultArgs(v.dir, {"session", "redact", gori.session}),
               {{"Passphrase", pass}, {"[y/N]", "y\n"}});
  INFO(yes.Describe());
  CHECK(yes.exit_code == 0);
  CHECK(Contains(yes.terminal, "redacted"));
  CHECK(RunJson(v.dir, {"session", "list"}).size() == 3);
}

}  // namespace
}  // namespace palabre::testing
