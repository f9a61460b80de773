// Tampering: a flipped byte in any page of the database, a flipped byte in a
// WAL frame, and two swapped pages must each surface as kDataLoss
// ("damaged") when the vault is opened or read: never a crash and never
// wrong data.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "core/database.h"
#include "tests/core/test_util.h"

namespace palabre::testing {
namespace {

constexpr long kPage = 4096;

// A locked vault whose database holds `rows` rows of ~300 bytes.
void FillVault(const std::string& dir, int rows) {
  MakeVault(dir);
  auto vault = OpenVault(dir);
  REQUIRE(
      vault->db().Exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)").ok());
  REQUIRE(
      vault->db()
          .Exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM "
                "n WHERE i < " +
                std::to_string(rows) +
                ") INSERT INTO t SELECT i, printf('row %05d ', i) || "
                "hex(zeroblob(150)) FROM n")
          .ok());
  REQUIRE(vault->Lock().ok());
}

// Opens the vault and reads every page; returns the first failure.
Status OpenAndReadAll(const std::string& dir) {
  auto vault = Vault::Open(dir, kPassphrase);
  if (!vault.ok()) return vault.status();
  PALABRE_RETURN_IF_ERROR((*vault)->CheckIntegrity());
  return (*vault)->db().QueryInt("SELECT sum(length(v)) FROM t").status();
}

TEST_CASE("a flipped byte in any database page is reported as damage",
          "[core][tamper]") {
  TempDir root;
  const std::string dir = root.Sub("v");
  FillVault(dir, 100);
  const std::string db_path = dir + "/palabre.db";
  const std::string pristine = ReadAll(db_path);
  const long pages = static_cast<long>(pristine.size()) / kPage;
  REQUIRE(pages >= 5);
  // In the content, in the nonce, and in the tag of every page.
  for (long offset_in_page : {200L, kPage - 40 + 3, kPage - 2}) {
    for (long page = 0; page < pages; ++page) {
      WriteAll(db_path, pristine);
      FlipByte(db_path, page * kPage + offset_in_page);
      const Status status = OpenAndReadAll(dir);
      INFO("page " << page + 1 << " offset " << offset_in_page << ": "
                   << status.ToString());
      CHECK(status.code() == StatusCode::kDataLoss);
    }
  }
  WriteAll(db_path, pristine);
  CHECK(OpenAndReadAll(dir).ok());
}

TEST_CASE("swapped or duplicated pages are reported as damage",
          "[core][tamper]") {
  TempDir root;
  const std::string dir = root.Sub("v");
  FillVault(dir, 100);
  const std::string db_path = dir + "/palabre.db";
  const std::string pristine = ReadAll(db_path);
  struct Case {
    long a, b;
    bool swap;  // else copy page a over page b
  };
  for (const Case& c : {Case{1, 2, true}, Case{2, 3, true}, Case{0, 4, true},
                        Case{3, 4, false}}) {
    std::string bytes = pristine;
    const std::string page_a = bytes.substr(c.a * kPage, kPage);
    const std::string page_b = bytes.substr(c.b * kPage, kPage);
    bytes.replace(c.b * kPage, kPage, page_a);
    if (c.swap) bytes.replace(c.a * kPage, kPage, page_b);
    WriteAll(db_path, bytes);
    const Status status = OpenAndReadAll(dir);
    INFO("pages " << c.a + 1 << "," << c.b + 1 << ": " << status.ToString());
    CHECK(status.code() == StatusCode::kDataLoss);
  }
}

TEST_CASE("a truncated database is reported as damage", "[core][tamper]") {
  TempDir root;
  const std::string dir = root.Sub("v");
  FillVault(dir, 100);
  const std::string db_path = dir + "/palabre.db";
  const std::string pristine = ReadAll(db_path);
  for (std::size_t keep : {pristine.size() - 100, pristine.size() - kPage,
                           std::size_t{kPage}, std::size_t{100}}) {
    WriteAll(db_path, pristine.substr(0, keep));
    const Status status = OpenAndReadAll(dir);
    INFO("kept " << keep << " bytes: " << status.ToString());
    CHECK(status.code() == StatusCode::kDataLoss);
  }
}

TEST_CASE("a flipped byte in a WAL frame is caught when a reader reaches it",
          "[core][tamper]") {
  TempDir root;
  const std::string dir = root.Sub("v");
  FillVault(dir, 10);
  auto writer = OpenVault(dir);
  REQUIRE(writer->db()
              .Exec("PRAGMA wal_autocheckpoint = 0;"
                    "UPDATE t SET v = 'changed ' || v")
              .ok());
  const std::string wal = dir + "/palabre.db-wal";
  const std::string frames = ReadAll(wal);
  REQUIRE(frames.size() >= 32 + 24 + kPage);
  // The page part of the first frame.
  FlipByte(wal, 32 + 24 + 500);
  auto reader = Vault::Open(dir, kPassphrase);
  Status status = reader.ok() ? (*reader)
                                    ->db()
                                    .QueryInt(
                                        "SELECT count(*) FROM t WHERE v "
                                        "LIKE 'changed %'")
                                    .status()
                              : reader.status();
  if (status.ok() && reader.ok()) status = (*reader)->CheckIntegrity();
  INFO(status.ToString());
  CHECK(status.code() == StatusCode::kDataLoss);
}

// Runs `transactions` (one SQL text each, autocommitted) from a child
// process that then dies without closing: the crash image a seized, running
// laptop would leave.
void LeaveWal(const std::string& dir,
              const std::vector<std::string>& transactions) {
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    auto vault = Vault::Open(dir, kPassphrase);
    if (!vault.ok()) _exit(2);
    Database& db = (*vault)->db();
    bool ok = db.Exec("PRAGMA wal_autocheckpoint = 0").ok();
    for (const std::string& sql : transactions) ok = ok && db.Exec(sql).ok();
    _exit(ok ? 0 : 3);  // no Lock(): the WAL stays as a crash leaves it
  }
  int wstatus = 0;
  REQUIRE(waitpid(pid, &wstatus, 0) == pid);
  REQUIRE(WIFEXITED(wstatus));
  REQUIRE(WEXITSTATUS(wstatus) == 0);
}

