// `palabre init`: the recovery code is shown once (text and --json forms),
// an existing vault is never overwritten (exit 5), and a passphrase the
// policy refuses creates nothing (exit 2).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/cli/fixture_util.h"
#include "tests/cli/run_util.h"

namespace palabre::testing {
namespace {

TEST_CASE("init prints a recovery code with an instruction to write it down",
          "[cli]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  RunResult r = RunWithPassphrases(
      VaultArgs(dir, {"init", "--kdf", "interactive"}), {kPassphrase});
  INFO(r.Describe());
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out.find("Recovery code") != std::string::npos);
  CHECK(r.out.find("Write it down") != std::string::npos);
  CHECK(r.out.find("apart from this laptop") != std::string::npos);
  CHECK(r.out.find(kPassphrase) == std::string::npos);
  CHECK(RunStatus(dir).exit_code == 0);
}

TEST_CASE("init --json prints exactly the keys vault and recovery_code",
          "[cli]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  RunResult r = RunWithPassphrases(
      VaultArgs(dir, {"init", "--kdf", "interactive", "--json"}),
      {kPassphrase});
  INFO(r.Describe());
  REQUIRE(r.exit_code == 0);
  nlohmann::json out = nlohmann::json::parse(r.out);
  REQUIRE(out.is_object());
  CHECK(out.size() == 2);
  CHECK(out.at("vault") == dir);
  REQUIRE(out.at("recovery_code").is_string());
  CHECK_FALSE(out.at("recovery_code").get<std::string>().empty());
}

TEST_CASE("init on an existing vault exits 5 and changes nothing", "[cli]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  InitVault(dir);
  const auto before = Snapshot(dir);
  RunResult r = RunWithPassphrases(
      VaultArgs(dir, {"init", "--kdf", "interactive"}), {kOtherPassphrase});
  ExpectFailure(r, 5);
  CHECK(Snapshot(dir) == before);
  CHECK(RunStatus(dir).exit_code == 0);
}

TEST_CASE("init refuses a passphrase the policy rejects, creating nothing",
          "[cli]") {
  struct Case {
    const char* what;
    std::string passphrase;
  };
  const Case cases[] = {
      {"9 ASCII characters", "123456789"},
      {"9 characters in 18 bytes",
       "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
       "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"},
      {"empty", ""},
  };
  for (const Case& c : cases) {
    SECTION(c.what) {
      TempDir tmp;
      const std::string dir = tmp.Sub("vault");
      RunResult r = RunWithPassphrases(
          VaultArgs(dir, {"init", "--kdf", "interactive"}), {c.passphrase});
      ExpectFailure(r, 2);
      CHECK(Snapshot(dir).empty());
      CHECK(Snapshot(tmp.path()).empty());  // not even the directory
    }
  }
}

TEST_CASE("init without a terminal or --passphrase-fd exits 2", "[cli]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  RunResult r = RunPalabre(VaultArgs(dir, {"init", "--kdf", "interactive"}));
  ExpectFailure(r, 2);
  CHECK(r.err.find("--passphrase-fd") != std::string::npos);
  CHECK(Snapshot(dir).empty());
}

TEST_CASE("init with --passphrase-fd naming a closed descriptor exits 2",
          "[cli]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  RunResult r = RunPalabre(
      VaultArgs(dir, {"init", "--kdf", "interactive", "--passphrase-fd", "9"}));
  ExpectFailure(r, 2);
  CHECK(Snapshot(dir).empty());
}

}  // namespace
}  // namespace palabre::testing
