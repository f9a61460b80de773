// End to end: the real `palabre serve` on loopback, facilitators' and a
// coordinator's vaults syncing through the tests' own proxy
// (tests/cli/server_util.h). What a user depends on: the coordinator sees
// every facilitator's sessions, with the device each came from; a sync
// survives a link cut at any byte and a server killed mid-push, with
// nothing lost and nothing twice; refusals (approval pending, revoked, a
// fork, an envelope altered on the server) are clear and stop nothing
// else; the server's data holds no record content.
#include <signal.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "core/database.h"
#include "tests/cli/records_util.h"
#include "tests/cli/server_util.h"
#include "tests/common/files_util.h"

namespace palabre::testing {
namespace {

using nlohmann::json;

// A session whose title and notes carry `canary`, with one commitment.
json CanarySession(const std::string& canary, int day,
                   const std::string& region) {
  json s = MinimalSession("Dialogue " + canary,
                          "2026-03-" + std::string(day < 10 ? "0" : "") +
                              std::to_string(day) + "T09:30:00+00:00",
                          "ML", region);
  s["notes"] = "Notes " + canary + " sur la sécurité des marchés";
  s["commitments"] = json::array(
      {Commitment("Action " + canary, "Mairie de " + region, "2026-06-30")});
  return s;
}

json SyncJson(const std::string& vault, int max_wait_s = 30) {
  const RunResult r = SyncVault(vault, max_wait_s);
  INFO(r.Describe());
  REQUIRE(r.exit_code == 0);
  const json j = json::parse(r.out, nullptr, false);
  REQUIRE(j.is_object());
  return j;
}

int64_t Entries(const std::string& vault) {
  return VerifyCounts(vault)["entries"].get<int64_t>();
}

// The server's head for each device, by name, from `org devices`.
std::map<std::string, int64_t> ServerHeads(const std::string& coord) {
  const json j = RunJson(coord, {"org", "devices"});
  std::map<std::string, int64_t> out;
  for (const json& d : j["devices"]) {
    out[d["name"].get<std::string>()] = d["entries"].get<int64_t>();
  }
  return out;
}

TEST_CASE("after sync the coordinator sees both facilitators' sessions, "
          "with the device each came from",
          "[sync][e2e]") {
  TempDir tmp;
  TestOrg org(tmp.path());
  const std::string gao = org.AddFacilitator("gao");
  const std::string mopti = org.AddFacilitator("mopti");
  AddSessionFile(gao, CanarySession("KANARI-GAO-7731", 3, "Gao"));
  AddSessionFile(gao, CanarySession("KANARI-GAO-7732", 4, "Gao"));
  AddSessionFile(mopti, CanarySession("KANARI-MOPTI-5510", 5, "Mopti"));

  CHECK(SyncJson(gao)["pushed"] == Entries(gao));
  CHECK(SyncJson(mopti)["pushed"] == Entries(mopti));
  const json pulled = SyncJson(org.coordinator());
  CHECK(pulled["pulled"] == Entries(gao) + Entries(mopti));
  CHECK(pulled["rejected"].empty());

  const json sessions = RunJson(org.coordinator(), {"session", "list"});
  REQUIRE(sessions.size() == 3);
  std::map<std::string, std::string> device_of;
  for (const json& s : sessions) {
    device_of[s["title"].get<std::string>()] = s["device"]["name"];
  }
  CHECK(device_of["Dialogue KANARI-GAO-7731"] == "gao");
  CHECK(device_of["Dialogue KANARI-MOPTI-5510"] == "mopti");
  const RunResult listed = RunRecords(org.coordinator(), {"session", "list"});
  CHECK(listed.out.find("[mopti]") != std::string::npos);

  const RunResult commitments =
      RunRecords(org.coordinator(), {"commitment", "list"});
  CHECK(commitments.out.find("Action KANARI-MOPTI-5510") != std::string::npos);
  const RunResult brief =
      RunRecords(org.coordinator(), {"brief", "--country", "ML"});
  INFO(brief.Describe());
  CHECK(brief.exit_code == 0);
  CHECK(brief.out.find("KANARI-GAO-7732") != std::string::npos);
  const RunResult report = RunRecords(org.coordinator(), {"report"});
  CHECK(report.exit_code == 0);
  CHECK(report.out.find("Mopti") != std::string::npos);

  // Every vault verifies; the facilitators' receipts were checked.
  CHECK(VerifyCounts(gao)["receipted"] == Entries(gao));
  CHECK(VerifyCounts(org.coordinator())["devices"] == 2);

  // Again: nothing new either way.
  const json again = SyncJson(gao);
  CHECK(again["pushed"] == 0);
  CHECK(SyncJson(org.coordinator())["pulled"] == 0);

  // The server holds ciphertext only.
  const std::string server_bytes = AllBytesUnder(org.server().data_dir());
  for (const char* canary :
       {"KANARI", "Mairie de", "sécurité", "Dialogue"}) {
    CHECK(server_bytes.find(canary) == std::string::npos);
  }
  // Its log names requests, never content.
  CHECK(org.server().Log().find("POST /v1/push 200") != std::string::npos);
  CHECK(org.server().Log().find("KANARI") == std::string::npos);
}

TEST_CASE("a device awaiting approval, or revoked, is refused with a message "
          "saying so",
          "[sync][e2e]") {
  TempDir tmp;
  TestOrg org(tmp.path());
  const std::string dir = tmp.Sub("late");
  InitVault(dir);
  const json invite =
      RunJson(org.coordinator(), {"org", "invite", "--name", "late"});
  REQUIRE(RunRecords(dir, {"enroll", invite["code"].get<std::string>()})
              .exit_code == 0);
  AddSessionFile(dir, CanarySession("KANARI-LATE", 6, "Kidal"));
  RunResult pending = SyncVault(dir, 5);
  ExpectFailure(pending, 1);
  CHECK(pending.err.find("approv") != std::string::npos);

  // The same invitation cannot enrol a second device.
  const std::string other = tmp.Sub("other");
  InitVault(other);
  RunResult reused =
      RunRecords(other, {"enroll", invite["code"].get<std::string>()});
  ExpectFailure(reused, 1);
  CHECK(reused.err.find("used") != std::string::npos);

  REQUIRE(RunRecords(org.coordinator(), {"org", "approve", "--all"})
              .exit_code == 0);
  CHECK(SyncJson(dir)["pushed"] == Entries(dir));
  CHECK(SyncJson(org.coordinator())["pulled"] == Entries(dir));

  // Revoked: refused from now on; what it sent stays, marked.
  const json devices = RunJson(org.coordinator(), {"org", "devices"});
  std::string late_id;
  for (const json& d : devices["devices"]) {
    if (d["name"] == "late") late_id = d["device_id"];
  }
  REQUIRE(!late_id.empty());
  REQUIRE(RunRecords(org.coordinator(), {"org", "revoke", late_id})
              .exit_code == 0);
  AddSessionFile(dir, CanarySession("KANARI-LATE-2", 7, "Kidal"));
  RunResult revoked = SyncVault(dir, 5);
  ExpectFailure(revoked, 1);
  CHECK(revoked.err.find("revoked") != std::string::npos);
  SyncJson(org.coordinator());
  const RunResult list = RunRecords(org.coordinator(), {"session", "list"});
  CHECK(list.out.find("[late, device revoked]") != std::string::npos);
  CHECK(list.out.find("KANARI-LATE-2") == std::string::npos);
}

TEST_CASE("a link cut at any byte of a sync loses nothing and duplicates "
          "nothing",
          "[sync][e2e][cuts]") {
  TempDir tmp;
  TestOrg org(tmp.path());
  const std::string gao = org.AddFacilitator("gao");
  AddSessionFile(gao, CanarySession("KANARI-0", 1, "Gao"));
  SyncJson(gao);
  // How many bytes one sync of one new session takes, both ways.
  AddSessionFile(gao, CanarySession("KANARI-1", 2, "Gao"));
  org.proxy().ResetCounters();
  SyncJson(gao);
  const int64_t exchange = org.proxy().BytesForwarded();
  REQUIRE(exchange > 500);
  // Cut every ~1/40th of the exchange, from the first byte to the last
  // (requests, and responses: "committed, reply lost" included).
  const int64_t step = std::max<int64_t>(1, exchange / 40);
  int sessions = 2;
  for (int64_t cut = 0; cut <= exchange; cut += step) {
    INFO("cut after " << cut << " of " << exchange << " bytes");
    AddSessionFile(gao, CanarySession("KANARI-" + std::to_string(sessions),
                                      1 + sessions % 28, "Gao"));
    ++sessions;
    org.proxy().ArmCut(cut);
    const json j = SyncJson(gao);
    CHECK(j["rejected"].empty());
  }
  // The server holds exactly the device's log, each entry once; every
  // receipt verifies; the coordinator holds the same set.
  CHECK(ServerHeads(org.coordinator())["gao"] == Entries(gao));
  CHECK(VerifyCounts(gao)["receipted"] == Entries(gao));
  SyncJson(org.coordinator());
  CHECK(VerifyCounts(org.coordinator())["entries"] == Entries(gao));
  CHECK(RunJson(org.coordinator(), {"session", "list"}).size() ==
        static_cast<std::size_t>(sessions));
}

TEST_CASE("the server killed at random moments during pushes loses nothing",
          "[sync][e2e][kill]") {
  TempDir tmp;
  TestOrg org(tmp.path());
  const std::string gao = org.AddFacilitator("gao");
  std::mt19937 rng(20261127);
  json batch = json::array();
  for (int i = 0; i < 60; ++i) {
    batch.push_back(CanarySession("KANARI-K" + std::to_string(i),
                                  1 + i % 28, "Gao"));
  }
  AddSessionsFile(gao, batch);
  // Small batches so that the push spans many requests.
  org.proxy().SetLink(2'000'000, 0);
  for (int round = 0; round < 4; ++round) {
    RunResult result;
    std::thread sync([&] { result = SyncVault(gao, 60); });
    std::this_thread::sleep_for(
        std::chrono::milliseconds(50 + rng() % 250));
    org.server().Stop(SIGKILL);
    org.RestartServer();
    sync.join();
    INFO(result.Describe());
    CHECK(result.exit_code == 0);
    AddSessionsFile(gao, json::array({CanarySession(
                             "KANARI-R" + std::to_string(round), 9, "Gao")}));
  }
  org.proxy().SetLink(0, 0);
  SyncJson(gao);
  // Every receipt the device holds names an entry the server has: the
  // server's head is the device's, and the chain is accepted only in order.
  CHECK(ServerHeads(org.coordinator())["gao"] == Entries(gao));
  CHECK(VerifyCounts(gao)["receipted"] == Entries(gao));
  SyncJson(org.coordinator());
  CHECK(VerifyCounts(org.coordinator())["entries"] == Entries(gao));
}

TEST_CASE("two syncs of the same vault at once push each entry once",
          "[sync][e2e]") {
  TempDir tmp;
  TestOrg org(tmp.path());
  const std::string gao = org.AddFacilitator("gao");
  json batch = json::array();
  for (int i = 0; i < 30; ++i) {
    batch.push_back(CanarySession("KANARI-C" + std::to_string(i), 1 + i % 28,
                                  "Gao"));
  }
  AddSessionsFile(gao, batch);
  // Both start from the same request counter and the same server head:
  // one's requests are refused as stale and it moves past them; entries
  // pushed twice get the receipts that cover them.
  RunResult a, b;
  std::thread first([&] { a = SyncVault(gao, 60); });
  std::thread second([&] { b = SyncVault(gao, 60); });
  first.join();
  second.join();
  INFO(a.Describe());
  INFO(b.Describe());
  CHECK(a.exit_code == 0);
  CHECK(b.exit_code == 0);
  CHECK(ServerHeads(org.coordinator())["gao"] == Entries(gao));
  CHECK(VerifyCounts(gao)["receipted"] == Entries(gao));
  SyncJson(org.coordinator());
  CHECK(VerifyCounts(org.coordinator())["entries"] == Entries(gao));
}

TEST_CASE("an old copy of a vault writing on is refused as a fork, and an "
          "envelope altered on the server is reported, the rest imported",
          "[sync][e2e]") {
  TempDir tmp;
  TestOrg org(tmp.path());
  const std::string gao = org.AddFacilitator("gao");
  const std::string mopti = org.AddFacilitator("mopti");
  AddSessionFile(gao, CanarySession("KANARI-F1", 1, "Gao"));
  SyncJson(gao);
  const std::string copy = tmp.Sub("gao-copy");
  CopyFiles(gao, copy);
  AddSessionFile(gao, CanarySession("KANARI-F2", 2, "Gao"));
  SyncJson(gao);
  AddSessionFile(copy, CanarySession("KANARI-F3-FORK", 3, "Gao"));
  AddSessionFile(copy, CanarySession("KANARI-F4-FORK", 4, "Gao"));
  const RunResult forked = SyncVault(copy, 5);
  INFO(forked.Describe());
  ExpectFailure(forked, 1);
  const json fork = json::parse(forked.out, nullptr, false);
  REQUIRE(fork.is_object());
  REQUIRE(fork["rejected"].size() == 1);
  CHECK(fork["rejected"][0]["code"] == "fork");
  CHECK(fork["pushed"] == 0);

  // A byte flipped in one of mopti's envelopes on the server.
  AddSessionFile(mopti, CanarySession("KANARI-M1", 5, "Mopti"));
  SyncJson(mopti);
  org.server().Stop(SIGKILL);
  {
    auto db = Database::Open(org.server().data_dir() + "/server.db", "unix",
                             false);
    REQUIRE(db.ok());
    REQUIRE((*db)
                ->Exec("UPDATE envelopes SET envelope = substr(envelope, 1, "
                       "150) || CASE WHEN substr(envelope, 151, 1) = X'41' "
                       "THEN X'42' ELSE X'41' END || substr(envelope, 152) "
                       "WHERE cursor = (SELECT max(cursor) FROM envelopes)")
                .ok());
    REQUIRE((*db)->Close(true).ok());
  }
  org.RestartServer();
  const RunResult pulled = SyncVault(org.coordinator(), 10);
  ExpectFailure(pulled, 1);
  const json j = json::parse(pulled.out, nullptr, false);
  REQUIRE(j.is_object());
  REQUIRE(j["rejected"].size() == 1);
  CHECK(j["rejected"][0]["code"] == "bad_signature");
  // Gao's sessions came in, and mopti's session (its commitment's envelope
  // is the altered one).
  const json sessions = RunJson(org.coordinator(), {"session", "list"});
  CHECK(sessions.size() == 3);
  CHECK(VerifyCounts(org.coordinator())["entries"].get<int64_t>() >=
        Entries(gao));
}

}  // namespace
}  // namespace palabre::testing
