// `palabre wipe`: with --yes it destroys the vault and prints each path it
// removed; afterwards neither the passphrase nor the recovery code opens
// anything (exit 5: no vault). Without --yes and without a terminal it
// refuses (exit 2) and removes nothing.
#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/cli/fixture_util.h"
#include "tests/cli/run_util.h"

namespace palabre::testing {
namespace {

TEST_CASE("wipe --yes removes the vault and nothing opens it afterwards",
          "[cli]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  const std::string code = InitVault(dir);
  const auto files = Snapshot(dir);
  REQUIRE(files.count("keys") == 1);

  RunResult r = RunPalabre(VaultArgs(dir, {"wipe", "--yes"}));
  INFO(r.Describe());
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  for (const auto& [name, contents] : files) {
    CHECK(r.out.find(dir + "/" + name) != std::string::npos);
  }
  // The keys go first.
  CHECK(r.out.find(dir + "/keys") < r.out.find(dir + "/palabre.db"));
  CHECK(Snapshot(dir).empty());

  ExpectFailure(RunStatus(dir, kPassphrase), 5);
  ExpectFailure(
      RunWithPassphrases(VaultArgs(dir, {"recover", "--recovery-code", code}),
                         {kOtherPassphrase}),
      5);
  CHECK(Snapshot(dir).empty());
}

TEST_CASE("wipe --yes --json lists the removed paths", "[cli]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  InitVault(dir);
  const auto files = Snapshot(dir);
  RunResult r = RunPalabre({"wipe", "--json", "--vault", dir, "--yes"});
  INFO(r.Describe());
  REQUIRE(r.exit_code == 0);
  nlohmann::json out = nlohmann::json::parse(r.out);
  REQUIRE(out.is_object());
  CHECK(out.size() == 1);
  REQUIRE(out.at("removed").is_array());
  REQUIRE_FALSE(out.at("removed").empty());
  CHECK(out.at("removed")[0] == dir + "/keys");
  for (const auto& [name, contents] : files) {
    const std::string path = dir + "/" + name;
    CHECK(std::find(out.at("removed").begin(), out.at("removed").end(), path) !=
          out.at("removed").end());
  }
}

TEST_CASE("wipe without --yes and without a terminal exits 2, removes nothing",
          "[cli]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  InitVault(dir);
  const auto before = Snapshot(dir);
  RunOptions options;
  options.stdin_data = "WIPE\n";  // stdin is not the terminal: not a yes
  RunResult r = RunPalabre(VaultArgs(dir, {"wipe"}), options);
  ExpectFailure(r, 2);
  CHECK(r.err.find("--yes") != std::string::npos);
  CHECK(Snapshot(dir) == before);
  CHECK(RunStatus(dir).exit_code == 0);
}

TEST_CASE("wipe where there is no vault exits 5", "[cli]") {
  TempDir tmp;
  ExpectFailure(RunPalabre(VaultArgs(tmp.Sub("none"), {"wipe", "--yes"})), 5);
}

}  // namespace
}  // namespace palabre::testing
