// `palabre org init|export-public` end to end: init creates the
// organisation and certifies the vault's device as a coordinator; a second
// init exits 5; a bad --server or --name exits 2 before any passphrase is
// asked for; export-public writes the palabre.org/1 document, whose
// certificate verifies with its signing key; export-public on a vault of no
// organisation exits 5.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "core/device_key.h"
#include "core/organisation.h"
#include "tests/cli/fixture_util.h"
#include "tests/cli/records_util.h"
#include "tests/cli/run_util.h"

namespace palabre::testing {
namespace {

using nlohmann::json;

TEST_CASE("org init and export-public", "[cli][org]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  InitVault(dir);
  const std::string out = ScratchPath(dir, "org.json");

  // Before init there is nothing to export.
  CHECK(RunRecords(dir, {"org", "export-public", "--output", out}).exit_code ==
        5);

  const json init = RunJson(
      dir, {"org", "init", "--name", "Réseau Sahel Paix", "--server",
            "https://sync.example.org", "--device-name", "bureau de Gao"});
  CHECK(init["name"] == "Réseau Sahel Paix");
  CHECK(init["server"] == "https://sync.example.org");
  CHECK(init["role"] == "coordinator");
  CHECK(IsFullId(init["org_id"].get<std::string>()));
  CHECK(IsFullId(init["device"].get<std::string>()));

  const RunResult again = RunRecords(
      dir, {"org", "init", "--name", "Autre", "--server", "https://o.org"});
  CHECK(again.exit_code == 5);
  CHECK(again.err.find("already belongs to an organisation") !=
        std::string::npos);

  const RunResult exported =
      RunRecords(dir, {"org", "export-public", "--output", out});
  REQUIRE(exported.exit_code == 0);
  std::ifstream in(out);
  std::stringstream text;
  text << in.rdbuf();
  const json pub = json::parse(text.str());
  CHECK(pub["format"] == "palabre.org/1");
  CHECK(pub["org_id"] == init["org_id"]);
  CHECK(pub["name"] == "Réseau Sahel Paix");
  REQUIRE(pub["devices"].size() == 1);
  const json& d = pub["devices"][0];
  CHECK(d["device_id"] == init["device"]);
  CHECK(d["role"] == "coordinator");
  CHECK(d["name"] == "bureau de Gao");
  // The certificate verifies with the exported signing key.
  DeviceCertificate cert{pub["org_id"],
                         d["device_id"],
                         FromHex(d["public_key"].get<std::string>()),
                         d["role"],
                         d["name"],
                         d["issued_at"].get<int64_t>(),
                         FromHex(d["signature"].get<std::string>())};
  CHECK(VerifyCertificate(cert, FromHex(pub["signing_key"].get<std::string>()))
            .ok());
  // Without --output it goes to stdout.
  const RunResult to_stdout = RunRecords(dir, {"org", "export-public"});
  REQUIRE(to_stdout.exit_code == 0);
  CHECK(json::parse(to_stdout.out) == pub);
}

TEST_CASE("org init refuses a bad server or name before unlocking",
          "[cli][org]") {
  TempDir tmp;
  const std::string dir = tmp.Sub("vault");
  InitVault(dir);
  struct Case {
    std::vector<std::string> args;
    const char* message;
  };
  const std::vector<Case> cases = {
      {{"--name", "O", "--server", "http://sync.example.org"},
       "plain http:// is refused"},
      {{"--name", "O", "--server", "sync.example.org"}, "not an https://"},
      {{"--name", "", "--server", "https://sync.example.org"}, "--name"},
      {{"--name", "a\nb", "--server", "https://sync.example.org"}, "--name"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"org", "init"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    // No passphrase given: the check comes before the vault is unlocked.
    const RunResult r = RunPalabre(VaultArgs(dir, args));
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(c.message) != std::string::npos);
  }
  // Nothing was created.
  CHECK(RunRecords(dir, {"org", "export-public"}).exit_code == 5);
}

}  // namespace
}  // namespace palabre::testing
