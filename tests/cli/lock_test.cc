// `palabre lock`: a vault with nothing pending is reported locked without
// asking for a secret; a write-ahead log left by a crashed process is folded
// into the database (after unlocking) and truncated.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/database.h"
#include "core/vault.h"
#include "tests/cli/fixture_util.h"
#include "tests/cli/run_util.h"

namespace palabre::testing {
namespace {

TEST_CASE("lock on a vault with nothing pending needs no passphrase", "[cli]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  InitVault(dir);
  const auto before = Snapshot(dir);

  RunResult text = RunPalabre(VaultArgs(dir, {"lock"}));
  INFO(text.Describe());
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("locked") != std::string::npos);

  RunResult json = RunPalabre(VaultArgs(dir, {"lock", "--json"}));
  INFO(json.Describe());
  REQUIRE(json.exit_code == 0);
  const nlohmann::json out = nlohmann::json::parse(json.out);
  CHECK(out == nlohmann::json{
                   {"vault", dir}, {"locked", true}, {"folded_wal", false}});
  CHECK(Snapshot(dir) == before);
}

TEST_CASE("lock where there is no vault exits 5", "[cli]") {
  TempDir tmp;
  ExpectFailure(RunPalabre(VaultArgs(tmp.Sub("none"), {"lock"})), 5);
}

TEST_CASE("lock folds a write-ahead log left by a crash", "[cli]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  InitVault(dir);
  // A child commits a change and dies without locking: its WAL stays.
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    auto vault = Vault::Open(dir, kPassphrase);
    if (!vault.ok()) _exit(1);
    Status s = (*vault)->db().Exec(
        "CREATE TABLE lock_test(x); INSERT INTO lock_test VALUES (1);");
    _exit(s.ok() ? 0 : 2);
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  const std::string wal = dir + "/palabre.db-wal";
  REQUIRE(ReadAll(wal).size() > 0);

  RunResult r =
      RunWithPassphrases(VaultArgs(dir, {"lock", "--json"}), {kPassphrase});
  INFO(r.Describe());
  REQUIRE(r.exit_code == 0);
  const nlohmann::json out = nlohmann::json::parse(r.out);
  CHECK(out.at("folded_wal") == true);
  CHECK(out.at("locked") == true);
  const auto after = Snapshot(dir);
  CHECK((after.count("palabre.db-wal") == 0 ||
         after.at("palabre.db-wal").empty()));

  RunResult counts =
      RunWithPassphrases(VaultArgs(dir, {"status", "--json"}), {kPassphrase});
  INFO(counts.Describe());
  REQUIRE(counts.exit_code == 0);
  CHECK(nlohmann::json::parse(counts.out).at("counts").at("lock_test") == 1);
}

}  // namespace
}  // namespace palabre::testing
