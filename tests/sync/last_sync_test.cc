// The last sync's outcome kept in the vault (sync/last_sync.h): what the
// web app's sync screen shows, whether the sync ran there or from
// `palabre sync`. These tests prove that an outcome, success or failure,
// comes back as stored; that a newer one replaces the older; that a vault
// that never synced, or holds an unreadable value, has none (not an
// error); and that it holds counts and the failure's status, no entry.
#include "sync/last_sync.h"

#include <catch2/catch.hpp>
#include <string>

#include "core/sync_state.h"
#include "core/vault.h"
#include "tests/common/files_util.h"
#include "tests/core/test_util.h"

namespace palabre::testing {
namespace {

TEST_CASE("the last sync's outcome is kept in the vault and read back",
          "[sync][last]") {
  TempDir dir;
  MakeVault(dir.Sub("vault"));
  std::unique_ptr<Vault> vault = OpenVault(dir.Sub("vault"));
  Database& db = vault->db();

  auto none = sync::LoadLastSync(db);
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());

  sync::SyncResult result;
  result.pushed = 12;
  result.pulled = 3;
  result.attempts = 2;
  result.rejected.push_back({"dev", 4, "fork", "a fork"});
  REQUIRE(sync::StoreLastSync(
              db, sync::MakeLastSync(Status::Ok(), result, 1'777'000'000'000))
              .ok());
  auto ok = sync::LoadLastSync(db);
  REQUIRE(ok.ok());
  REQUIRE(ok->has_value());
  CHECK((*ok)->ok);
  CHECK((*ok)->code.empty());
  CHECK((*ok)->message.empty());
  CHECK((*ok)->finished_at == 1'777'000'000'000);
  CHECK((*ok)->pushed == 12);
  CHECK((*ok)->pulled == 3);
  CHECK((*ok)->rejected == 1);
  CHECK((*ok)->attempts == 2);

  // A failure replaces it, with its status.
  sync::SyncResult partial;
  partial.pushed = 5;
  partial.attempts = 7;
  REQUIRE(
      sync::StoreLastSync(
          db, sync::MakeLastSync(UnavailableError("no answer from the server"),
                                 partial, 1'777'000'100'000))
          .ok());
  auto failed = sync::LoadLastSync(db);
  REQUIRE(failed.ok());
  REQUIRE(failed->has_value());
  CHECK_FALSE((*failed)->ok);
  CHECK((*failed)->code == "unavailable");
  CHECK((*failed)->message == "no answer from the server");
  CHECK((*failed)->pushed == 5);
  CHECK((*failed)->rejected == 0);
  CHECK((*failed)->finished_at == 1'777'000'100'000);

  // Kept across a lock.
  REQUIRE(vault->Lock().ok());
  vault = OpenVault(dir.Sub("vault"));
  auto again = sync::LoadLastSync(vault->db());
  REQUIRE(again.ok());
  REQUIRE(again->has_value());
  CHECK((*again)->code == "unavailable");
}

TEST_CASE("an unreadable last-sync value counts as none", "[sync][last]") {
  TempDir dir;
  MakeVault(dir.Sub("vault"));
  std::unique_ptr<Vault> vault = OpenVault(dir.Sub("vault"));
  for (const char* stored : {"", "not json", "[1,2]", "{}", R"({"ok": "yes"})",
                             R"({"ok": true, "pushed": "many"})"}) {
    INFO(stored);
    REQUIRE(SetSyncValue(vault->db(), kSyncLastResult, stored).ok());
    auto last = sync::LoadLastSync(vault->db());
    REQUIRE(last.ok());
    if (std::string(stored) == R"({"ok": true, "pushed": "many"})") {
      // A readable outcome with a malformed count: the count reads as 0.
      REQUIRE(last->has_value());
      CHECK((*last)->pushed == 0);
    } else {
      CHECK_FALSE(last->has_value());
    }
  }
}

}  // namespace
}  // namespace palabre::testing
