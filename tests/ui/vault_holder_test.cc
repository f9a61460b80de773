// The vault `palabre ui` holds open, and its idle lock (ui/vault_holder.h).
// These tests prove that: only the right passphrase unlocks it; while it is
// locked nothing can use it and the caller can tell "locked" from any other
// failure; it locks itself once nothing has used it for the idle limit and
// not a moment before, every use (and the end of a long one) counting as
// activity; locking, on request or when idle, closes it for good (nothing
// can use it until it is unlocked again, and another process can open it);
// and unlocking again gives back everything written before. While a long
// use (a sync) holds the vault, other uses give up with "busy" after the
// holder's short wait instead of hanging, the state and the idle lock never
// wait, a second unlock only checks the passphrase, and Lock asks the long
// use to stop and locks once it has. The clock is a fake the test moves:
// no test waits for it.
#include "ui/vault_holder.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <future>
#include <string>
#include <thread>

#include "core/record_store.h"
#include "core/vault.h"
#include "tests/core/records_fixture_util.h"
#include "tests/core/test_util.h"
#include "tests/ui/vault_copy_util.h"

namespace palabre::testing {
namespace {

using ui::IsBusyError;
using ui::IsLockedError;
using ui::VaultHolder;

constexpr int64_t kIdleMs = 60'000;

// How many sessions the vault holds, through the holder.
Status CountSessions(VaultHolder& holder, int64_t* n) {
  return holder.Use([&](Vault&, RecordStore& store) -> Status {
    PALABRE_ASSIGN_OR_RETURN(*n, store.CountSessions(SessionFilter{}));
    return Status::Ok();
  });
}

TEST_CASE("only the right passphrase unlocks the vault", "[ui][vault]") {
  VaultCopy dir;
  int64_t now = 0;
  VaultHolder holder(dir.path(), kIdleMs, [&] { return now; });
  CHECK(holder.locked());
  CHECK(holder.idle_ms() == kIdleMs);

  struct Case {
    const char* why;
    std::string passphrase;
  };
  const Case wrong[] = {
      {"another passphrase", kOtherPassphrase},
      {"empty", ""},
      {"one character short",
       std::string(kPassphrase).substr(0, sizeof kPassphrase - 2)},
      {"a trailing newline", std::string(kPassphrase) + "\n"},
      {"upper case", "A LONG ENOUGH PASSPHRASE"},
  };
  for (const Case& c : wrong) {
    INFO(c.why);
    const Status status = holder.Unlock(c.passphrase);
    CHECK(status.code() == StatusCode::kUnauthenticated);
    CHECK(holder.locked());
  }

  REQUIRE(holder.Unlock(kPassphrase).ok());
  CHECK_FALSE(holder.locked());
  int64_t n = -1;
  REQUIRE(CountSessions(holder, &n).ok());
  CHECK(n == 0);

  // Unlocked already (another tab): a wrong passphrase is still wrong, and
  // the vault stays open for the tab that unlocked it.
  for (const Case& c : wrong) {
    INFO("while unlocked: " << c.why);
    CHECK(holder.Unlock(c.passphrase).code() == StatusCode::kUnauthenticated);
    CHECK_FALSE(holder.locked());
  }
  CHECK(holder.Unlock(kPassphrase).ok());
}

TEST_CASE("unlocking where there is no vault says so", "[ui][vault]") {
  TempDir tmp;
  int64_t now = 0;
  VaultHolder holder(tmp.Sub("none"), kIdleMs, [&] { return now; });
  CHECK(holder.Unlock(kPassphrase).code() == StatusCode::kNotFound);
  CHECK(holder.locked());
}

TEST_CASE("a locked vault cannot be used, and says it is locked",
          "[ui][vault]") {
  VaultCopy dir;
  int64_t now = 0;
  VaultHolder holder(dir.path(), kIdleMs, [&] { return now; });
  bool ran = false;
  const Status status = holder.Use([&](Vault&, RecordStore&) {
    ran = true;
    return Status::Ok();
  });
  CHECK_FALSE(ran);
  CHECK(IsLockedError(status));
  CHECK(status.code() == StatusCode::kFailedPrecondition);

  // Only that error is "locked": the caller must not take another failure
  // for it (or it for another).
  CHECK_FALSE(IsLockedError(Status::Ok()));
  CHECK_FALSE(IsLockedError(FailedPreconditionError("no device key")));
  CHECK_FALSE(IsLockedError(InvalidArgumentError("locked: not really")));
  CHECK_FALSE(IsLockedError(FailedPreconditionError("not locked: x")));

  // A use's own error comes back as it was, not as "locked".
  REQUIRE(holder.Unlock(kPassphrase).ok());
  const Status own = holder.Use([](Vault&, RecordStore&) {
    return FailedPreconditionError("something else");
  });
  CHECK(own.code() == StatusCode::kFailedPrecondition);
  CHECK_FALSE(IsLockedError(own));
}

TEST_CASE("the vault locks itself after the idle limit, not before",
          "[ui][vault]") {
  VaultCopy dir;
  int64_t now = 1'000'000;  // a monotonic clock need not start at 0
  VaultHolder holder(dir.path(), kIdleMs, [&] { return now; });
  CHECK_FALSE(holder.LockIfIdle());  // locked already: nothing to do
  REQUIRE(holder.Unlock(kPassphrase).ok());
  const int64_t unlocked_at = now;

  SECTION("untouched, it locks at the limit") {
    now = unlocked_at + kIdleMs - 1;
    CHECK_FALSE(holder.LockIfIdle());
    CHECK_FALSE(holder.locked());
    now = unlocked_at + kIdleMs;
    CHECK(holder.LockIfIdle());
    CHECK(holder.locked());
    int64_t n = 0;
    CHECK(IsLockedError(CountSessions(holder, &n)));
    CHECK_FALSE(holder.LockIfIdle());  // once is enough
  }
  SECTION("each use starts the wait again") {
    for (int i = 0; i < 5; ++i) {
      now += kIdleMs - 1;
      int64_t n = 0;
      REQUIRE(CountSessions(holder, &n).ok());
      CHECK_FALSE(holder.LockIfIdle());
    }
    const int64_t last_use = now;
    now = last_use + kIdleMs - 1;
    CHECK_FALSE(holder.LockIfIdle());
    now = last_use + kIdleMs;
    CHECK(holder.LockIfIdle());
    CHECK(holder.locked());
  }
  SECTION("a long use counts from its end") {
    REQUIRE(holder
                .Use([&](Vault&, RecordStore&) {
                  now += 3 * kIdleMs;  // e.g. a large import
                  return Status::Ok();
                })
                .ok());
    CHECK_FALSE(holder.LockIfIdle());
    now += kIdleMs - 1;
    CHECK_FALSE(holder.LockIfIdle());
    now += 1;
    CHECK(holder.LockIfIdle());
  }
  SECTION("a failed use is activity too") {
    now += kIdleMs - 1;
    CHECK_FALSE(holder
                    .Use([](Vault&, RecordStore&) {
                      return NotFoundError("no such session");
                    })
                    .ok());
    now += kIdleMs - 1;
    CHECK_FALSE(holder.LockIfIdle());
  }
  SECTION("unlocking again while unlocked counts as activity") {
    now += kIdleMs - 1;
    REQUIRE(holder.Unlock(kPassphrase).ok());
    now += kIdleMs - 1;
    CHECK_FALSE(holder.LockIfIdle());
  }
  SECTION("asking whether it is locked is not activity") {
    now = unlocked_at + kIdleMs - 1;
    CHECK_FALSE(holder.locked());
    now = unlocked_at + kIdleMs;
    CHECK(holder.LockIfIdle());
  }
}

TEST_CASE(
    "Lock closes the vault at once, and unlocking again gives "
    "everything "
    "back",
    "[ui][vault]") {
  VaultCopy dir;
  int64_t now = 0;
  VaultHolder holder(dir.path(), kIdleMs, [&] { return now; });
  REQUIRE(holder.Unlock(kPassphrase).ok());
  REQUIRE(holder
              .Use([](Vault&, RecordStore& store) -> Status {
                PALABRE_ASSIGN_OR_RETURN(
                    std::vector<AddedSession> added,
                    store.AddSessions({Parsed(MinimalSession("Réunion"))}));
                return added.size() == 1 ? Status::Ok()
                                         : InternalError("not added");
              })
              .ok());

  REQUIRE(holder.Lock().ok());
  CHECK(holder.locked());
  int64_t n = 0;
  CHECK(IsLockedError(CountSessions(holder, &n)));
  CHECK(holder.Lock().ok());  // locking a locked vault is fine
  CHECK_FALSE(holder.LockIfIdle());

  // Locked means closed: another process (here, another Vault) opens it
  // and finds what was written.
  {
    std::unique_ptr<Vault> other = OpenVault(dir.path());
    auto store = RecordStore::Open(*other);
    REQUIRE(store.ok());
    auto count = store->CountSessions(SessionFilter{});
    REQUIRE(count.ok());
    CHECK(*count == 1);
    REQUIRE(other->Lock().ok());
  }

  // A wrong passphrase still does not open it.
  CHECK(holder.Unlock(kOtherPassphrase).code() == StatusCode::kUnauthenticated);
  CHECK(holder.locked());
  REQUIRE(holder.Unlock(kPassphrase).ok());
  CHECK_FALSE(holder.locked());
  REQUIRE(CountSessions(holder, &n).ok());
  CHECK(n == 1);

  // And an idle lock is a real lock too.
  now += kIdleMs;
  REQUIRE(holder.LockIfIdle());
  CHECK(IsLockedError(CountSessions(holder, &n)));
  REQUIRE(holder.Unlock(kPassphrase).ok());
  REQUIRE(CountSessions(holder, &n).ok());
  CHECK(n == 1);
}

// A background use, as a sync: it goes on until the holder asks it to
// stop (or, should it never ask, for 60 s, which fails the test).
class LongUse {
 public:
  explicit LongUse(VaultHolder& holder) : holder_(holder) {
    std::promise<void> inside;
    std::future<void> started = inside.get_future();
    thread_ = std::thread([this, &inside] {
      status_ = holder_.Use(
          [&](Vault&, RecordStore&) -> Status {
            inside.set_value();
            const auto give_up =
                std::chrono::steady_clock::now() + std::chrono::seconds(60);
            while (!holder_.stop_requested() &&
                   std::chrono::steady_clock::now() < give_up) {
              std::this_thread::yield();
            }
            saw_stop_ = holder_.stop_requested();
            return Status::Ok();
          },
          /*background=*/true);
    });
    started.wait();
  }
  ~LongUse() { Join(); }
  void Join() {
    if (thread_.joinable()) thread_.join();
  }
  // After Join: whether it ended because the holder asked.
  bool saw_stop() const { return saw_stop_; }
  const Status& status() const { return status_; }

