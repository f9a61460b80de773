// `palabre verify` end to end: on a sound vault it prints "ok" with the
// counts of entries, devices, sessions, commitments, follow-ups and
// redactions (text), or {"ok": true, ...} (--json), and the counts follow
// what the record commands did. A byte flipped anywhere in the encrypted
// database file makes verify (which must unlock first) exit 4, with one
// line on stderr and nothing on stdout: verify reads every page.
#include <algorithm>
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

constexpr long kPageSize = 4096;

TEST_CASE("verify prints ok with the counts, as text and JSON",
          "[cli][records]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  InitVault(dir);

  const json empty = VerifyCounts(dir);
  CHECK(empty.at("ok") == true);
  CHECK(empty.at("devices") == 0);  // no device has written an entry yet
  CHECK(empty.at("sessions") == 0);
  CHECK(empty.at("commitments") == 0);
  CHECK(empty.at("follow_ups") == 0);
  CHECK(empty.at("redacted") == 0);
  for (const char* key : {"ok", "devices", "entries", "sessions", "commitments",
                          "follow_ups", "redacted", "hollow", "receipts",
                          "receipted"}) {
    CHECK(empty.contains(key));
  }
  CHECK(empty.size() == 10);
  CHECK(empty.at("hollow") == 0);
  CHECK(empty.at("receipts") == 0);
  CHECK(empty.at("receipted") == 0);

  const std::vector<Added> added = AddSessionsFile(dir, SampleSessions());
  RunJson(dir, {"commitment", "update", added[0].commitments[0], "--status",
                "done", "--date", "2026-05-01"});
  const json full = VerifyCounts(dir);
  CHECK(full.at("devices") == 1);
  CHECK(full.at("sessions") == 5);
  CHECK(full.at("commitments") == 5);
  CHECK(full.at("follow_ups") == 1);
  CHECK(full.at("redacted") == 0);
  CHECK(full.at("entries").get<int>() > empty.at("entries").get<int>());

  RunResult text = RunRecords(dir, {"verify"});
  INFO(text.Describe());
  REQUIRE(text.exit_code == 0);
  CHECK(text.err.empty());
  REQUIRE(Lines(text.out).size() == 1);
  CHECK(text.out.rfind("ok: ", 0) == 0);
  for (const std::string& part :
       {std::to_string(full.at("entries").get<int>()) + " entries",
        std::string("from 1 device verified"), std::string("5 sessions"),
        std::string("5 commitments"), std::string("1 follow-ups"),
        std::string("0 records redacted")}) {
    INFO(part);
    CHECK(text.out.find(part) != std::string::npos);
  }

  RunResult redact =
      RunRecords(dir, {"session", "redact", added[1].session, "--yes"});
  REQUIRE(redact.exit_code == 0);
  const json after = VerifyCounts(dir);
  CHECK(after.at("sessions") == 4);
  CHECK(after.at("commitments") == 4);
  CHECK(after.at("redacted").get<int>() >= 2);  // the session, its commitment
}

// A vault holding SampleSessions(), locked, in `dir`.
void MakeSampleVault(const std::string& dir) {
  InitVault(dir);
  AddSessionsFile(dir, SampleSessions());
  RunResult sound = RunRecords(dir, {"verify"});
  INFO(sound.Describe());
  REQUIRE(sound.exit_code == 0);
}

// Flips one byte of page `page` (from 1) of a copy of `pristine` and runs
// verify (text and --json) on it.
void ExpectFlipDetected(const TempDir& tmp, const std::string& pristine,
                        long page) {
  INFO("page " << page);
  const std::string dir = tmp.Sub("copy-" + std::to_string(page));
  CopyFiles(pristine, dir);
  FlipByte(dir + "/palabre.db", (page - 1) * kPageSize + 1000);
  RunResult r = RunRecords(dir, {"verify"});
  ExpectFailure(r, 4);
  CHECK(r.out.empty());
  RunResult json_run = RunRecords(dir, {"verify", "--json"});
  ExpectFailure(json_run, 4);
  CHECK(json_run.out.empty());
}

TEST_CASE("a byte flipped in the database file makes verify exit 4",
          "[cli][records]") {
  TempDir tmp;
  const std::string pristine = tmp.Sub("pristine");
  MakeSampleVault(pristine);
  const long pages =
      static_cast<long>(ReadAll(pristine + "/palabre.db").size()) / kPageSize;
  REQUIRE(pages >= 3);
  // The header page (read at unlock) and the last page (written last: the
  // log and the search index), which verify reads.
  ExpectFlipDetected(tmp, pristine, 1);
  ExpectFlipDetected(tmp, pristine, pages);
}

// verify reads every page (PRAGMA integrity_check through the encrypting
// VFS) before it checks the log, so a flipped byte in a page that holds only
// vault_meta, an index or the search index's docsize table is found too.
// Page 2 is vault_meta in a vault made by init; the first 12 pages cover a
// few index pages too.
TEST_CASE("a byte flipped in any of the first pages makes verify exit 4",
          "[cli][records]") {
  TempDir tmp;
  const std::string pristine = tmp.Sub("pristine");
  MakeSampleVault(pristine);
  const long pages =
      static_cast<long>(ReadAll(pristine + "/palabre.db").size()) / kPageSize;
  std::vector<long> undetected;
  for (long page = 2; page <= std::min(pages, 12L); ++page) {
    const std::string dir = tmp.Sub("copy-" + std::to_string(page));
    CopyFiles(pristine, dir);
    FlipByte(dir + "/palabre.db", (page - 1) * kPageSize + 1000);
    RunResult r = RunRecords(dir, {"verify"});
    CHECK_FALSE(r.signaled);
    if (r.exit_code != 4) undetected.push_back(page);
  }
  std::string list;
  for (long page : undetected) list += " " + std::to_string(page);
  INFO("pages where a flipped byte still verifies:" << list);
  CHECK(undetected.empty());
}

}  // namespace
}  // namespace palabre::testing
