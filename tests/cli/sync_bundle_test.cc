// End to end: bundles carried without a network (`sync --to-file` and
// `sync --from-file`): a coordinator imports a facilitator's bundle
// directly, verified as a pull is, and twice adds nothing; another
// facilitator relays it to the server; a damaged bundle is refused
// clearly and a tampered envelope reported while the rest comes in.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/cli/records_util.h"
#include "tests/cli/server_util.h"
#include "tests/common/files_util.h"

namespace palabre::testing {
namespace {

using nlohmann::json;

json WithCommitment(const std::string& title) {
  json s = MinimalSession(title, "2026-04-02T08:00:00+00:00", "NE",
                          "Tillabéri");
  s["commitments"] =
      json::array({Commitment("Réparer le forage " + title, "Mairie")});
  return s;
}

TEST_CASE("a bundle carried on a stick is imported by the coordinator, "
          "twice adds nothing, and can be relayed to the server",
          "[sync][bundle]") {
  TempDir tmp;
  TestOrg org(tmp.path());
  const std::string gao = org.AddFacilitator("gao");
  const std::string mopti = org.AddFacilitator("mopti");
  AddSessionFile(gao, WithCommitment("KANARI-STICK-1"));
  AddSessionFile(gao, WithCommitment("KANARI-STICK-2"));
  const std::string stick = tmp.Sub("stick.plbn");
  const json written =
      RunJson(gao, {"sync", "--to-file", stick});
  CHECK(written["entries"] == 4);
  // Encrypted: no record text in the file.
  CHECK(ReadAll(stick).find("KANARI") == std::string::npos);

  // No network needed on the coordinator's side.
  org.server().Stop();
  json imported =
      RunJson(org.coordinator(), {"sync", "--from-file", stick});
  CHECK(imported["pulled"] == 4);
  CHECK(imported["rejected"].empty());
  CHECK(RunJson(org.coordinator(), {"session", "list"}).size() == 2);
  imported = RunJson(org.coordinator(), {"sync", "--from-file", stick});
  CHECK(imported["pulled"] == 0);
  CHECK(VerifyCounts(org.coordinator())["entries"] == 4);

  // Relayed to the server by another enrolled device.
  org.RestartServer();
  const json relayed = RunJson(mopti, {"sync", "--from-file", stick});
  CHECK(relayed["pushed"] == 4);
  CHECK(relayed["rejected"].empty());
  const json devices = RunJson(org.coordinator(), {"org", "devices"});
  for (const json& d : devices["devices"]) {
    if (d["name"] == "gao") CHECK(d["entries"] == 4);
  }
  // gao's own sync finds everything there and collects its receipts.
  RunResult synced = SyncVault(gao);
  INFO(synced.Describe());
  CHECK(synced.exit_code == 0);
  // One receipt for the run the stick carried, covering all four.
  CHECK(VerifyCounts(gao)["receipts"] == 1);
  CHECK(VerifyCounts(gao)["receipted"] == 4);
  // The coordinator pulls nothing new: it had them from the stick.
  synced = SyncVault(org.coordinator());
  CHECK(json::parse(synced.out)["pulled"] == 0);
}

TEST_CASE("a bundle relayed after its device synced more on its own is "
          "acknowledged, not refused",
          "[sync][bundle]") {
  // The stick travels slowly: meanwhile gao found a network, wrote more and
  // synced, so the server holds gao's chain past the bundle's end, under
  // one receipt reaching beyond it.
  TempDir tmp;
  TestOrg org(tmp.path());
  const std::string gao = org.AddFacilitator("gao");
  const std::string mopti = org.AddFacilitator("mopti");
  AddSessionFile(gao, WithCommitment("KANARI-LATE-1"));
  const std::string stick = tmp.Sub("stick.plbn");
  CHECK(RunJson(gao, {"sync", "--to-file", stick})["entries"] == 2);
  AddSessionFile(gao, WithCommitment("KANARI-LATE-2"));
  RunResult synced = SyncVault(gao);
  INFO(synced.Describe());
  REQUIRE(synced.exit_code == 0);

  const json relayed = RunJson(mopti, {"sync", "--from-file", stick});
  CHECK(relayed["pushed"] == 2);  // the bundle's entries, acknowledged
  CHECK(relayed["rejected"].empty());
  const json devices = RunJson(org.coordinator(), {"org", "devices"});
  for (const json& d : devices["devices"]) {
    if (d["name"] == "gao") CHECK(d["entries"] == 4);
  }
}

TEST_CASE("a damaged bundle is refused and a tampered envelope in it is "
          "reported, the rest imported",
          "[sync][bundle]") {
  TempDir tmp;
  TestOrg org(tmp.path());
  const std::string gao = org.AddFacilitator("gao");
  AddSessionFile(gao, WithCommitment("KANARI-T1"));
  AddSessionFile(gao, WithCommitment("KANARI-T2"));
  const std::string stick = tmp.Sub("stick.plbn");
  REQUIRE(RunRecords(gao, {"sync", "--to-file", stick}).exit_code == 0);
  const std::string bytes = ReadAll(stick);

  // Cut short: refused as a whole, nothing imported.
  const std::string cut = tmp.Sub("cut.plbn");
  WriteAll(cut, bytes.substr(0, bytes.size() - 10));
  RunResult refused = RunRecords(org.coordinator(), {"sync", "--from-file", cut});
  ExpectFailure(refused, 2);
  CHECK(refused.err.find("bundle") != std::string::npos);

  // A byte flipped near the end (the last envelope): the first three
  // entries come in, the last is reported.
  const std::string flipped = tmp.Sub("flipped.plbn");
  WriteAll(flipped, bytes);
  FlipByte(flipped, static_cast<long>(bytes.size()) - 300);
  RunResult partial =
      RunRecords(org.coordinator(), {"--json", "sync", "--from-file", flipped});
  ExpectFailure(partial, 1);
  const json j = json::parse(partial.out, nullptr, false);
  REQUIRE(j.is_object());
  CHECK(j["pulled"] == 3);
  REQUIRE(j["rejected"].size() == 1);
  CHECK(j["rejected"][0]["seq"] == 4);
  VerifyCounts(org.coordinator());
}

}  // namespace
}  // namespace palabre::testing