void LeaveWalWithThreeCommits(const std::string& dir) {
  LeaveWal(dir, {"INSERT INTO t(v) VALUES ('commit 1')",
                 "INSERT INTO t(v) VALUES ('commit 2')",
                 "INSERT INTO t(v) VALUES ('commit 3')"});
}

// Frame k (0-based) of a WAL: its page number and whether it is a commit.
struct FrameInfo {
  uint32_t pgno;
  bool commit;
};
std::vector<FrameInfo> Frames(const std::string& wal) {
  const std::string bytes = ReadAll(wal);
  std::vector<FrameInfo> frames;
  for (std::size_t off = 32; off + 24 + kPage <= bytes.size();
       off += 24 + kPage) {
    auto u32 = [&](std::size_t at) {
      return (uint32_t{static_cast<uint8_t>(bytes[at])} << 24) |
             (uint32_t{static_cast<uint8_t>(bytes[at + 1])} << 16) |
             (uint32_t{static_cast<uint8_t>(bytes[at + 2])} << 8) |
             uint32_t{static_cast<uint8_t>(bytes[at + 3])};
    };
    frames.push_back({u32(off), u32(off + 4) != 0});
  }
  return frames;
}

TEST_CASE("a flipped byte in a committed WAL frame is caught at recovery",
          "[core][tamper]") {
  TempDir root;
  const std::string dir = root.Sub("v");
  FillVault(dir, 10);
  LeaveWalWithThreeCommits(dir);
  const std::string wal = dir + "/palabre.db-wal";
  const std::string pristine = ReadAll(wal);
  const long frame = 24 + kPage;
  const long frames = (static_cast<long>(pristine.size()) - 32) / frame;
  REQUIRE(frames >= 3);
  SECTION("the crash image itself opens with all three commits") {
    auto vault = OpenVault(dir);
    auto n =
        vault->db().QueryInt("SELECT count(*) FROM t WHERE v LIKE 'commit %'");
    REQUIRE(n.ok());
    CHECK(*n == 3);
    CHECK(vault->CheckIntegrity().ok());
  }
  // Frames before the last commit frame: a change there must not silently
  // roll the vault back.
  for (long k = 0; k + 1 < frames; ++k) {
    for (long offset : {24L + 700, 24L + kPage - 5, 1L /* page number */}) {
      WriteAll(wal, pristine);
      std::remove((dir + "/palabre.db-shm").c_str());  // force recovery
      FlipByte(wal, 32 + k * frame + offset);
      const Status status = OpenAndReadAll(dir);
      INFO("frame " << k + 1 << " offset " << offset << ": "
                    << status.ToString());
      CHECK(status.code() == StatusCode::kDataLoss);
    }
  }
}

