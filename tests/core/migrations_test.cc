// Schema migrations: applied in order, one transaction each with the version
// bump; a failing migration leaves the database at the last whole version; a
// database from a newer palabre is refused.
#include "core/migrations.h"

#include <catch2/catch.hpp>
#include <vector>

#include "core/database.h"
#include "core/projection.h"
#include "core/projection_schema.h"
#include "core/search_query.h"
#include "core/verify.h"
#include "tests/core/records_fixture_util.h"
#include "tests/core/test_util.h"

namespace palabre::testing {
namespace {

const Migration kThree[] = {
    {1, "people", "CREATE TABLE people(id INTEGER PRIMARY KEY, name TEXT);"},
    {2, "places", "CREATE TABLE places(id INTEGER PRIMARY KEY, name TEXT);"},
    {3, "people.place", "ALTER TABLE people ADD COLUMN place INTEGER;"},
};
const Migration kBrokenSecond[] = {
    {1, "people", "CREATE TABLE people(id INTEGER PRIMARY KEY, name TEXT);"},
    {2, "broken", "CREATE TABLE half(x); CREATE TABLE oops syntax error;"},
};
const Migration kGap[] = {
    {1, "one", "CREATE TABLE a(x);"},
    {3, "three", "CREATE TABLE c(x);"},
};

std::unique_ptr<Database> PlainDatabase(const TempDir& dir) {
  auto db = Database::Open(dir.Sub("plain.db"), "unix", true);
  REQUIRE(db.ok());
  return std::move(db).value();
}

bool HasTable(Database& db, const std::string& name) {
  return db.QueryInt("SELECT count(*) FROM sqlite_schema WHERE name = '" +
                     name + "'")
             .value() == 1;
}

TEST_CASE("migrations apply in order from any starting version",
          "[core][migrations]") {
  struct Case {
    int start;  // migrations already applied
  };
  for (const Case& c : {Case{0}, Case{1}, Case{2}, Case{3}}) {
    TempDir dir;
    auto db = PlainDatabase(dir);
    REQUIRE(ApplyMigrations(*db, std::span(kThree).first(c.start)).ok());
    CHECK(db->QueryInt("PRAGMA user_version").value() == c.start);
    REQUIRE(ApplyMigrations(*db, kThree).ok());
    CHECK(db->QueryInt("PRAGMA user_version").value() == 3);
    CHECK(HasTable(*db, "people"));
    CHECK(HasTable(*db, "places"));
    CHECK(db->Exec("INSERT INTO people(name, place) VALUES ('x', 1)").ok());
    // Applying again is a no-op.
    REQUIRE(ApplyMigrations(*db, kThree).ok());
  }
}

TEST_CASE("a failing migration leaves the last whole version",
          "[core][migrations]") {
  TempDir dir;
  auto db = PlainDatabase(dir);
  const Status status = ApplyMigrations(*db, kBrokenSecond);
  CHECK(!status.ok());
  CHECK(status.message().find("schema migration 2 (broken)") !=
        std::string::npos);
  CHECK(db->QueryInt("PRAGMA user_version").value() == 1);
  CHECK(HasTable(*db, "people"));
  CHECK(!HasTable(*db, "half"));  // the failed migration left nothing behind
}

TEST_CASE("a database from a newer palabre is refused", "[core][migrations]") {
  TempDir dir;
  auto db = PlainDatabase(dir);
  REQUIRE(db->Exec("PRAGMA user_version = 9").ok());
  const Status status = ApplyMigrations(*db, kThree);
  CHECK(status.code() == StatusCode::kFailedPrecondition);
  CHECK(status.message().find("newer") != std::string::npos);
}

TEST_CASE("a migration list with a gap is a bug", "[core][migrations]") {
  TempDir dir;
  auto db = PlainDatabase(dir);
  CHECK(ApplyMigrations(*db, kGap).code() == StatusCode::kInternal);
  CHECK(db->QueryInt("PRAGMA user_version").value() == 0);
}

TEST_CASE("the vault's own migrations are numbered and apply",
          "[core][migrations]") {
  TempDir dir;
  auto db = PlainDatabase(dir);
  REQUIRE(ApplyMigrations(*db, VaultMigrations()).ok());
  CHECK(db->QueryInt("PRAGMA user_version").value() ==
        static_cast<int64_t>(VaultMigrations().size()));
}

// The SQL of every projection table and index in `schema`, by name.
std::vector<std::string> ProjectionSql(Database& db, const std::string& schema,
                                       const std::string& prefix) {
  // Names as created; the schema qualifier differs, so strip it.
  std::vector<std::string> out;
  auto stmt = db.Prepare("SELECT name, replace(sql, '" + prefix +
                         "', '') FROM " + schema +
                         ".sqlite_schema WHERE sql IS NOT NULL AND name NOT "
                         "IN ('vault_meta', 'device_keys', 'log_entries', "
                         "'log_by_hlc', 'log_by_record', 'log_by_parent', "
                         "'organisation', 'device_certificates', 'sync_state', "
                         "'receipts', 'invitations', 'drafts') "
                         "AND name NOT LIKE 'sessions_fts_%' ORDER BY name");
  REQUIRE(stmt.ok());
  while (stmt->Step().value()) {
    out.push_back(stmt->ColumnText(0) + ": " + stmt->ColumnText(1));
  }
  return out;
}

TEST_CASE("the last migration gives the projections their live shape",
          "[core][migrations]") {
  // PALABRE_PROJECTION_DDL (what verify rebuilds into) must be what the
  // migrations made of the stored tables: a change to it without a new
  // migration fails here.
  TempDir dir;
  auto db = PlainDatabase(dir);
  REQUIRE(ApplyMigrations(*db, VaultMigrations()).ok());
  REQUIRE(db->Exec(PALABRE_PROJECTION_DDL("temp")).ok());
  const auto stored = ProjectionSql(*db, "main", "main.");
  CHECK(stored.size() >= 10);
  CHECK(stored == ProjectionSql(*db, "temp", "temp."));
}

// Copies every row of `table` from `from` to `to`, the columns
// `columns_sql` selects; `kinds` has one letter per column: I integer,
// T text, B blob (NULLs are kept).
void CopyRows(Database& from, Database& to, const std::string& table,
              const std::string& kinds, const std::string& columns_sql = "*") {
  const int columns = static_cast<int>(kinds.size());
  auto select = from.Prepare("SELECT " + columns_sql + " FROM " + table);
  REQUIRE(select.ok());
  std::string marks;
  for (int i = 1; i <= columns; ++i) marks += (i > 1 ? ", ?" : "?");
  auto insert = to.Prepare("INSERT INTO " + table + " VALUES (" + marks + ")");
  REQUIRE(insert.ok());
  while (select->Step().value()) {
    insert->Reset();
    for (int i = 0; i < columns; ++i) {
      if (select->ColumnIsNull(i)) {
        REQUIRE(insert->BindNull(i + 1).ok());
      } else if (kinds[i] == 'I') {
        REQUIRE(insert->BindInt(i + 1, select->ColumnInt(i)).ok());
      } else if (kinds[i] == 'T') {
        REQUIRE(insert->BindText(i + 1, select->ColumnText(i)).ok());
      } else {
        REQUIRE(insert->BindBlob(i + 1, select->ColumnText(i)).ok());
      }
    }
    REQUIRE(insert->Run().ok());
  }
}

TEST_CASE("migration 3 seals a version-2 log again and its tables are rebuilt",
          "[core][migrations][records]") {
  // Records written by this version, then their log and device key put in
  // a database at version 2 (whose projection tables are empty, in their
  // old shape): migration 3 must make every projection again from the log.
  RecordsFixture f;
  const auto added = f.Add(ThreeSessions());
  REQUIRE(!added[0].commitments.empty());
  f.FollowUp(added[0].commitments[0], "in_progress", "2026-03-20", "Relancé.");
  f.Edit(added[1].session, ThreeSessions()[1]);
  REQUIRE(f.store().RedactSession(added[2].session).ok());

  TempDir dir;
  auto db = PlainDatabase(dir);
  REQUIRE(ApplyMigrations(*db, VaultMigrations().first(2)).ok());
  CHECK(db->QueryInt("SELECT count(*) FROM pragma_table_info('concerns') "
                     "WHERE name = 'summary'")
            .value() == 1);
  REQUIRE(db->Transaction([&]() -> Status {
              CopyRows(f.db(), *db, "device_keys", "TBBT");
              // Version 2's columns, in its order; its `hash` column
              // (dropped since) gets a placeholder the upgrade ignores.
              CopyRows(f.db(), *db, "log_entries", "TIBITTTTBBBBB",
                       "device_id, seq, prev_hash, hlc, record_id, type, op, "
                       "parent_id, ciphertext_hash, zeroblob(32), signature, "
                       "body, dek");
              return Status::Ok();
            }).ok());
  const Status migrated = ApplyMigrations(*db, VaultMigrations());
  INFO(migrated.ToString());
  REQUIRE(migrated.ok());
  // Migration 3 left the projections empty and marked stale.
  CHECK(db->QueryInt("SELECT count(*) FROM sessions").value() == 0);
  REQUIRE(RebuildStaleProjections(*db).ok());
  CHECK(db->QueryInt("SELECT count(*) FROM vault_meta WHERE key = "
                     "'projections'")
            .value() == 0);
  CHECK(db->QueryInt("PRAGMA user_version").value() >= 3);
  CHECK(db->QueryInt("SELECT count(*) FROM pragma_table_info('concerns') "
                     "WHERE name = 'summary'")
            .value() == 0);

  // verify (chains, then a rebuild compared with the migrated tables).
  auto report = VerifyRecords(*db);
  INFO(report.status().ToString());
  REQUIRE(report.ok());
  const VerifyReport expected = f.Verified();
  CHECK(report->sessions == expected.sessions);
  CHECK(report->commitments == expected.commitments);
  CHECK(report->follow_ups == expected.follow_ups);
  CHECK(report->redacted == expected.redacted);
  // The tables hold what the original vault's hold, row for row.
  for (const char* sql :
       {"SELECT id || kind || title || day || region FROM sessions ORDER BY id",
        "SELECT id || status || owner || due FROM commitments ORDER BY id",
        "SELECT id || status || note FROM follow_ups ORDER BY id",
        "SELECT record_id FROM redacted ORDER BY record_id"}) {
    INFO(sql);
    CHECK(Column(*db, sql) == Column(f.db(), sql));
  }
  // The search index answers as before.
  auto query = FtsMatchExpression(*db, "controles bourem");
  REQUIRE(query.ok());
  CHECK(Column(*db,
               "SELECT s.id FROM sessions s JOIN sessions_fts ON "
               "sessions_fts.rowid = s.num WHERE sessions_fts MATCH ?1",
               *query) == f.Search("controles bourem"));
  CHECK(f.Search("controles bourem").size() == 1);
}

}  // namespace
}  // namespace palabre::testing
