// `palabre export` and `palabre import` end to end. The JSON export is a
// palabre.export/1 document written with mode 0600, without place.site
// unless --include-site; without --yes and without a terminal the export is
// refused (exit 2) and no file is written; the CSV export has one header row
// and one row per commitment (quoted where needed). Importing the export
// into a fresh vault gives the same sessions (ids, titles, commitments and
// their statuses), and importing it again adds nothing.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
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

constexpr char kSite[] = "Maison des jeunes, quartier 4";
constexpr char kQuotedTitle[] = "Réunion \"spéciale\", Gao";

// A vault with SampleSessions(), one more session with a site and a title
// that CSV must quote, and one follow-up.
struct ExportVault {
  TempDir tmp;
  std::string dir = tmp.Sub("vault");
  std::vector<Added> added;

  ExportVault() {
    InitVault(dir);
    json sessions = SampleSessions();
    json sited =
        MinimalSession(kQuotedTitle, "2026-05-05T10:00:00Z", "ML", "Gao");
    sited["place"]["site"] = kSite;
    sited["commitments"] = {Commitment("Ouvrir la salle, le soir.", "Mairie")};
    sessions.push_back(sited);
    added = AddSessionsFile(dir, sessions);
    RunResult update = RunRecords(
        dir, {"commitment", "update", added[0].commitments[0], "--status",
              "done", "--note", "Réparé.", "--date", "2026-05-01"});
    INFO(update.Describe());
    REQUIRE(update.exit_code == 0);
  }
};

json ReadJsonFile(const std::string& path) {
  json value = json::parse(ReadAll(path), nullptr, false);
  REQUIRE_FALSE(value.is_discarded());
  return value;
}

TEST_CASE("export --format json writes a 0600 palabre.export/1 file",
          "[cli][records]") {
  ExportVault v;
  const std::string file = v.tmp.Sub("export.json");
  RunResult r = RunRecords(
      v.dir, {"export", "--format", "json", "--yes", "--output", file});
  INFO(r.Describe());
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.empty());
  CHECK(Contains(r.err, "Exported 6 sessions"));
  struct stat st {};
  REQUIRE(stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);

  const json doc = ReadJsonFile(file);
  CHECK(doc.at("format") == "palabre.export/1");
  CHECK(doc.at("exported_at").get<std::string>().size() == 20);
  CHECK(doc.size() == 3);
  REQUIRE(doc.at("sessions").size() == 6);
  CHECK_FALSE(Contains(ReadAll(file), kSite));
  for (const json& s : doc["sessions"]) {
    CHECK(IsFullId(s.at("id").get<std::string>()));
    CHECK_FALSE(s.at("place").contains("site"));
  }
  // Oldest first; commitments carry their follow-ups.
  CHECK(doc["sessions"][0].at("id") == v.added[4].session);
  const json& gao = doc["sessions"][1];
  CHECK(gao.at("id") == v.added[0].session);
  const json& done = gao.at("commitments").at(0);
  CHECK(done.at("status") == "done");
  REQUIRE(done.at("follow_ups").size() == 1);
  CHECK(done["follow_ups"][0].at("note") == "Réparé.");
  CHECK(done["follow_ups"][0].at("date") == "2026-05-01");
  CHECK(gao.at("commitments").at(1).at("follow_ups").empty());

  // --include-site keeps it; stdout when there is no --output.
  RunResult with_site =
      RunRecords(v.dir, {"export", "--yes", "--include-site"});
  INFO(with_site.Describe());
  REQUIRE(with_site.exit_code == 0);
  const json sited = json::parse(with_site.out, nullptr, false);
  REQUIRE_FALSE(sited.is_discarded());
  CHECK(sited.at("sessions").back().at("place").at("site") == kSite);
}

TEST_CASE("export without --yes and without a terminal writes nothing",
          "[cli][records]") {
  ExportVault v;
  const std::string file = v.tmp.Sub("export.json");
  for (const char* format : {"json", "csv"}) {
    INFO(format);
    RunResult r =
        RunRecords(v.dir, {"export", "--format", format, "--output", file});
    ExpectFailure(r, 2);
    CHECK(Contains(r.err, "--yes"));
    CHECK(r.out.empty());
    CHECK_FALSE(std::filesystem::exists(file));
  }
  RunResult to_stdout = RunRecords(v.dir, {"export"});
  ExpectFailure(to_stdout, 2);
  CHECK(to_stdout.out.empty());
  RunResult bad_format = RunRecords(
      v.dir, {"export", "--format", "xml", "--yes", "--output", file});
  CHECK(bad_format.exit_code == 2);
  CHECK_FALSE(std::filesystem::exists(file));
}

