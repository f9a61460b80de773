// Fixture helpers for the record tests (entry log, projections, store,
// search, verify): a vault with a record store, session JSON built from a
// few parameters, and raw reads of the log and the tables that the tests
// use to check what is really stored. Helpers REQUIRE-fail the calling test
// on error.
#ifndef PALABRE_TESTS_CORE_RECORDS_FIXTURE_UTIL_H_
#define PALABRE_TESTS_CORE_RECORDS_FIXTURE_UTIL_H_

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/database.h"
#include "core/entry_log.h"
#include "core/record.h"
#include "core/record_store.h"
#include "core/vault.h"
#include "core/verify.h"
#include "tests/core/test_util.h"

namespace palabre::testing {

// The smallest valid session plus the given title, start and place; callers
// add fields with json's operator[].
nlohmann::json MinimalSession(
    const std::string& title,
    const std::string& started_at = "2026-03-14T09:30:00+00:00",
    const std::string& country = "ML", const std::string& region = "Gao",
    const std::string& commune = "Gao");

// A commitment object for a session's "commitments".
nlohmann::json Commitment(const std::string& action, const std::string& owner,
                          const std::string& due = "");

// ParseSession, REQUIRE-d to succeed.
SessionInput Parsed(const nlohmann::json& session);

// Three sessions with concerns, participation and commitments (two, one,
// none), in three countries: the usual starting point.
std::vector<nlohmann::json> ThreeSessions();

// A fresh, empty vault (interactive KDF) with an open record store, in a
// temporary directory removed with the fixture. To keep the tests fast the
// vault is a copy of one template vault made once per run (so its keys and
// device id are the template's); `own_keys` makes a vault of its own
// instead, for tests where two vaults must be two devices.
class RecordsFixture {
 public:
  explicit RecordsFixture(bool own_keys = false);
  RecordsFixture(const RecordsFixture&) = delete;
  RecordsFixture& operator=(const RecordsFixture&) = delete;

  RecordStore& store() { return *store_; }
  Database& db() { return vault_->db(); }
  Vault& vault() { return *vault_; }

  // AddSessions, REQUIRE-d to succeed.
  std::vector<AddedSession> Add(const std::vector<nlohmann::json>& sessions);
  AddedSession AddOne(const nlohmann::json& session);
  // EditSession, REQUIRE-d to succeed.
  AddedSession Edit(const std::string& id, const nlohmann::json& session);
  // AddFollowUp, REQUIRE-d to succeed; returns the follow-up id.
  std::string FollowUp(const std::string& commitment, const std::string& status,
                       const std::string& date, const std::string& note = "");
  // Ids of the sessions whose text matches `words`, newest first.
  std::vector<std::string> Search(const std::string& words);
  // VerifyRecords, REQUIRE-d to succeed.
  VerifyReport Verified();

  // SELECT count(*) FROM `table` [WHERE `where`].
  int64_t Count(const std::string& table, const std::string& where = "");
  // This vault's device id (32 hex).
  std::string DeviceId();

 private:
  TempDir dir_;
  std::unique_ptr<Vault> vault_;
  std::optional<RecordStore> store_;
};

// Every log entry, by device then seq.
std::vector<Entry> AllEntries(Database& db);

// The decompressed body of every log entry that still has one.
std::vector<std::string> AllBodies(Database& db);

// One column of a query's rows, as text (one parameter bound to ?1 if
// given).
std::vector<std::string> Column(Database& db, const std::string& sql,
                                const std::optional<std::string>& param = {});

// Runs one statement binding each of `blobs` in order (as blobs);
// REQUIRE-d to succeed.
void RunWithBlobs(Database& db, const std::string& sql,
                  const std::vector<std::string>& blobs);

}  // namespace palabre::testing

#endif  // PALABRE_TESTS_CORE_RECORDS_FIXTURE_UTIL_H_
