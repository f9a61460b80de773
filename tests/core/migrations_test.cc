// Schema migrations: applied in order, one transaction each with the version
// bump; a failing migration leaves the database at the last whole version; a
// database from a newer palabre is refused.
#include "core/migrations.h"

#include <catch2/catch.hpp>
#include <vector>

#include "core/database.h"
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

}  // namespace
}  // namespace palabre::testing
