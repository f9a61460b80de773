// The web app's sync button end to end: the real `palabre ui` on a
// facilitator's vault, the real `palabre serve` behind the tests' loopback
// proxy (tests/cli/server_util.h). These tests prove that a sync started
// from the page pushes the vault's entries (the coordinator then sees the
// session), shows its progress while it runs and its outcome after, also
// when the server cannot be reached (nothing lost: the next one sends it
// all), and that the last outcome of `palabre sync` shows there too; that
// a second sync is refused while one runs and other calls say "busy"
// rather than hang; that locking during a sync over a stalled link (http,
// and https in its handshake) answers at once, the request in flight
// abandoned, rather than after the link's timeout; and that a sync left
// running does not keep the vault open past the idle limit.
#include <httplib.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>

#include "tests/cli/records_util.h"
#include "tests/cli/server_util.h"
#include "tests/cli/ui_process_util.h"
#include "tests/common/files_util.h"

namespace palabre::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// GET /api/sync, REQUIRE-d to answer 200.
std::string ErrorCodeOf(const std::string& body) {
  const json j = json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("error")) return "";
  return j["error"].value("code", "");
}

json SyncState(Browser& b) {
  auto res = b.Get("/api/sync");
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 200);
  return json::parse(res->body);
}

// Polls GET /api/sync (the page does the same) until no sync runs, for at
// most `seconds`; returns the last state seen, with every stage seen.
json WaitForSyncEnd(Browser& b, std::set<std::string>* stages,
                    int seconds = 60) {
  const auto deadline = Clock::now() + std::chrono::seconds(seconds);
  json state = SyncState(b);
  while (state["running"] == true && Clock::now() < deadline) {
    if (stages != nullptr) stages->insert(state["progress"]["stage"]);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    state = SyncState(b);
  }
  return state;
}

// A facilitator's vault in an organisation, with `palabre ui` on it,
// unlocked through the page's API.
struct SyncFixture {
  explicit SyncFixture(bool tls = false, int idle_seconds = 300)
      : org(tmp.path(), tls),
        vault(org.AddFacilitator("gao")),
        ui(vault, idle_seconds) {
    AddSessionFile(vault, MinimalSession("Dialogue KANARI-UI-4411"));
    INFO(ui.error());
    REQUIRE(ui.Start());
    browser = std::make_unique<Browser>(ui.port());
    browser->Login(ui.token());
    auto unlocked = browser->Unlock();
    REQUIRE(unlocked);
    REQUIRE(unlocked->status == 200);
  }
  TempDir tmp;
  TestOrg org;
  std::string vault;
  UiProcess ui;
  std::unique_ptr<Browser> browser;
};

TEST_CASE(
    "ui: the sync button pushes the vault's entries and shows how it went",
    "[ui][sync][e2e]") {
  SyncFixture f;
  Browser& b = *f.browser;
  json state = SyncState(b);
  CHECK(state["enrolled"] == true);
  CHECK(state["running"] == false);
  CHECK(state["last"].is_null());
  CHECK(state["server"].get<std::string>().rfind("http://127.0.0.1:", 0) == 0);

  auto started = b.Send("POST", "/api/sync", "");
  REQUIRE(started);
  INFO(started->body);
  REQUIRE(started->status == 202);
  std::set<std::string> stages;
  state = WaitForSyncEnd(b, &stages);
  INFO(state.dump());
  REQUIRE(state["running"] == false);
  const json& last = state["last"];
  CHECK(last["ok"] == true);
  CHECK(last["code"].is_null());
  CHECK(last["pushed"].get<int64_t>() >= 1);  // the session at least
  CHECK(last["rejected"] == 0);
  for (const std::string& stage : stages) {
    CHECK((stage == "connecting" || stage == "pushing" || stage == "pulling" ||
           stage == "waiting"));
  }

  // The coordinator now has the session.
  CHECK(SyncVault(f.org.coordinator()).exit_code == 0);
  const json sessions = RunJson(f.org.coordinator(), {"session", "list"});
  REQUIRE(sessions.size() == 1);
  CHECK(sessions[0]["title"] == "Dialogue KANARI-UI-4411");

  // The server unreachable: the outcome says so; nothing is lost.
  auto added = b.Send("POST", "/api/sessions",
                      MinimalSession("Dialogue KANARI-UI-4412").dump());
  REQUIRE(added);
  REQUIRE(added->status == 201);
  f.org.server().Stop();
  started = b.Send("POST", "/api/sync", R"({"max_wait_seconds": 0})");
  REQUIRE(started);
  REQUIRE(started->status == 202);
  state = WaitForSyncEnd(b, nullptr);
  CHECK(state["last"]["ok"] == false);
  CHECK(state["last"]["code"] == "unavailable");
  CHECK(state["last"]["pushed"] == 0);

  f.org.RestartServer();
  REQUIRE(b.Send("POST", "/api/sync", "")->status == 202);
  state = WaitForSyncEnd(b, nullptr);
  CHECK(state["last"]["ok"] == true);
  CHECK(state["last"]["pushed"].get<int64_t>() >= 1);
  CHECK(SyncVault(f.org.coordinator()).exit_code == 0);
  CHECK(RunJson(f.org.coordinator(), {"session", "list"}).size() == 2);
}

// Waits (up to 20 s) until the running sync has reported progress of its
// own (its first attempt): it holds the vault and talks to the server.
void WaitForProgress(Browser& b) {
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  json state = SyncState(b);
  auto started = [](const json& s) {
    return s["progress"].is_object() && s["progress"]["attempts"] >= 1;
  };
  while (!started(state) && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    state = SyncState(b);
  }
  REQUIRE(state["running"] == true);
  REQUIRE(started(state));
}