 private:
  VaultHolder& holder_;
  std::thread thread_;
  Status status_;
  bool saw_stop_ = false;
};

TEST_CASE(
    "a background use makes others busy, not stuck, and Lock or the idle "
    "lock stop it",
    "[ui][vault]") {
  VaultCopy dir;
  std::atomic<int64_t> now{0};
  VaultHolder holder(
      dir.path(), kIdleMs, [&] { return now.load(); }, /*busy_wait_ms=*/50);
  REQUIRE(holder.Unlock(kPassphrase).ok());

  {
    LongUse sync(holder);
    int64_t n = 0;
    const Status busy = CountSessions(holder, &n);
    CHECK(IsBusyError(busy));
    CHECK_FALSE(IsLockedError(busy));
    CHECK_FALSE(holder.locked());  // answered without waiting
    CHECK_FALSE(holder.stop_requested());
    // A second tab unlocking: the passphrase is checked all the same.
    CHECK(holder.Unlock(kOtherPassphrase).code() ==
          StatusCode::kUnauthenticated);
    CHECK(holder.Unlock(kPassphrase).ok());

    // The user's attempt counted as activity; the sync does not.
    now += kIdleMs - 1;
    CHECK_FALSE(holder.LockIfIdle());
    now += 1;
    REQUIRE(holder.LockIfIdle());
    sync.Join();
    CHECK(sync.saw_stop());
    CHECK(sync.status().ok());
    CHECK(holder.locked());
    CHECK_FALSE(holder.stop_requested());
    CHECK(IsLockedError(CountSessions(holder, &n)));
  }

  // Lock stops one too, and calls the stop hook (which cuts a sync's
  // connection) while it waits.
  REQUIRE(holder.Unlock(kPassphrase).ok());
  std::atomic<int> hooked{0};
  holder.set_stop_hook([&] { ++hooked; });
  {
    LongUse sync(holder);
    REQUIRE(holder.Lock().ok());
    sync.Join();
    CHECK(sync.saw_stop());
    CHECK(holder.locked());
  }
  CHECK(hooked == 1);
  holder.set_stop_hook(nullptr);

  // And Wipe.
  REQUIRE(holder.Unlock(kPassphrase).ok());
  {
    LongUse sync(holder);
    auto removed = holder.Wipe();
    REQUIRE(removed.ok());
    CHECK(*removed > 0);
    sync.Join();
    CHECK(sync.saw_stop());
  }
  CHECK(holder.Unlock(kPassphrase).code() == StatusCode::kNotFound);
}

TEST_CASE("destroying the holder locks the vault", "[ui][vault]") {
  VaultCopy dir;
  int64_t now = 0;
  {
    VaultHolder holder(dir.path(), kIdleMs, [&] { return now; });
    REQUIRE(holder.Unlock(kPassphrase).ok());
  }
  std::unique_ptr<Vault> again = OpenVault(dir.path());
  CHECK(again->Lock().ok());
}

}  // namespace
}  // namespace palabre::testing
