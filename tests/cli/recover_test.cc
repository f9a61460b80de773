// `palabre recover`: with the passphrase lost, the recovery code sets a new
// one that then works; a wrong (well-formed) code exits 3 and a malformed
// one exits 2, both leaving the vault untouched.
#include <catch2/catch.hpp>

#include "tests/cli/fixture_util.h"
#include "tests/cli/run_util.h"

namespace palabre::testing {
namespace {

TEST_CASE("recover sets a new passphrase with the recovery code", "[cli]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  const std::string code = InitVault(dir);
  RunResult r = RunWithPassphrases(
      VaultArgs(dir, {"recover", "--recovery-code", code}), {kOtherPassphrase});
  INFO(r.Describe());
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find(code) == std::string::npos);
  CHECK(RunStatus(dir, kOtherPassphrase).exit_code == 0);
  ExpectFailure(RunStatus(dir, kPassphrase), 3);

  // The code stays valid: it works a second time.
  const std::string third = "yet another passphrase";
  RunResult again = RunWithPassphrases(
      VaultArgs(dir, {"recover", "--recovery-code=" + code}), {third});
  INFO(again.Describe());
  REQUIRE(again.exit_code == 0);
  CHECK(RunStatus(dir, third).exit_code == 0);
}

TEST_CASE("recover with a wrong recovery code exits 3, a malformed one 2",
          "[cli]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  InitVault(dir);
  // A well-formed code that belongs to another vault.
  const std::string other_code = InitVault(tmp.Sub("other"));
  const auto before = Snapshot(dir);

  RunResult wrong = RunWithPassphrases(
      VaultArgs(dir, {"recover", "--recovery-code", other_code}),
      {kOtherPassphrase});
  ExpectFailure(wrong, 3);
  CHECK(wrong.err.find(other_code) == std::string::npos);
  CHECK(Snapshot(dir) == before);

  RunResult malformed = RunWithPassphrases(
      VaultArgs(dir, {"recover", "--recovery-code", "not a code"}),
      {kOtherPassphrase});
  ExpectFailure(malformed, 2);
  CHECK(Snapshot(dir) == before);
  CHECK(RunStatus(dir, kPassphrase).exit_code == 0);
}

TEST_CASE("recover without --recovery-code is a usage error", "[cli]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  InitVault(dir);
  ExpectFailure(
      RunWithPassphrases(VaultArgs(dir, {"recover"}), {kOtherPassphrase}), 2);
}

}  // namespace
}  // namespace palabre::testing