TEST_CASE("export --format csv has a header row and one row per commitment",
          "[cli][records]") {
  ExportVault v;
  const std::string file = v.tmp.Sub("export.csv");
  RunResult r = RunRecords(
      v.dir, {"export", "--format", "csv", "--yes", "--output", file});
  INFO(r.Describe());
  REQUIRE(r.exit_code == 0);
  struct stat st {};
  REQUIRE(stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);
  const std::string csv = ReadAll(file);
  const std::vector<std::string> rows = Lines(csv);
  REQUIRE_FALSE(rows.empty());
  CHECK(rows[0] ==
        "session_id,date,kind,title,country,region,commune,participants,"
        "commitment_id,action,owner,due,status");
  // Sessions 0 (2 commitments), 1, 2, 3 (none: one row), 4, 5.
  CHECK(rows.size() == 1 + 7);
  CHECK_FALSE(Contains(csv, kSite));
  bool quoted = false;
  bool done = false;
  for (const std::string& row : rows) {
    if (row.rfind(v.added[5].session + ",2026-05-05,", 0) == 0) {
      quoted = Contains(row, ",\"Réunion \"\"spéciale\"\", Gao\",ML,Gao,") &&
               Contains(row, ",\"Ouvrir la salle, le soir.\",Mairie,,open");
    }
    if (row.rfind(v.added[0].session + ",2026-01-10,community_dialogue,", 0) ==
            0 &&
        Contains(row, v.added[0].commitments[0])) {
      done = Contains(row, ",ML,Gao,Gao,12,") &&
             Contains(row, ",Mairie de Gao,2020-01-01,done");
    }
  }
  CHECK(quoted);
  CHECK(done);
  CHECK(Contains(csv, v.added[3].session + ",2026-04-11,training,"));
}

TEST_CASE(
    "import into a fresh vault gives the same sessions, twice adds "
    "nothing",
    "[cli][records]") {
  ExportVault v;
  const std::string file = v.tmp.Sub("export.json");
  RunResult exported = RunRecords(v.dir, {"export", "--yes", "--output", file});
  REQUIRE(exported.exit_code == 0);

  const std::string fresh = v.tmp.Sub("fresh");
  InitVault(fresh, kPassphrase);
  RunResult first = RunRecords(fresh, {"import", file});
  INFO(first.Describe());
  REQUIRE(first.exit_code == 0);
  CHECK(first.out ==
        "imported 6 sessions and 1 follow-ups; 0 sessions and 0 follow-ups "
        "were already here\n");

  const json original = RunJson(v.dir, {"session", "list"});
  const json copy = RunJson(fresh, {"session", "list"});
  REQUIRE(copy.size() == original.size());
  for (std::size_t i = 0; i < original.size(); ++i) {
    INFO("session " << i);
    const json& a = original[i];
    const json& b = copy[i];
    CHECK(b.at("id") == a.at("id"));
    CHECK(b.at("title") == a.at("title"));
    CHECK(b.at("started_at") == a.at("started_at"));
    CHECK(b.at("commitments") == a.at("commitments"));  // ids and statuses
    json a_place = a.at("place");
    a_place.erase("site");  // not exported
    CHECK(b.at("place") == a_place);
  }
  const json counts = VerifyCounts(fresh);
  CHECK(counts.at("sessions") == 6);
  CHECK(counts.at("commitments") == 6);
  CHECK(counts.at("follow_ups") == 1);

  // Twice: nothing added, counts unchanged (stdin this time).
  const json second = RunJson(fresh, {"import", "-"}, ReadAll(file));
  CHECK(second.at("sessions_added") == 0);
  CHECK(second.at("sessions_skipped") == 6);
  CHECK(second.at("follow_ups_added") == 0);
  CHECK(second.at("follow_ups_skipped") == 1);
  CHECK(VerifyCounts(fresh) == counts);
  CHECK(RunJson(fresh, {"session", "list"}) == copy);

  // One bad record refuses the whole import, naming it by its path.
  json doc = ReadJsonFile(file);
  const std::string other = v.tmp.Sub("other");
  InitVault(other, kPassphrase);
  doc["sessions"][2]["commitments"][0]["due"] = "2026-02-30";
  const std::string bad_file = v.tmp.Sub("bad-export.json");
  WriteAll(bad_file, doc.dump());
  RunResult bad = RunRecords(other, {"import", bad_file});
  ExpectFailure(bad, 2);
  CHECK(Contains(bad.err, "sessions[2].commitments[0].due"));
  CHECK(VerifyCounts(other).at("sessions") == 0);

  // Back into the vault it came from: nothing added either.
  const json back = RunJson(v.dir, {"import", file});
  CHECK(back.at("sessions_added") == 0);
  CHECK(back.at("follow_ups_added") == 0);
  CHECK(RunJson(v.dir, {"session", "list"}) == original);
}

}  // namespace
}  // namespace palabre::testing