TEST_CASE("a change to the WAL's last transaction reads as a crash before it",
          "[core][tamper]") {
  // The documented limit: without an outside anchor, an altered final
  // transaction cannot be told from one a crash interrupted. What must hold
  // is that the vault opens at the previous transaction, with correct data.
  TempDir root;
  const std::string dir = root.Sub("v");
  FillVault(dir, 10);
  LeaveWalWithThreeCommits(dir);
  const std::string wal = dir + "/palabre.db-wal";
  const long frame = 24 + kPage;
  const long frames = (static_cast<long>(ReadAll(wal).size()) - 32) / frame;
  std::remove((dir + "/palabre.db-shm").c_str());
  FlipByte(wal, 32 + (frames - 1) * frame + 24 + 100);
  auto vault = OpenVault(dir);
  auto n =
      vault->db().QueryInt("SELECT count(*) FROM t WHERE v LIKE 'commit %'");
  REQUIRE(n.ok());
  CHECK(*n == 2);
  CHECK(vault->CheckIntegrity().ok());
}

}  // namespace
}  // namespace palabre::testing

namespace palabre::testing {
namespace {

// A transaction big enough to span several WAL frames.
const char kBigTransaction[] =
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < "
    "60) "
    "INSERT INTO t(v) SELECT 'big ' || hex(zeroblob(200)) FROM n";

TEST_CASE("a torn frame in the last transaction opens at the previous commit",
          "[core][tamper]") {
  // What a power cut before the commit's fsync can leave: an early frame of
  // the last transaction damaged, its commit frame intact. That transaction
  // never committed, so the vault must open, without it.
  TempDir root;
  const std::string dir = root.Sub("v");
  FillVault(dir, 10);
  LeaveWal(dir, {"INSERT INTO t(v) VALUES ('commit 1')", kBigTransaction});
  const std::string wal = dir + "/palabre.db-wal";
  const auto frames = Frames(wal);
  REQUIRE(frames.size() >= 3);
  REQUIRE(frames[0].commit);
  REQUIRE(!frames[1].commit);  // the big transaction's first frame
  REQUIRE(frames.back().commit);
  std::remove((dir + "/palabre.db-shm").c_str());
  FlipByte(wal, 32 + 1 * (24 + kPage) + 24 + 300);
  auto vault = OpenVault(dir);
  CHECK(vault->db()
            .QueryInt("SELECT count(*) FROM t WHERE v = 'commit 1'")
            .value() == 1);
  CHECK(vault->db()
            .QueryInt("SELECT count(*) FROM t WHERE v LIKE 'big %'")
            .value() == 0);
  CHECK(vault->CheckIntegrity().ok());
}

TEST_CASE(
    "a damaged frame in a transaction followed by another commit is damage",
    "[core][tamper]") {
  TempDir root;
  const std::string dir = root.Sub("v");
  FillVault(dir, 10);
  LeaveWal(dir, {"INSERT INTO t(v) VALUES ('commit 1')", kBigTransaction,
                 "INSERT INTO t(v) VALUES ('commit 3')"});
  const std::string wal = dir + "/palabre.db-wal";
  const std::string pristine = ReadAll(wal);
  const auto frames = Frames(wal);
  REQUIRE(frames.size() >= 4);
  // Every frame but the last transaction's (the final frame).
  for (std::size_t k = 0; k + 1 < frames.size(); ++k) {
    WriteAll(wal, pristine);
    std::remove((dir + "/palabre.db-shm").c_str());
    FlipByte(wal, 32 + static_cast<long>(k) * (24 + kPage) + 24 + 300);
    const Status status = OpenAndReadAll(dir);
    INFO("frame " << k + 1 << (frames[k].commit ? " (commit)" : "") << ": "
                  << status.ToString());
    CHECK(status.code() == StatusCode::kDataLoss);
  }
}

}  // namespace
}  // namespace palabre::testing
