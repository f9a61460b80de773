// `palabre passphrase`: after a change the old passphrase fails (exit 3),
// the new one works, and the data is intact (status counts identical).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/cli/fixture_util.h"
#include "tests/cli/run_util.h"

namespace palabre::testing {
namespace {

nlohmann::json StatusJson(const std::string& dir,
                          const std::string& passphrase) {
  RunResult r =
      RunWithPassphrases(VaultArgs(dir, {"status", "--json"}), {passphrase});
  INFO(r.Describe());
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out);
}

TEST_CASE("passphrase change: old fails, new works, counts identical",
          "[cli]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  InitVault(dir);
  const nlohmann::json before = StatusJson(dir, kPassphrase);
  CHECK(before.at("kdf") == "interactive");

  RunResult change = RunWithPassphrases(VaultArgs(dir, {"passphrase"}),
                                        {kPassphrase, kOtherPassphrase});
  INFO(change.Describe());
  REQUIRE(change.exit_code == 0);
  CHECK(change.out.find(kOtherPassphrase) == std::string::npos);

  ExpectFailure(RunStatus(dir, kPassphrase), 3);
  const nlohmann::json after = StatusJson(dir, kOtherPassphrase);
  CHECK(after.at("counts") == before.at("counts"));
  CHECK(after.at("schema_version") == before.at("schema_version"));
  CHECK(after.at("kdf") == "interactive");  // level kept without --kdf
}

TEST_CASE("passphrase change refuses a weak new passphrase (exit 2)", "[cli]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  InitVault(dir);
  const auto before = Snapshot(dir);
  RunResult r = RunWithPassphrases(VaultArgs(dir, {"passphrase"}),
                                   {kPassphrase, "short"});
  ExpectFailure(r, 2);
  CHECK(Snapshot(dir) == before);
  CHECK(RunStatus(dir, kPassphrase).exit_code == 0);
}

TEST_CASE("passphrase change with only the old line on the descriptor exits 2",
          "[cli]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  InitVault(dir);
  const auto before = Snapshot(dir);
  RunResult r =
      RunWithPassphrases(VaultArgs(dir, {"passphrase"}), {kPassphrase});
  ExpectFailure(r, 2);
  CHECK(Snapshot(dir) == before);
}

}  // namespace
}  // namespace palabre::testing
