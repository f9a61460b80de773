// Bad input to the record commands, end to end: every case exits 2 with one
// line on stderr naming what is wrong (the JSON path of the field, such as
// "commitments[0].due", or the option, or the id), and leaves the vault as
// it was: the files of a vault that a bad file never unlocks are
// byte-identical, and `verify --json` reports the same counts (and ok)
// before and after. Covers session files (unknown field, wrong type,
// unknown word, impossible date, bad offset, ended_at before started_at,
// negative count, 301-character title, invalid UTF-8, a 50 MB file refused
// quickly, empty and missing files, an array with one bad record), unknown
// and ambiguous ids, and bad list options.
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <functional>
#include <map>
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

// A valid session that the cases below break one field at a time.
json BaseSession() {
  json s = MinimalSession("Dialogue communautaire", "2026-03-14T09:30:00+00:00",
                          "ML", "Gao");
  s["ended_at"] = "2026-03-14T12:00:00+00:00";
  s["participants"] = {{"by_sex", {{"female", 4}, {"male", 6}}}};
  s["concerns"] = {{{"category", "police_conduct"},
                    {"summary", "Contrôles perçus comme arbitraires."}}};
  s["commitments"] = {
      Commitment("Publier les horaires.", "Commissariat", "2026-04-30")};
  return s;
}

struct FileCase {
  const char* what;
  // The file's bytes.
  std::function<std::string()> content;
  const char* message_part;  // expected in the error line
};

std::string Mutated(const std::function<void(json&)>& change) {
  json s = BaseSession();
  change(s);
  return s.dump(2);
}

