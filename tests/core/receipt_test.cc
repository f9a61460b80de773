// Receipts in the vault: `verify` checks every receipt the partner server
// signed, the run receipts of the current protocol and the per-entry ones
// vaults kept from the first (migration 6 carries them over unchanged), and
// counts the entries they cover once each. A receipt that names entries
// the vault does not hold, or that the server's key did not sign, is
// reported as damage.
#include "core/receipt.h"

#include <sodium.h>

#include <catch2/catch.hpp>
#include <functional>
#include <string>
#include <vector>

#include "core/database.h"
#include "core/device_key.h"
#include "core/entry_log.h"
#include "core/migrations.h"
#include "core/sync_state.h"
#include "core/verify.h"
#include "tests/core/records_fixture_util.h"
#include "tests/core/test_util.h"

namespace palabre::testing {
namespace {

DeviceKey NewServerKey() {
  std::string pk(crypto_sign_PUBLICKEYBYTES, '\0');
  std::string sk(crypto_sign_SECRETKEYBYTES, '\0');
  crypto_sign_keypair(reinterpret_cast<uint8_t*>(pk.data()),
                      reinterpret_cast<uint8_t*>(sk.data()));
  DeviceKey key;
  key.public_key = pk;
  key.device_id = DeviceIdFor(pk);
  key.secret_key = SecureBuffer::CopyOf(sk);
  return key;
}

// A receipt for `entries[first-1 .. last-1]` signed by `server`.
Receipt Signed(const DeviceKey& server, const std::vector<Entry>& entries,
               int64_t first, int64_t last, int format = kReceiptFormatRun) {
  Receipt r;
  r.format = format;
  r.device_id = entries.at(first - 1).device_id;
  r.first_seq = first;
  r.last_seq = last;
  r.last_hash = entries.at(last - 1).hash;
  r.first_cursor = 100 + first;
  r.received_at = 1767225600000 + first;
  auto bytes = ReceiptBytes(r, server.public_key);
  REQUIRE(bytes.ok());
  r.signature = Sign(server, *bytes);
  return r;
}

TEST_CASE("verify checks run receipts and per-entry receipts alike",
          "[core][receipt][verify]") {
  RecordsFixture f;
  f.Add(ThreeSessions());
  const std::vector<Entry> entries = AllEntries(f.db());
  const int64_t n = static_cast<int64_t>(entries.size());
  REQUIRE(n >= 3);
  const DeviceKey server = NewServerKey();
  REQUIRE(SetSyncValue(f.db(), kSyncServerKey, server.public_key).ok());
  // One run for all but the last entry, a first-protocol receipt for the
  // last, and a run overlapping the first (a duplicate's answer).
  const std::vector<Receipt> receipts = {
      Signed(server, entries, 1, n - 1), Signed(server, entries, 1, 2),
      Signed(server, entries, n, n, kReceiptFormatEntry)};
  REQUIRE(StoreReceipts(f.db(), receipts).ok());
  REQUIRE(StoreReceipts(f.db(), receipts).ok());  // kept once
  auto last = LastReceiptSeq(f.db(), entries[0].device_id);
  REQUIRE(last.ok());
  CHECK(*last == n);
  VerifyReport report = f.Verified();
  CHECK(report.receipts == 3);
  CHECK(report.receipted == n);  // each entry counted once

  const DeviceKey other = NewServerKey();
  struct Case {
    const char* name;
    std::function<Receipt()> receipt;
    const char* expected;
  };
  const std::vector<Case> cases = {
      {"a run ending with another entry's hash",
       [&] {
         Receipt r = Signed(server, entries, 2, n - 1);
         r.last_hash = entries[0].hash;
         r.signature = Sign(server, *ReceiptBytes(r, server.public_key));
         return r;
       },
       "names entries this vault does not hold"},
      {"a run past the end of the chain",
       [&] {
         Receipt r = Signed(server, entries, 1, n);
         r.last_seq = n + 5;
         r.signature = Sign(server, *ReceiptBytes(r, server.public_key));
         return r;
       },
       "names entries this vault does not hold"},
      {"a run another key signed", [&] { return Signed(other, entries, 1, n); },
       "not signed by the server's key"},
      {"a per-entry receipt read as a run",
       [&] {
         Receipt r = Signed(server, entries, 2, 2, kReceiptFormatEntry);
         r.format = kReceiptFormatRun;
         return r;
       },
       "not signed by the server's key"},
      {"a run with its first seq changed",
       [&] {
         Receipt r = Signed(server, entries, 1, n - 1);
         r.first_seq = 2;
         return r;
       },
       "not signed by the server's key"},
  };
  for (const Case& c : cases) {
    INFO("case: " << c.name);
    // (None of them has the (device, first, last) of a receipt held, which
    // would keep the one held.)
    REQUIRE(f.db().Exec("BEGIN").ok());
    REQUIRE(StoreReceipts(f.db(), {c.receipt()}).ok());
    auto bad = VerifyRecords(f.db());
    CHECK(bad.status().code() == StatusCode::kDataLoss);
    CHECK_THAT(bad.status().message(), Catch::Contains(c.expected));
    REQUIRE(f.db().Exec("ROLLBACK").ok());
  }
  CHECK(f.Verified().receipted == n);
}

TEST_CASE("migration 6 keeps a version-5 vault's per-entry receipts",
          "[core][receipt][migrations]") {
  TempDir dir;
  auto opened = Database::Open(dir.Sub("plain.db"), "unix", true);
  REQUIRE(opened.ok());
  Database& db = **opened;
  REQUIRE(ApplyMigrations(db, VaultMigrations().first(5)).ok());
  const std::string device(32, 'a');
  const std::string hash(32, '\x07');
  const std::string signature(64, '\x09');
  auto insert = db.Prepare(
      "INSERT INTO receipts(device_id, seq, entry_hash, cursor, received_at, "
      "signature) VALUES (?, ?, ?, ?, ?, ?)");
  REQUIRE(insert.ok());
  REQUIRE(insert->BindText(1, device).ok());
  REQUIRE(insert->BindInt(2, 4).ok());
  REQUIRE(insert->BindBlob(3, hash).ok());
  REQUIRE(insert->BindInt(4, 17).ok());
  REQUIRE(insert->BindInt(5, 1767225600000).ok());
  REQUIRE(insert->BindBlob(6, signature).ok());
  REQUIRE(insert->Run().ok());
  REQUIRE(ApplyMigrations(db, VaultMigrations()).ok());
  auto held = LoadReceipts(db);
  REQUIRE(held.ok());
  REQUIRE(held->size() == 1);
  const Receipt& r = held->front();
  CHECK(r.format == kReceiptFormatEntry);
  CHECK(r.device_id == device);
  CHECK(r.first_seq == 4);
  CHECK(r.last_seq == 4);
  CHECK(r.last_hash == hash);
  CHECK(r.first_cursor == 17);
  CHECK(r.received_at == 1767225600000);
  CHECK(r.signature == signature);
  auto last = LastReceiptSeq(db, device);
  REQUIRE(last.ok());
  CHECK(*last == 4);
}

}  // namespace
}  // namespace palabre::testing
