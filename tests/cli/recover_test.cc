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

namespace palabre::testing {
namespace {

// The code's groups as separate arguments, as typed from paper.
std::vector<std::string> Groups(const std::string& code) {
  std::vector<std::string> groups;
  for (std::size_t at = 0; at < code.size(); at += 5)
    groups.push_back(code.substr(at, 4));
  return groups;
}

TEST_CASE("recover accepts the code typed as separate groups", "[cli]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  const std::string code = InitVault(dir);
  std::vector<std::string> args = {"recover", "--recovery-code"};
  for (const std::string& group : Groups(code)) args.push_back(group);
  RunResult r =
      RunWithPassphrases(VaultArgs(dir, args), {"yet another passphrase"});
  INFO(r.Describe());
  CHECK(r.exit_code == 0);
  CHECK(RunStatus(dir, "yet another passphrase").exit_code == 0);
}

TEST_CASE("a usage error in recover never echoes the recovery code", "[cli]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  const std::string code = InitVault(dir);
  const auto groups = Groups(code);
  std::vector<std::string> args = {"recover", "--recovery-code"};
  for (const std::string& group : groups) args.push_back(group);
  args.push_back(groups[0]);  // a ninth argument: CLI11 reports it as stray
  args.push_back("--no-such-option");
  RunResult r =
      RunWithPassphrases(VaultArgs(dir, args), {"yet another passphrase"});
  ExpectFailure(r, 2);
  for (const std::string& group : groups) {
    INFO(group);
    CHECK(r.err.find(group) == std::string::npos);
    CHECK(r.out.find(group) == std::string::npos);
  }
}

}  // namespace
}  // namespace palabre::testing