TEST_CASE("session add refuses a bad file with exit 2 and changes nothing",
          "[cli][records]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  InitVault(dir);
  AddSessionFile(dir, BaseSession());
  const json counts = VerifyCounts(dir);
  const auto before = Snapshot(dir);

  const FileCase cases[] = {
      {"unknown field",
       [] { return Mutated([](json& s) { s["colour"] = "blue"; }); },
       "colour: unknown field"},
      {"unknown field in place",
       [] { return Mutated([](json& s) { s["place"]["city"] = "Gao"; }); },
       "place.city: unknown field"},
      {"unknown field in a commitment",
       [] {
         return Mutated([](json& s) { s["commitments"][0]["person"] = "X"; });
       },
       "commitments[0].person: unknown field"},
      {"wrong type: number for the title",
       [] { return Mutated([](json& s) { s["title"] = 5; }); },
       "title: must be a string"},
      {"wrong type: string for a count",
       [] {
         return Mutated(
             [](json& s) { s["participants"]["by_sex"]["female"] = "4"; });
       },
       "participants.by_sex.female: must be an integer"},
      {"wrong type: object for the agenda",
       [] { return Mutated([](json& s) { s["agenda"] = json::object(); }); },
       "agenda: must be an array"},
      {"unknown kind",
       [] { return Mutated([](json& s) { s["kind"] = "meeting"; }); },
       "kind: unknown session kind"},
      {"unknown concern category",
       [] {
         return Mutated(
             [](json& s) { s["concerns"][0]["category"] = "weather"; });
       },
       "concerns[0].category: unknown concern category"},
      {"unknown age band",
       [] {
         return Mutated([](json& s) {
           s["participants"]["by_age"] = {{"old", 3}};
         });
       },
       "participants.by_age.old: unknown age group"},
      {"impossible due date",
       [] {
         return Mutated(
             [](json& s) { s["commitments"][0]["due"] = "2026-02-30"; });
       },
       "commitments[0].due: not a date (YYYY-MM-DD)"},
      {"two-digit year",
       [] { return Mutated([](json& s) { s["next_meeting"] = "26-02-03"; }); },
       "next_meeting: not a date"},
      {"offset out of range",
       [] {
         return Mutated(
             [](json& s) { s["started_at"] = "2026-03-14T09:30:00+25:00"; });
       },
       "started_at: UTC offset out of range"},
      {"malformed offset",
       [] {
         return Mutated(
             [](json& s) { s["started_at"] = "2026-03-14T09:30:00+0100"; });
       },
       "started_at: "},
      {"no offset",
       [] {
         return Mutated([](json& s) { s["ended_at"] = "2026-03-14T12:00:00"; });
       },
       "ended_at: missing UTC offset"},
      {"ended_at before started_at",
       [] {
         return Mutated(
             [](json& s) { s["ended_at"] = "2026-03-14T09:29:59+00:00"; });
       },
       "ended_at: before started_at"},
      {"ended_at before started_at once offsets are applied",
       [] {
         return Mutated(
             [](json& s) { s["ended_at"] = "2026-03-14T10:00:00+03:00"; });
       },
       "ended_at: before started_at"},
      {"negative count",
       [] {
         return Mutated(
             [](json& s) { s["participants"]["by_sex"]["male"] = -1; });
       },
       "participants.by_sex.male: must not be negative"},
      {"title of 301 characters",
       [] {
         std::string title;
         for (int i = 0; i < 301; ++i) title += "é";
         return Mutated([&](json& s) { s["title"] = title; });
       },
       "title: too long (301 characters, at most 300)"},
      {"empty title", [] { return Mutated([](json& s) { s["title"] = ""; }); },
       "title: must not be empty"},
      {"missing country",
       [] { return Mutated([](json& s) { s["place"].erase("country"); }); },
       "place.country: missing (required)"},
      {"another format",
       [] {
         return Mutated([](json& s) { s["format"] = "palabre.session/2"; });
       },
       "format: unsupported format"},
      {"invalid UTF-8 bytes",
       [] {
         std::string text = BaseSession().dump();
         text.replace(text.find("communautaire"), 1, "\xff\xfe");
         return text;
       },
       "invalid UTF-8 at byte"},
      {"an overlong UTF-8 form",
       [] {
         std::string text = BaseSession().dump();
         text.replace(text.find("communautaire"), 1, "\xc0\xaf");
         return text;
       },
       "invalid UTF-8 at byte"},
      {"JSON syntax error",
       [] { return std::string("{\"format\": \"palabre.session/1\",\n}"); },
       "JSON syntax error at line 2"},
      {"duplicate key",
       [] {
         std::string text = BaseSession().dump();
         text.insert(1, "\"title\": \"Autre\", ");
         return text;
       },
       "duplicate key \"title\""},
      {"empty file", [] { return std::string(); }, "empty input"},
      {"whitespace only", [] { return std::string(" \n\t\n"); }, "empty input"},
      {"a JSON string", [] { return std::string("\"session\""); },
       "expected a session"},
      {"an empty array", [] { return std::string("[]"); }, "empty array"},
      {"an array with one bad record",
       [] {
         json good = BaseSession();
         json bad = BaseSession();
         bad["commitments"][0]["due"] = "2026-13-01";
         return json::array({good, good, bad}).dump();
       },
       "[2].commitments[0].due: not a date"},
  };
  for (const FileCase& c : cases) {
    INFO(c.what);
    const std::string file = tmp.Sub("input.json");
    WriteAll(file, c.content());
    RunResult r = RunRecords(dir, {"session", "add", "--file", file});
    ExpectFailure(r, 2);
    CHECK(Contains(r.err, c.message_part));
    CHECK(r.out.empty());
    // Refused before the vault is even unlocked: not one byte changed.
    CHECK(Snapshot(dir) == before);
    // The same through stdin, where the file fits a pipe.
    const std::string text = ReadAll(file);
    if (text.size() < 60000) {
      RunResult piped =
          RunRecords(dir, {"session", "add", "--file", "-"}, text);
      ExpectFailure(piped, 2);
      CHECK(Contains(piped.err, c.message_part));
    }
  }

  // A missing file, a directory.
  const std::string missing = tmp.Sub("no-such-file.json");
  RunResult r = RunRecords(dir, {"session", "add", "--file", missing});
  ExpectFailure(r, 2);
  CHECK(Contains(r.err, "cannot read " + missing));
  RunResult directory = RunRecords(dir, {"session", "add", "--file", dir});
  ExpectFailure(directory, 2);
  CHECK(Contains(directory.err, dir));

  CHECK(Snapshot(dir) == before);
  CHECK(VerifyCounts(dir) == counts);
}