TEST_CASE("ui: a second sync while one runs is refused, the records say busy",
          "[ui][sync][e2e]") {
  SyncFixture f;
  Browser& b = *f.browser;
  // A link that carries almost nothing keeps the first sync going.
  f.org.proxy().SetLink(80, 2000);
  REQUIRE(b.Send("POST", "/api/sync", R"({"max_wait_seconds": 600})")->status ==
          202);
  WaitForProgress(b);
  auto again = b.Send("POST", "/api/sync", "");
  REQUIRE(again);
  CHECK(again->status == 409);
  CHECK(ErrorCodeOf(again->body) == "sync_running");
  // Reading records during the sync: "busy" after a short wait, no hang.
  const auto before = Clock::now();
  auto listed = b.Get("/api/sessions");
  REQUIRE(listed);
  CHECK(listed->status == 409);
  CHECK(ErrorCodeOf(listed->body) == "busy");
  CHECK(Clock::now() - before < std::chrono::seconds(15));
  // The state needs no vault: it answers at once.
  CHECK_FALSE(b.Locked());
  f.org.proxy().SetLink(0, 0);
}

TEST_CASE("ui: locking during a sync over a stalled link answers at once",
          "[ui][sync][e2e]") {
  // Over https too: a TLS handshake that never ends must not hold the lock.
  const bool tls = GENERATE(false, true);
  INFO((tls ? "https" : "http"));
  SyncFixture f(tls);
  Browser& b = *f.browser;
  // A link that carries almost nothing: each request would take minutes,
  // and the sync retries for 10 minutes.
  f.org.proxy().SetLink(80, 2000);
  REQUIRE(b.Send("POST", "/api/sync", R"({"max_wait_seconds": 600})")->status ==
          202);
  WaitForProgress(b);
  const auto before = Clock::now();
  auto locked = b.Send("POST", "/api/lock", "");
  const auto took = Clock::now() - before;
  REQUIRE(locked);
  CHECK(locked->status == 200);
  // Not the 20 s a connect, nor the 30 s a request, may last on the link.
  CHECK(took < std::chrono::seconds(10));
  CHECK(b.Locked());

  f.org.proxy().SetLink(0, 0);
  REQUIRE(b.Unlock()->status == 200);
  const json state = WaitForSyncEnd(b, nullptr);
  CHECK(state["running"] == false);
  CHECK(state["last"]["ok"] == false);
  CHECK(state["last"]["code"] == "cancelled");
  // Nothing is lost: the next sync sends it all.
  REQUIRE(b.Send("POST", "/api/sync", "")->status == 202);
  CHECK(WaitForSyncEnd(b, nullptr)["last"]["ok"] == true);
}

TEST_CASE(
    "ui: a lock right after Sync now cancels it, even unlocked again "
    "before it began",
    "[ui][sync][e2e]") {
  SyncFixture f;
  Browser& b = *f.browser;
  f.org.proxy().SetLink(80, 2000);
  for (int round = 0; round < 3; ++round) {
    INFO("round " << round);
    REQUIRE(
        b.Send("POST", "/api/sync", R"({"max_wait_seconds": 600})")->status ==
        202);
    REQUIRE(b.Send("POST", "/api/lock", "")->status == 200);
    REQUIRE(b.Unlock()->status == 200);
    const json state = WaitForSyncEnd(b, nullptr);
    CHECK(state["running"] == false);
    CHECK(state["last"]["code"] == "cancelled");
  }
  f.org.proxy().SetLink(0, 0);
}

TEST_CASE(
    "ui: a sync left running does not keep the vault open: the idle "
    "lock stops it",
    "[ui][sync][e2e]") {
  SyncFixture f(/*tls=*/false, /*idle_seconds=*/2);
  Browser& b = *f.browser;
  f.org.proxy().SetLink(80, 2000);
  REQUIRE(b.Send("POST", "/api/sync", R"({"max_wait_seconds": 600})")->status ==
          202);
  WaitForProgress(b);
  // Only the sync's progress is asked for, as a page left open does.
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (!b.Locked() && Clock::now() < deadline) {
    CHECK(SyncState(b).contains("running"));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  CHECK(b.Locked());
  f.org.proxy().SetLink(0, 0);
  REQUIRE(b.Unlock()->status == 200);
  const json state = WaitForSyncEnd(b, nullptr);
  CHECK(state["last"]["code"] == "cancelled");
}

TEST_CASE("ui: the outcome of palabre sync shows on the sync screen",
          "[ui][sync][e2e]") {
  TempDir tmp;
  TestOrg org(tmp.path());
  const std::string vault = org.AddFacilitator("gao");
  AddSessionFile(vault, MinimalSession("Dialogue KANARI-UI-4413"));
  REQUIRE(SyncVault(vault).exit_code == 0);
  UiProcess ui(vault, 300);
  REQUIRE(ui.Start());
  Browser b(ui.port());
  b.Login(ui.token());
  REQUIRE(b.Unlock()->status == 200);
  const json state = SyncState(b);
  CHECK(state["last"]["ok"] == true);
  CHECK(state["last"]["pushed"].get<int64_t>() >= 1);
  CHECK(state["last"]["finished_at"].get<int64_t>() > 1'700'000'000'000);
}

}  // namespace
}  // namespace palabre::testing
