// Many mixed writes: 10,000 random inserts, updates and deletes in
// transactions of 100, then VACUUM; the database must pass integrity_check
// and hold exactly what an in-memory model says, also after reopening.
#include <catch2/catch.hpp>
#include <map>
#include <random>

#include "core/database.h"
#include "tests/core/test_util.h"

namespace palabre::testing {
namespace {

void RequireMatchesModel(Database& db,
                         const std::map<int64_t, std::string>& model) {
  auto rows = db.Prepare("SELECT k, v FROM kv ORDER BY k");
  REQUIRE(rows.ok());
  auto expected = model.begin();
  while (true) {
    auto row = rows->Step();
    REQUIRE(row.ok());
    if (!*row) break;
    REQUIRE(expected != model.end());
    REQUIRE(rows->ColumnInt(0) == expected->first);
    REQUIRE(rows->ColumnText(1) == expected->second);
    ++expected;
  }
  REQUIRE(expected == model.end());
}

TEST_CASE("10,000 mixed writes and a VACUUM leave an intact database",
          "[core][stress]") {
  TempDir root;
  MakeVault(root.path());
  auto vault = OpenVault(root.path());
  Database& db = vault->db();
  REQUIRE(db.Exec("CREATE TABLE kv(k INTEGER PRIMARY KEY, v TEXT NOT NULL);"
                  "CREATE INDEX kv_v ON kv(v);")
              .ok());
  auto insert = db.Prepare("INSERT INTO kv(k, v) VALUES (?1, ?2)");
  auto update = db.Prepare("UPDATE kv SET v = ?2 WHERE k = ?1");
  auto erase = db.Prepare("DELETE FROM kv WHERE k = ?1");
  REQUIRE((insert.ok() && update.ok() && erase.ok()));
  std::map<int64_t, std::string> model;
  std::mt19937 rng(Catch::rngSeed() + 7);
  int64_t next_key = 1;
  int counts[3] = {0, 0, 0};
  for (int batch = 0; batch < 100; ++batch) {
    REQUIRE(db.Transaction([&]() -> Status {
                for (int i = 0; i < 100; ++i) {
                  const unsigned dice = rng() % 10;
                  std::string value(20 + rng() % 1500,
                                    static_cast<char>('A' + rng() % 26));
                  value += std::to_string(rng());
                  if (model.empty() || dice < 5) {
                    PALABRE_RETURN_IF_ERROR(insert->BindInt(1, next_key));
                    PALABRE_RETURN_IF_ERROR(insert->BindText(2, value));
                    PALABRE_RETURN_IF_ERROR(insert->Run());
                    insert->Reset();
                    model[next_key++] = value;
                    ++counts[0];
                    continue;
                  }
                  auto it =
                      model.lower_bound(static_cast<int64_t>(rng() % next_key));
                  if (it == model.end()) it = model.begin();
                  Statement& stmt = dice < 8 ? *update : *erase;
                  PALABRE_RETURN_IF_ERROR(stmt.BindInt(1, it->first));
                  if (dice < 8) {
                    PALABRE_RETURN_IF_ERROR(stmt.BindText(2, value));
                    it->second = value;
                    ++counts[1];
                  } else {
                    model.erase(it);
                    ++counts[2];
                  }
                  PALABRE_RETURN_IF_ERROR(stmt.Run());
                  stmt.Reset();
                }
                return Status::Ok();
              }).ok());
  }
  REQUIRE(counts[0] + counts[1] + counts[2] == 10000);
  REQUIRE(vault->CheckIntegrity().ok());
  RequireMatchesModel(db, model);
  REQUIRE(db.Exec("VACUUM").ok());
  REQUIRE(vault->CheckIntegrity().ok());
  RequireMatchesModel(db, model);
  REQUIRE(vault->Lock().ok());
  auto reopened = OpenVault(root.path());
  REQUIRE(reopened->CheckIntegrity().ok());
  RequireMatchesModel(reopened->db(), model);
}

}  // namespace
}  // namespace palabre::testing
