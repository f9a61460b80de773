// Tampering seen through the CLI: one byte flipped in a database page makes
// `status` exit 4 (vault damaged), with one line on stderr and nothing on
// stdout, never a crash. Pages are 4096 bytes.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>

#include "core/database.h"
#include "core/vault.h"
#include "tests/cli/fixture_util.h"
#include "tests/cli/run_util.h"

namespace palabre::testing {
namespace {

constexpr long kPageSize = 4096;

TEST_CASE("a flipped byte in a database page makes status exit 4", "[cli]") {
  struct Case {
    const char* what;
    long offset;
  };
  const Case cases[] = {
      {"page 1", 100},
      {"page 2", kPageSize + 100},
  };
  for (const Case& c : cases) {
    SECTION(c.what) {
      TempDir tmp;
      const std::string dir = tmp.Sub("vault");
      InitVault(dir);
      REQUIRE(ReadAll(dir + "/palabre.db").size() >=
              static_cast<std::size_t>(2 * kPageSize));
      FlipByte(dir + "/palabre.db", c.offset);
      RunResult r = RunStatus(dir);
      ExpectFailure(r, 4);
      CHECK(r.out.empty());
    }
  }
}

TEST_CASE("swapped database pages make status exit 4", "[cli]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  InitVault(dir);
  std::string bytes = ReadAll(dir + "/palabre.db");
  REQUIRE(bytes.size() >= static_cast<std::size_t>(2 * kPageSize));
  const std::string first = bytes.substr(0, kPageSize);
  bytes.replace(0, kPageSize, bytes.substr(kPageSize, kPageSize));
  bytes.replace(kPageSize, kPageSize, first);
  WriteAll(dir + "/palabre.db", bytes);
  RunResult r = RunStatus(dir);
  ExpectFailure(r, 4);
}

TEST_CASE("a flipped byte in a committed WAL frame makes status exit 4",
          "[cli]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  InitVault(dir);
  // A child commits three transactions and dies without locking: the WAL a
  // crash (or a laptop seized while palabre runs) leaves behind.
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    auto vault = Vault::Open(dir, kPassphrase);
    if (!vault.ok()) _exit(1);
    Database& db = (*vault)->db();
    bool ok = db.Exec("PRAGMA wal_autocheckpoint = 0; CREATE TABLE t(x)").ok();
    for (int i = 0; i < 3 && ok; ++i)
      ok = db.Exec("INSERT INTO t VALUES (1)").ok();
    _exit(ok ? 0 : 2);
  }
  int wstatus = 0;
  REQUIRE(waitpid(pid, &wstatus, 0) == pid);
  REQUIRE((WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0));
  const std::string wal = dir + "/palabre.db-wal";
  REQUIRE(ReadAll(wal).size() > 32 + 3 * (24 + kPageSize));
  std::remove((dir + "/palabre.db-shm").c_str());
  FlipByte(wal, 32 + 24 + 1000);  // inside the first frame's page
  RunResult r = RunStatus(dir);
  ExpectFailure(r, 4);
  CHECK(r.err.find("damaged") != std::string::npos);
}

}  // namespace
}  // namespace palabre::testing
