// No plaintext at rest: distinctive canary strings written through the core
// API must never appear in any file of the vault directory, at any stage of
// their life (in the WAL, after a checkpoint, after update and delete, after
// sorting, temp tables and VACUUM, after locking). The words FTS5 stores as
// lower-case, diacritic-free tokens are searched for too. Every statement
// succeeding also shows that SQLite never needed a temporary file (the VFS
// refuses them: see crypt_vfs_test.cc).
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "core/database.h"
#include "tests/core/test_util.h"

namespace palabre::testing {
namespace {

const char* const kCanaries[] = {"CANARY-Tombouctou-4f1a",
                                 "CANARY-sécurité-9b2c", "CANARY-سنجار-77de",
                                 "CANARY-თბილისი-e1e1"};
// What must not appear: the canaries, and the tokens FTS5 makes of them.
const char* const kNeedles[] = {"CANARY-Tombouctou-4f1a",
                                "CANARY-sécurité-9b2c",
                                "CANARY-سنجار-77de",
                                "CANARY-თბილისი-e1e1",
                                "tombouctou",
                                "securite",
                                "sécurité",
                                "سنجار",
                                "თბილისი",
                                "canary",
                                "4f1a",
                                "9b2c"};

// Every canary absent from every regular file under `dir` (recursively).
void RequireNoCanary(const std::string& dir, const std::string& stage) {
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const std::string bytes = ReadAll(entry.path().string());
    for (const char* needle : kNeedles) {
      INFO("stage: " << stage << ", file: " << entry.path().filename().string()
                     << ", looking for: " << needle);
      CHECK(bytes.find(needle) == std::string::npos);
    }
  }
}

TEST_CASE("no canary string reaches any vault file at any stage",
          "[core][vault]") {
  TempDir root;
  const std::string dir = root.Sub("vault");
  MakeVault(dir);
  auto vault = OpenVault(dir);
  Database& db = vault->db();
  REQUIRE(db.Exec("PRAGMA wal_autocheckpoint = 0;"
                  "CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT);"
                  "CREATE INDEX notes_body ON notes(body);"
                  "CREATE VIRTUAL TABLE notes_fts USING fts5(body);")
              .ok());
  auto stmt = db.Prepare("INSERT INTO notes(body) VALUES (?1)");
  auto fts = db.Prepare("INSERT INTO notes_fts(body) VALUES (?1)");
  REQUIRE(stmt.ok());
  REQUIRE(fts.ok());
  for (int i = 0; i < 200; ++i) {
    const std::string body =
        std::string(kCanaries[i % 4]) + " entry " + std::to_string(i);
    REQUIRE(stmt->BindText(1, body).ok());
    REQUIRE(stmt->Run().ok());
    stmt->Reset();
    REQUIRE(fts->BindText(1, body).ok());
    REQUIRE(fts->Run().ok());
    fts->Reset();
  }
  RequireNoCanary(root.path(), "inserted, in the WAL");
  REQUIRE(db.Exec("PRAGMA wal_checkpoint(PASSIVE)").ok());
  RequireNoCanary(root.path(), "checkpointed into the database");
  REQUIRE(
      db.Exec("UPDATE notes SET body = body || ' ' || body WHERE id % 2 = 0")
          .ok());
  RequireNoCanary(root.path(), "updated");
  REQUIRE(db.Exec("DELETE FROM notes WHERE id % 3 = 0;"
                  "DELETE FROM notes_fts WHERE rowid % 3 = 0;")
              .ok());
  RequireNoCanary(root.path(), "deleted");
  REQUIRE(
      db.Exec("CREATE TEMP TABLE scratch AS SELECT body FROM notes ORDER BY "
              "body DESC;"
              "CREATE INDEX temp.scratch_body ON scratch(body);")
          .ok());
  REQUIRE(db.QueryInt("SELECT count(*) FROM (SELECT body FROM notes ORDER BY "
                      "random())")
              .ok());
  REQUIRE(db.QueryInt("SELECT count(*) FROM notes_fts WHERE notes_fts MATCH "
                      "'entry'")
              .ok());
  RequireNoCanary(root.path(), "sorted and copied into TEMP tables");
  REQUIRE(db.Exec("DROP TABLE scratch; VACUUM;").ok());
  RequireNoCanary(root.path(), "vacuumed");
  REQUIRE(db.Exec("PRAGMA wal_checkpoint(TRUNCATE)").ok());
  RequireNoCanary(root.path(), "checkpointed with TRUNCATE");
  REQUIRE(vault->Lock().ok());
  RequireNoCanary(root.path(), "locked");
  // The data is all still there for the rightful owner.
  auto reopened = OpenVault(dir);
  auto rows = reopened->db().QueryInt(
      "SELECT count(*) FROM notes WHERE body LIKE 'CANARY-%'");
  REQUIRE(rows.ok());
  CHECK(*rows == 200 - 66);  // ids divisible by 3 were deleted
}

TEST_CASE("the database file starts with no recognisable header",
          "[core][vault]") {
  TempDir root;
  MakeVault(root.path());
  const std::string db = ReadAll(root.Sub("palabre.db"));
  REQUIRE(db.size() >= 4096);
  CHECK(db.size() % 4096 == 0);
  CHECK(db.find("SQLite format 3") == std::string::npos);
  CHECK(db.find("vault_meta") == std::string::npos);
  CHECK(db.find("created_at") == std::string::npos);
}

}  // namespace
}  // namespace palabre::testing
