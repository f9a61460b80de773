// The vault life cycle through the core API: create, open, wrong secrets,
// passphrase change, recovery, wipe, and hostile or damaged vault files.
#include <catch2/catch.hpp>
#include <map>
#include <filesystem>

#include "core/database.h"
#include "tests/core/test_util.h"

namespace palabre::testing {
namespace {

constexpr char kNewPassphrase[] = "another passphrase, longer";

// Replaces whatever is at `path` with an empty directory.
void MakeDirectoryAt(const std::string& path) {
  std::filesystem::remove(path);
  std::filesystem::create_directory(path);
}

TEST_CASE("a new vault opens with its passphrase and its recovery code",
          "[core][vault]") {
  TempDir root;
  const std::string code = MakeVault(root.path());
  CHECK(code.size() == 39);
  CHECK(std::count(code.begin(), code.end(), '-') == 7);
  {
    auto vault = OpenVault(root.path());
    auto version = vault->SchemaVersion();
    REQUIRE(version.ok());
    CHECK(*version >= 1);
    auto counts = vault->Counts();
    REQUIRE(counts.ok());
    REQUIRE(!counts->empty());
    // The vault's own tables, SQLite's and the search index's internals
    // left out; a new vault has its metadata and its device key.
    std::map<std::string, int64_t> rows;
    for (const TableCount& c : *counts) rows[c.table] = c.rows;
    CHECK(rows["vault_meta"] == 1);
    CHECK(rows["device_keys"] == 1);
    CHECK(rows["sessions"] == 0);
    CHECK(rows.count("sessions_fts_data") == 0);
  }
  auto by_code = Vault::OpenWithRecoveryCode(root.path(), code);
  CHECK(by_code.ok());
  // Typed sloppily: lower case, spaces instead of hyphens.
  std::string sloppy = code;
  for (char& c : sloppy)
    c = c == '-' ? ' ' : static_cast<char>(std::tolower(c));
  CHECK(Vault::OpenWithRecoveryCode(root.path(), sloppy).ok());
  auto info = Vault::Inspect(root.path());
  REQUIRE(info.ok());
  CHECK(info->format_version == 1);
  CHECK(info->kdf == KdfLevel::kInteractive);
  CHECK(info->kdf_is_standard);
  CHECK(info->page_size == 4096);
  CHECK(info->size_bytes > 4096);
}

TEST_CASE("after locking, only the keys file and the database remain",
          "[core][vault]") {
  TempDir root;
  MakeVault(root.path());
  auto vault = OpenVault(root.path());
  REQUIRE(vault->db().Exec("CREATE TABLE t(x); INSERT INTO t VALUES (1)").ok());
  REQUIRE(vault->Lock().ok());
  CHECK(vault->locked());
  std::vector<std::string> names;
  for (const auto& [name, bytes] : Snapshot(root.path())) names.push_back(name);
  CHECK(names == std::vector<std::string>{"keys", "palabre.db"});
}

TEST_CASE("a wrong passphrase or code is refused and touches nothing",
          "[core][vault]") {
  TempDir root;
  MakeVault(root.path());
  const auto before = Snapshot(root.path());
  auto wrong = Vault::Open(root.path(), "not the passphrase at all");
  CHECK(wrong.status().code() == StatusCode::kUnauthenticated);
  auto wrong_code = Vault::OpenWithRecoveryCode(
      root.path(), "0000-0000-0000-0000-0000-0000-0000-0000");
  CHECK(wrong_code.status().code() == StatusCode::kUnauthenticated);
  auto malformed = Vault::OpenWithRecoveryCode(root.path(), "12345");
  CHECK(malformed.status().code() == StatusCode::kInvalidArgument);
  CHECK(Snapshot(root.path()) == before);
}

TEST_CASE("changing the passphrase keeps the data and retires the old one",
          "[core][vault]") {
  TempDir root;
  const std::string code = MakeVault(root.path());
  {
    auto vault = OpenVault(root.path());
    REQUIRE(vault->db()
                .Exec("CREATE TABLE t(x); INSERT INTO t VALUES ('kept')")
                .ok());
  }
  const std::string db_before = ReadAll(root.Sub("palabre.db"));
  CHECK(Vault::ChangePassphrase(root.path(), "wrong old passphrase",
                                kNewPassphrase, KdfLevel::kInteractive)
            .code() == StatusCode::kUnauthenticated);
  CHECK(Vault::ChangePassphrase(root.path(), kPassphrase, "short",
                                KdfLevel::kInteractive)
            .code() == StatusCode::kInvalidArgument);
  REQUIRE(Vault::ChangePassphrase(root.path(), kPassphrase, kNewPassphrase,
                                  KdfLevel::kInteractive)
              .ok());
  CHECK(ReadAll(root.Sub("palabre.db")) ==
        db_before);  // data never re-encrypted
  CHECK(Vault::Open(root.path(), kPassphrase).status().code() ==
        StatusCode::kUnauthenticated);
  auto vault = Vault::Open(root.path(), kNewPassphrase);
  REQUIRE(vault.ok());
  CHECK((*vault)->db().QueryText("SELECT x FROM t").value() == "kept");
  CHECK(Vault::OpenWithRecoveryCode(root.path(), code).ok());
}

TEST_CASE("the recovery code sets a new passphrase once the old is lost",
          "[core][vault]") {
  TempDir root;
  const std::string code = MakeVault(root.path());
  CHECK(Vault::Recover(root.path(), "0000-0000-0000-0000-0000-0000-0000-0000",
                       kNewPassphrase, KdfLevel::kInteractive)
            .code() == StatusCode::kUnauthenticated);
  REQUIRE(
      Vault::Recover(root.path(), code, kNewPassphrase, KdfLevel::kInteractive)
          .ok());
  CHECK(Vault::Open(root.path(), kNewPassphrase).ok());
  CHECK(Vault::Open(root.path(), kPassphrase).status().code() ==
        StatusCode::kUnauthenticated);
}

TEST_CASE("wipe destroys the keys first and leaves nothing that opens",
          "[core][vault]") {
  TempDir root;
  const std::string dir = root.Sub("v");
  const std::string code = MakeVault(dir);
  {
    auto vault = OpenVault(dir);
    REQUIRE(
        vault->db().Exec("CREATE TABLE t(x); INSERT INTO t VALUES (1)").ok());
    auto removed = Vault::Wipe(dir);  // even while the vault is open
    REQUIRE(removed.ok());
    REQUIRE(removed->size() >= 2);
    CHECK(removed->front() == dir + "/keys");
  }
  CHECK(Vault::Open(dir, kPassphrase).status().code() == StatusCode::kNotFound);
  CHECK(Vault::OpenWithRecoveryCode(dir, code).status().code() ==
        StatusCode::kNotFound);
  CHECK(Vault::Inspect(dir).status().code() == StatusCode::kNotFound);
  CHECK(Vault::Wipe(dir).status().code() == StatusCode::kNotFound);
  CHECK(!std::filesystem::exists(dir + "/keys"));
  CHECK(!std::filesystem::exists(dir + "/palabre.db"));
}

TEST_CASE("a copy of the database is noise once the keys are wiped",
          "[core][vault]") {
  TempDir root;
  const std::string dir = root.Sub("v");
  const std::string code = MakeVault(dir);
  const std::string db_copy = ReadAll(dir + "/palabre.db");
  REQUIRE(Vault::Wipe(dir).ok());
  // A new vault with the same passphrase gets new keys: the old database
  // does not open under them.
  MakeVault(dir);
  WriteAll(dir + "/palabre.db", db_copy);
  CHECK(Vault::Open(dir, kPassphrase).status().code() == StatusCode::kDataLoss);
  CHECK(Vault::OpenWithRecoveryCode(dir, code).status().code() ==
        StatusCode::kUnauthenticated);
}

TEST_CASE("create refuses to overwrite and refuses weak passphrases",
          "[core][vault]") {
  TempDir root;
  MakeVault(root.path());
  const auto before = Snapshot(root.path());
  CHECK(Vault::Create(root.path(), kPassphrase, KdfLevel::kInteractive)
            .status()
            .code() == StatusCode::kAlreadyExists);
  CHECK(Snapshot(root.path()) == before);
  TempDir other;
  const std::string dir = other.Sub("v");
  struct Case {
    const char* passphrase;
    StatusCode code;
  };
  for (const Case& c :
       {Case{"123456789", StatusCode::kInvalidArgument},
        Case{"ééééééééé", StatusCode::kInvalidArgument},  // 9 chars
        Case{"bad\x01 control char", StatusCode::kInvalidArgument},
        Case{"\xff\xfe not utf-8 at all", StatusCode::kInvalidArgument},
        Case{"éééééééééé", StatusCode::kOk}}) {  // 10 chars
    INFO(c.passphrase);
    CHECK(CheckPassphrasePolicy(c.passphrase).code() == c.code);
  }
  CHECK(
      Vault::Create(dir, "too short", KdfLevel::kInteractive).status().code() ==
      StatusCode::kInvalidArgument);
  CHECK(!std::filesystem::exists(dir + "/keys"));
}

TEST_CASE("damaged or foreign vault files give clear errors", "[core][vault]") {
  TempDir root;
  const std::string dir = root.Sub("v");
  MakeVault(dir);
  const std::string keys = ReadAll(dir + "/keys");
  const std::string db = ReadAll(dir + "/palabre.db");
  TempDir foreign_root;
  MakeVault(foreign_root.path());
  const std::string foreign_keys = ReadAll(foreign_root.Sub("keys"));

  struct Case {
    const char* what;
    std::function<void()> damage;
    StatusCode expected;
  };
  const std::vector<Case> cases = {
      {"truncated keys", [&] { WriteAll(dir + "/keys", keys.substr(0, 100)); },
       StatusCode::kDataLoss},
      {"empty keys", [&] { WriteAll(dir + "/keys", ""); },
       StatusCode::kDataLoss},
      {"garbage keys",
       [&] { WriteAll(dir + "/keys", std::string(keys.size(), 'x')); },
       StatusCode::kDataLoss},
      {"one flipped bit in keys",
       [&] {
         WriteAll(dir + "/keys", keys);
         FlipByte(dir + "/keys", 150);
       },
       StatusCode::kDataLoss},
      {"keys of another vault, same passphrase",
       [&] { WriteAll(dir + "/keys", foreign_keys); }, StatusCode::kDataLoss},
      {"empty database", [&] { WriteAll(dir + "/palabre.db", ""); },
       StatusCode::kDataLoss},
      {"missing database",
       [&] { std::filesystem::remove(dir + "/palabre.db"); },
       StatusCode::kDataLoss},
      {"directory instead of the database",
       [&] { MakeDirectoryAt(dir + "/palabre.db"); }, StatusCode::kDataLoss},
      {"directory instead of the keys file",
       [&] { MakeDirectoryAt(dir + "/keys"); }, StatusCode::kDataLoss},
      {"directory instead of the WAL",
       [&] { MakeDirectoryAt(dir + "/palabre.db-wal"); },
       StatusCode::kDataLoss},
  };
  for (const Case& c : cases) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directory(dir);
    WriteAll(dir + "/keys", keys);
    WriteAll(dir + "/palabre.db", db);
    c.damage();
    auto vault = Vault::Open(dir, kPassphrase);
    INFO(c.what << ": " << vault.status().ToString());
    CHECK(vault.status().code() == c.expected);
    CHECK(!vault.status().message().empty());
  }
}

TEST_CASE("a vault path that is a file is invalid input", "[core][vault]") {
  TempDir root;
  WriteAll(root.Sub("file"), "x");
  CHECK(Vault::Open(root.Sub("file"), kPassphrase).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(Vault::Open(root.Sub("missing"), kPassphrase).status().code() ==
        StatusCode::kNotFound);
}

}  // namespace
}  // namespace palabre::testing

namespace palabre::testing {
namespace {

TEST_CASE("statements still held when the vault locks fail cleanly",
          "[core][vault]") {
  TempDir root;
  MakeVault(root.path());
  auto vault = OpenVault(root.path());
  auto stmt = vault->db().Prepare("SELECT count(*) FROM vault_meta");
  REQUIRE(stmt.ok());
  REQUIRE(vault->Lock().ok());
  CHECK(stmt->Step().status().code() == StatusCode::kFailedPrecondition);
  CHECK(stmt->BindInt(1, 1).code() == StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace palabre::testing