TEST_CASE("a 50 MB session file is refused quickly", "[cli][records]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  InitVault(dir);
  const json counts = VerifyCounts(dir);
  const auto before = Snapshot(dir);
  const std::string file = tmp.Sub("huge.json");
  {
    std::ofstream out(file, std::ios::binary);
    out << "{\"format\": \"palabre.session/1\", \"notes\": \"";
    const std::string chunk(1 << 20, 'a');
    for (int i = 0; i < 50; ++i) out << chunk;
    out << "\"}";
    REQUIRE(out.good());
  }
  const auto start = std::chrono::steady_clock::now();
  RunResult r = RunRecords(dir, {"session", "add", "--file", file});
  const auto took = std::chrono::steady_clock::now() - start;
  ExpectFailure(r, 2);
  CHECK(Contains(r.err, "too large"));
  CHECK(Contains(r.err, "16 MiB"));
  CHECK(took < std::chrono::seconds(5));
  CHECK(Snapshot(dir) == before);
  CHECK(VerifyCounts(dir) == counts);
}

TEST_CASE("unknown ids, bad options and bad edits exit 2, changing nothing",
          "[cli][records]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  InitVault(dir);
  const Added added = AddSessionFile(dir, BaseSession());
  const json counts = VerifyCounts(dir);
  const auto before = Snapshot(dir);
  const std::string unknown = "ffffffffffffffffffffffffffffffff";
  const std::string other =
      added.session == unknown ? "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee" : unknown;
  const std::string edit_file = tmp.Sub("edit.json");
  const std::string array_file = tmp.Sub("array.json");
  json bad_edit = BaseSession();
  bad_edit["commitments"][0]["due"] = "2026-04-31";
  WriteAll(edit_file, bad_edit.dump());
  WriteAll(array_file, json::array({BaseSession(), BaseSession()}).dump());
  json foreign = BaseSession();
  foreign["id"] = other;
  const std::string foreign_file = tmp.Sub("foreign.json");
  WriteAll(foreign_file, foreign.dump());

  struct Case {
    std::vector<std::string> args;
    std::vector<std::string> message_parts;
  };
  const Case cases[] = {
      {{"session", "show", other}, {"no session with id", other}},
      {{"session", "show", "zzzz"}, {"not an id"}},
      {{"session", "show", added.session.substr(0, 3)}, {"too short"}},
      {{"session", "edit", other, "--file", array_file}, {"not an array"}},
      {{"session", "edit", added.session, "--file", edit_file},
       {"commitments[0].due: not a date"}},
      {{"session", "edit", added.session, "--file", foreign_file}, {"id: "}},
      {{"session", "edit", other, "--file", tmp.Sub("input.json")},
       {"cannot read"}},
      {{"session", "redact", other, "--yes"}, {"no session with id"}},
      {{"commitment", "update", other, "--status", "done", "--date",
        "2026-05-01"},
       {"no commitment with id", other}},
      {{"commitment", "update", added.session, "--status", "done", "--date",
        "2026-05-01"},
       {"no commitment with id"}},
      {{"commitment", "update", added.commitments[0], "--status", "closed"},
       {"--status", "closed"}},
      {{"session", "list", "--from", "2026-13-01"}, {"--from", "not a date"}},
      {{"session", "list", "--from", "yesterday"}, {"--from"}},
      {{"session", "list", "--to", "2026-02-29"}, {"--to", "not a date"}},
      {{"session", "list", "--kind", "meeting"},
       {"--kind", "unknown value", "community_dialogue"}},
      {{"session", "list", "--kind", "Training"}, {"--kind"}},
      {{"session", "list", "--country", "Mali"}, {"--country"}},
      {{"session", "list", "--country", "m1"}, {"--country"}},
      {{"session", "list", "--country", "é"}, {"--country"}},
      {{"session", "list", "--limit", "-1"}, {"--limit"}},
      {{"import", tmp.Sub("input.json")}, {"cannot read"}},
      {{"import", array_file}, {"export file: must be a JSON object"}},
  };
  for (const Case& c : cases) {
    std::string what;
    for (const std::string& a : c.args) what += a + " ";
    INFO(what);
    RunResult r = RunRecords(dir, c.args);
    ExpectFailure(r, 2);
    CHECK(r.out.empty());
    for (const std::string& part : c.message_parts) {
      INFO("message should contain " << part);
      CHECK(Contains(r.err, part));
    }
    CHECK(Snapshot(dir) == before);
  }
  CHECK(VerifyCounts(dir) == counts);
}

