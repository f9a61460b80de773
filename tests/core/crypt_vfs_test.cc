// The encrypting VFS on its own: page-size changes refused, no unencrypted
// files ever opened, fault injection mid-update, and the layout of a sealed
// page (nonce and tag in the reserved bytes, fresh nonce per write).
#include "core/crypt_vfs.h"

#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <set>

#include "core/database.h"
#include "core/keyslot.h"
#include "core/vault.h"
#include "tests/core/test_util.h"

namespace palabre::testing {
namespace {

// A database opened directly through a CryptVfs with a fixed key.
struct Fixture {
  TempDir root;
  std::unique_ptr<CryptVfs> vfs;
  std::unique_ptr<Database> db;
  std::string path = root.Sub("db");

  void Open(bool create) {
    SecureBuffer key(32);
    for (int i = 0; i < 32; ++i) key.data()[i] = static_cast<uint8_t>(i);
    std::array<uint8_t, 16> id{};
    id.fill(7);
    if (!vfs) vfs = std::move(CryptVfs::Create(key, id, 4096, 40)).value();
    auto opened = Database::Open(path, vfs->name(), create);
    REQUIRE(opened.ok());
    db = std::move(opened).value();
    if (create) REQUIRE(PrepareNewVaultDatabase(*db, 4096, 40).ok());
    REQUIRE(db->Exec("PRAGMA temp_store = MEMORY").ok());
  }
};

TEST_CASE("a page-size change is refused", "[core][vfs]") {
  Fixture f;
  f.Open(true);
  REQUIRE(f.db->Exec("CREATE TABLE t(x)").ok());
  CHECK(!f.db->Exec("PRAGMA page_size = 8192").ok());
  CHECK(f.db->Exec("PRAGMA page_size = 4096").ok());
  CHECK(f.db->Exec("VACUUM").ok());
  CHECK(f.db->QueryInt("PRAGMA page_size").value() == 4096);
}

TEST_CASE(
    "temporary files on disk are refused rather than written in plaintext",
    "[core][vfs]") {
  Fixture f;
  f.Open(true);
  // With temp_store=FILE and a tiny cache, SQLite must spill a large TEMP
  // table (or an attached temporary database) to a file: the VFS refuses to
  // open it, so the statement fails instead of leaking.
  const char* kBig =
      " AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
      "WHERE i < 3000) SELECT 'secret ' || hex(randomblob(500)) AS x FROM n";
  REQUIRE(
      f.db->Exec("PRAGMA temp_store = FILE; PRAGMA temp.cache_size = 4").ok());
  CHECK(f.db->Exec(std::string("CREATE TEMP TABLE leak") + kBig).code() ==
        StatusCode::kPermissionDenied);  // SQLITE_CANTOPEN from the VFS
  REQUIRE(
      f.db->Exec("ATTACH '' AS scratch; PRAGMA scratch.cache_size = 4").ok());
  CHECK(f.db->Exec(std::string("CREATE TABLE scratch.leak") + kBig).code() ==
        StatusCode::kPermissionDenied);
  REQUIRE(f.db->Exec("DETACH scratch; PRAGMA temp_store = MEMORY").ok());
  CHECK(f.db->Exec(std::string("CREATE TEMP TABLE fine") + kBig).ok());
}

TEST_CASE("every write draws a fresh nonce", "[core][vfs]") {
  Fixture f;
  f.Open(true);
  REQUIRE(f.db->Exec("CREATE TABLE t(x); INSERT INTO t VALUES ('same')").ok());
  REQUIRE(f.db->Close(true).ok());
  const std::string first = ReadAll(f.path);
  f.Open(false);
  // SQLite skips rewriting a cell with identical content, so change it and
  // change it back: the page's plaintext ends up as it was.
  REQUIRE(f.db->Exec("UPDATE t SET x = 'else'; UPDATE t SET x = 'same'").ok());
  REQUIRE(f.db->Close(true).ok());
  const std::string second = ReadAll(f.path);
  REQUIRE(first.size() == second.size());
  // The leaf page of t was rewritten with identical content: its
  // ciphertext and nonce must still differ.
  const std::size_t page2 = 4096;
  CHECK(first.substr(page2, 4096) != second.substr(page2, 4096));
  CHECK(first.substr(page2 + 4096 - 40, 24) !=
        second.substr(page2 + 4096 - 40, 24));
}

TEST_CASE("a write failing mid-update leaves the old values intact",
          "[core][vfs]") {
  Fixture f;
  f.Open(true);
  REQUIRE(
      f.db->Exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);"
                 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n "
                 "WHERE i < 400) INSERT INTO t SELECT i, 'old ' || "
                 "hex(zeroblob(100)) FROM n")
          .ok());
  for (int64_t budget : {0, 1, 3, 10}) {
    f.vfs->InjectWriteFailureAfter(budget);
    Status update = f.db->Transaction([&] {
      return f.db->Exec("UPDATE t SET v = 'new ' || hex(zeroblob(100))");
    });
    f.vfs->InjectWriteFailureAfter(-1);
    INFO("budget " << budget << ": " << update.ToString());
    CHECK(!update.ok());
    REQUIRE(f.db->Close(false).ok());
    f.Open(false);
    CHECK(f.db->QueryText("PRAGMA integrity_check").value() == "ok");
    CHECK(
        f.db->QueryInt("SELECT count(*) FROM t WHERE v LIKE 'old %'").value() ==
        400);
  }
}

}  // namespace
}  // namespace palabre::testing
