// Crash safety: a child process commits records one by one and reports each
// commit after it returns; the test SIGKILLs it at random moments (during
// commits, checkpoints, and opening itself). After every kill the vault must
// open, PRAGMA integrity_check must say ok, and every record whose commit
// was reported must be there.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <random>
#include <set>
#include <string>

#include "core/database.h"
#include "tests/core/test_util.h"

namespace palabre::testing {
namespace {

constexpr int kKills = 60;

// The child: opens the vault, then commits record after record forever,
// writing each committed id to `ack_fd` as 4 bytes. Never returns.
[[noreturn]] void CommitForever(const std::string& dir, int ack_fd,
                                uint32_t seed) {
  auto vault = Vault::Open(dir, kPassphrase);
  if (!vault.ok()) _exit(2);
  Database& db = (*vault)->db();
  auto next = db.QueryInt("SELECT coalesce(max(id), 0) + 1 FROM records");
  if (!next.ok()) _exit(3);
  auto insert = db.Prepare("INSERT INTO records(id, body) VALUES (?1, ?2)");
  if (!insert.ok()) _exit(4);
  std::mt19937 rng(seed);
  for (int64_t id = *next;; ++id) {
    // 0.5 to 6 KiB: some records overflow a page, so a commit spans frames.
    std::string body(500 + rng() % 5600, static_cast<char>('a' + id % 26));
    if (!insert->BindInt(1, id).ok() || !insert->BindText(2, body).ok() ||
        !insert->Run().ok()) {
      _exit(5);
    }
    insert->Reset();
    const uint32_t ack = static_cast<uint32_t>(id);
    if (write(ack_fd, &ack, sizeof ack) != sizeof ack) _exit(6);
    if (id % 7 == 0 && !db.Exec("PRAGMA wal_checkpoint(PASSIVE)").ok())
      _exit(7);
    if (id % 50 == 0 &&
        !db.Exec("DELETE FROM records WHERE id % 10 = 1 AND id < " +
                 std::to_string(id - 20))
             .ok()) {
      _exit(8);
    }
  }
}

TEST_CASE("a vault survives SIGKILL at random moments without losing a commit",
          "[core][crash]") {
  TempDir root;
  const std::string dir = root.Sub("v");
  MakeVault(dir);
  {
    auto vault = OpenVault(dir);
    REQUIRE(vault->db()
                .Exec("CREATE TABLE records(id INTEGER PRIMARY KEY, body "
                      "TEXT NOT NULL)")
                .ok());
  }
  std::mt19937 rng(Catch::rngSeed() + 2026);
  std::set<uint32_t> acknowledged;  // committed and not deleted later
  int kills_mid_open = 0;
  for (int round = 0; round < kKills; ++round) {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      close(fds[0]);
      CommitForever(dir, fds[1], static_cast<uint32_t>(rng()));
    }
    close(fds[1]);
    // Wait for a random number of acknowledgements (0: kill while it is
    // still unlocking and recovering), then a random extra moment.
    const int wait_for = static_cast<int>(rng() % 25);
    int seen = 0;
    uint32_t ack = 0;
    while (seen < wait_for && read(fds[0], &ack, sizeof ack) == sizeof ack) {
      acknowledged.insert(ack);
      ++seen;
    }
    if (wait_for == 0) ++kills_mid_open;
    const auto spin_until = std::chrono::steady_clock::now() +
                            std::chrono::microseconds(rng() % 3000);
    while (std::chrono::steady_clock::now() < spin_until) {
    }
    kill(pid, SIGKILL);
    int wstatus = 0;
    REQUIRE(waitpid(pid, &wstatus, 0) == pid);
    INFO("round " << round << ": child exit "
                  << (WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1));
    REQUIRE(WIFSIGNALED(wstatus));  // it was still working when killed
    while (read(fds[0], &ack, sizeof ack) == sizeof ack)
      acknowledged.insert(ack);
    close(fds[0]);

    auto vault = Vault::Open(dir, kPassphrase);
    INFO("round " << round << ": " << vault.status().ToString());
    REQUIRE(vault.ok());
    REQUIRE((*vault)->CheckIntegrity().ok());
    Database& db = (*vault)->db();
    auto present = db.Prepare("SELECT count(*) FROM records WHERE id = ?1");
    REQUIRE(present.ok());
    for (uint32_t id : acknowledged) {
      // Ids the child deletes on purpose (see CommitForever) may be gone.
      if (id % 10 == 1) continue;
      REQUIRE(present->BindInt(1, id).ok());
      REQUIRE(present->Step().ok());
      INFO("round " << round << ": record " << id);
      REQUIRE(present->ColumnInt(0) == 1);
      present->Reset();
    }
  }
  CHECK(acknowledged.size() > static_cast<std::size_t>(kKills));
  WARN(kKills << " kills, " << acknowledged.size() << " acknowledged commits, "
              << kills_mid_open << " while unlocking");
}

}  // namespace
}  // namespace palabre::testing
