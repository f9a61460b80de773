// On a terminal, `session list` and `commitment list` show a first page of
// 50 rows, then how many there are in all; --limit N and --all change the
// page. Piped, or with --json, they give every row unless --limit (a
// program never gets a silently cut list). --limit with --all is a usage
// error.
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

// The lines of `text`, without the terminal's carriage returns.
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return lines;
}

// 60 sessions in Gao, each with one commitment overdue since 2020.
void AddSixty(const std::string& dir) {
  json sessions = json::array();
  for (int i = 0; i < 60; ++i) {
    const std::string day = std::to_string(10 + i % 18);
    json s = MinimalSession("Comité de Gao, séance " + std::to_string(i + 1),
                            "2025-" + std::string(i < 30 ? "03" : "04") + "-" +
                                day + "T09:00:00+00:00",
                            "ML", "Gao");
    s["commitments"] = {Commitment("Réparer la pompe n° " + std::to_string(i),
                                   "Mairie de Gao", "2020-01-01")};
    sessions.push_back(s);
  }
  AddSessionsFile(dir, sessions);
}

// One row of a listing table: a command, where its output goes, what it
// must print.
struct ListCase {
  std::vector<std::string> args;
  bool terminal;     // on a pseudo-terminal, else piped
  std::size_t rows;  // listed rows
  std::string last;  // the closing line, "" when there is none
};

// Runs each case on the vault in `dir` and checks its rows and closing line.
void CheckListings(const std::string& dir, const std::vector<ListCase>& cases) {
  for (const ListCase& c : cases) {
    std::string shown = c.terminal ? "terminal: " : "piped: ";
    for (const std::string& a : c.args) shown += a + " ";
    INFO(shown);
    RunResult r;
    if (c.terminal) {
      std::vector<std::string> args = VaultArgs(dir, c.args);
      args.push_back("--passphrase-fd");
      args.push_back("3");
      r = RunOnPty(args, {}, std::string(kPassphrase) + "\n");
    } else {
      r = RunRecords(dir, c.args);
    }
    REQUIRE(r.exit_code == 0);
    std::vector<std::string> lines = Lines(c.terminal ? r.terminal : r.out);
    if (!c.last.empty()) {
      REQUIRE(!lines.empty());
      CHECK(lines.back() == c.last);
      lines.pop_back();
    }
    CHECK(lines.size() == c.rows);
  }
}

const char kFiftyOfSixty[] =
    "50 of 60 sessions shown; --limit N or --all shows more";
const char kFiftyOfSixtyCommitments[] =
    "50 of 60 commitments shown; --limit N or --all shows more";

TEST_CASE("lists show 50 rows on a terminal, every row when piped",
          "[cli][records]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  InitVault(dir);
  AddSixty(dir);
  CheckListings(
      dir,
      {
          {{"session", "list"}, true, 50, kFiftyOfSixty},
          {{"session", "list", "--limit", "7"},
           true,
           7,
           "7 of 60 sessions shown; --limit N or --all shows more"},
          {{"session", "list", "--limit", "60"}, true, 60, ""},
          {{"session", "list", "--all"}, true, 60, ""},
          {{"session", "list", "--text", "comite", "--region", "gao"},
           true,
           50,
           kFiftyOfSixty},
          {{"session", "list", "--text", "seance"}, true, 50, kFiftyOfSixty},
          {{"session", "list", "--from", "2025-04-01"}, true, 30, ""},
          {{"commitment", "list", "--overdue"},
           true,
           50,
           kFiftyOfSixtyCommitments},
          {{"commitment", "list", "--overdue", "--region", "GAO"},
           true,
           50,
           kFiftyOfSixtyCommitments},
          {{"commitment", "list", "--owner", "mairie", "--limit", "3"},
           true,
           3,
           "3 of 60 commitments shown; --limit N or --all shows more"},
          {{"commitment", "list", "--all"}, true, 60, ""},
          {{"commitment", "list", "--limit", "0"},
           true,
           0,
           "0 of 60 commitments shown; --limit N or --all shows more"},
          // Piped: every row unless --limit.
          {{"session", "list"}, false, 60, ""},
          {{"session", "list", "--text", "seance"}, false, 60, ""},
          {{"commitment", "list", "--overdue"}, false, 60, ""},
          {{"session", "list", "--limit", "7"},
           false,
           7,
           "7 of 60 sessions shown; --limit N or --all shows more"},
      });
}

TEST_CASE("list --json gives every row unless --limit, which --all excludes",
          "[cli][records]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  InitVault(dir);
  AddSixty(dir);
  CHECK(RunJson(dir, {"session", "list"}).size() == 60);
  CHECK(RunJson(dir, {"session", "list", "--limit", "5"}).size() == 5);
  CHECK(RunJson(dir, {"commitment", "list", "--overdue"}).size() == 60);
  CHECK(RunJson(dir, {"commitment", "list", "--limit", "2"}).size() == 2);
  for (const char* command : {"session", "commitment"}) {
    INFO(command);
    const RunResult r =
        RunRecords(dir, {command, "list", "--limit", "5", "--all"});
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
  }
}

}  // namespace
}  // namespace palabre::testing