// What the help and the format document promise about files of the wrong
// shape.

// `session edit --help` says edit takes one JSON object: an array, even of
// one session, is refused.
TEST_CASE("session edit refuses an array even of one session",
          "[cli][records]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  InitVault(dir);
  const Added added = AddSessionFile(dir, BaseSession());
  const json counts = VerifyCounts(dir);
  json changed = BaseSession();
  changed["title"] = "Titre changé par une liste";
  const std::string file = tmp.Sub("array.json");
  WriteAll(file, json::array({changed}).dump());
  RunResult r =
      RunRecords(dir, {"session", "edit", added.session, "--file", file});
  ExpectFailure(r, 2);
  CHECK(Contains(r.err, "not an array"));
  CHECK(RunJson(dir, {"session", "show", added.session}).at("title") ==
        "Dialogue communautaire");
  CHECK(VerifyCounts(dir) == counts);
}

// Importing a session file (an easy mistake) says that an export document
// (palabre.export/1) was expected, not which field came first.
TEST_CASE("import of a session file says an export document is expected",
          "[cli][records]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  InitVault(dir);
  const json counts = VerifyCounts(dir);
  const std::string file = tmp.Sub("session.json");
  json session = BaseSession();
  session["agenda"] = {"Point unique"};
  WriteAll(file, session.dump());
  RunResult r = RunRecords(dir, {"import", file});
  ExpectFailure(r, 2);
  CHECK(Contains(r.err, "palabre.export/1"));
  CHECK(VerifyCounts(dir) == counts);
}

TEST_CASE("an id prefix that matches two sessions is ambiguous (exit 2)",
          "[cli][records]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  InitVault(dir);
  // 1000 random ids give two with the same first 4 hex digits with
  // probability 1 - exp(-1000^2 / (2 * 65536)), over 99.9%.
  json many = json::array();
  for (int i = 0; i < 1000; ++i) {
    many.push_back(MinimalSession("s" + std::to_string(i)));
  }
  const std::vector<Added> added = AddSessionsFile(dir, many);
  std::map<std::string, std::vector<std::string>> by_prefix;
  for (const Added& a : added) {
    by_prefix[a.session.substr(0, 4)].push_back(a.session);
  }
  std::string shared;
  for (const auto& [prefix, ids] : by_prefix) {
    if (ids.size() >= 2) {
      shared = prefix;
      break;
    }
  }
  if (shared.empty()) {
    WARN("no two of 1000 session ids share 4 hex digits; check skipped");
    return;
  }
  const json counts = VerifyCounts(dir);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"session", "show", shared},
        std::vector<std::string>{"session", "redact", shared, "--yes"}}) {
    RunResult r = RunRecords(dir, args);
    ExpectFailure(r, 2);
    CHECK(Contains(r.err, "ambiguous"));
    CHECK(Contains(r.err, shared));
  }
  CHECK(VerifyCounts(dir) == counts);
  // One more character (or the whole id) picks one.
  const std::string& one = by_prefix[shared][0];
  CHECK(
      RunJson(dir, {"session", "show", UniquePrefix(one, {by_prefix[shared]})})
          .at("id") == one);
}

}  // namespace
}  // namespace palabre::testing
