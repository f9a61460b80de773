// Verify (core/verify.h): an intact vault verifies with the right counts,
// and every kind of tampering done with raw SQL behind the store's back is
// reported as kDataLoss naming what broke: a log entry by "device XXXXXXXX
// seq N" (body, signature, prev_hash, a missing entry, hlc, ids, an erased
// body without a redaction), or the projection table that no longer matches
// the log (sessions, participation, concerns, commitments, follow_ups,
// redacted, the full-text index). Each tamper case runs in a transaction on
// the same fixture vault and is rolled back, so every case starts from the
// same intact records (checked after each rollback).
#include "core/verify.h"

#include <catch2/catch.hpp>
#include <functional>
#include <string>
#include <vector>

#include "core/projection.h"
#include "tests/core/records_fixture_util.h"

namespace palabre::testing {
namespace {

using nlohmann::json;

// The fixture's log, by seq:
//   1 Gao session, 2-3 its commitments, 4 Sinjar session, 5 its commitment,
//   6 Gori session, 7-8 follow-ups on 2 and 5, 9 a session to redact,
//   10 its commitment, 11-12 the redact entries (commitment, session).
struct TamperFixture {
  RecordsFixture f;
  std::vector<AddedSession> added;
  std::string redacted_session;
  std::vector<Entry> entries;  // index seq - 1
  std::string device;

  explicit TamperFixture(bool populate = true) {
    if (populate) Populate();
  }

  void Populate() {
    added = f.Add(ThreeSessions());
    f.FollowUp(added[0].commitments[0], "in_progress", "2026-04-01", "Début.");
    f.FollowUp(added[1].commitments[0], "done", "2026-04-02");
    json doomed = MinimalSession("Session effacée");
    doomed["commitments"] = {Commitment("Action effacée", "Mairie")};
    redacted_session = f.AddOne(doomed).session;
    auto redacted = f.store().RedactSession(redacted_session);
    REQUIRE(redacted.ok());
    entries = AllEntries(f.db());
    REQUIRE(entries.size() == 12);
    device = entries[0].device_id;
  }

  int64_t Num(const std::string& session_id) {
    auto stmt = f.db().Prepare("SELECT num FROM sessions WHERE id = ?");
    REQUIRE(stmt.ok());
    REQUIRE(stmt->BindText(1, session_id).ok());
    auto row = stmt->Step();
    REQUIRE(row.ok());
    REQUIRE(*row);
    return stmt->ColumnInt(0);
  }

  std::string IndexedText(int64_t num) {
    Projection projection(f.db(), "main");
    auto text = projection.SessionText(num);
    INFO(text.status().ToString());
    REQUIRE(text.ok());
    return *text;
  }

  void Exec(const std::string& sql) {
    const Status status = f.db().Exec(sql);
    INFO(sql << ": " << status.ToString());
    REQUIRE(status.ok());
  }
};

TEST_CASE("an intact vault verifies, with its counts", "[records][verify]") {
  TamperFixture t(/*populate=*/false);
  const VerifyReport empty = t.f.Verified();
  CHECK(empty.devices == 0);
  CHECK(empty.entries == 0);
  CHECK(empty.sessions == 0);

  t.Populate();
  const VerifyReport report = t.f.Verified();
  CHECK(report.devices == 1);
  CHECK(report.entries == 12);
  CHECK(report.sessions == 3);
  CHECK(report.commitments == 3);
  CHECK(report.follow_ups == 2);
  CHECK(report.redacted == 2);
  // Nothing is left behind, and it can run again.
  CHECK(t.f.Count("temp.sqlite_master") == 0);
  CHECK(t.f.Verified().entries == 12);
  CHECK(t.f.Count("log_entries") == 12);
}

TEST_CASE("tampering with the log or the tables is reported as data loss",
          "[records][verify]") {
  TamperFixture t;
  Database& db = t.f.db();
  const std::string dev = "device " + t.device.substr(0, 8) + " seq ";
  auto at = [&](int seq) { return dev + std::to_string(seq) + ": "; };
  auto flipped = [&](int seq, std::string Entry::*field) {
    std::string bytes = t.entries[seq - 1].*field;
    bytes[3] = static_cast<char>(bytes[3] ^ 0x40);
    return bytes;
  };

  struct Case {
    std::string name;
    std::function<void()> tamper;
    std::string expected;  // a part of the message
  };
  const std::vector<Case> cases = {
      {"a body replaced by another text",
       [&] {
         json other = json::parse(*t.entries[3].body);
         other["title"] = "Un autre titre";
         RunWithBlobs(db, "UPDATE log_entries SET body = ?1 WHERE seq = 4",
                      {PackBody(other.dump())});
       },
       at(4) + "body does not match its hash"},
      {"two commitment bodies swapped",
       [&] {
         RunWithBlobs(db, "UPDATE log_entries SET body = ?1 WHERE seq = 2",
                      {PackBody(*t.entries[2].body)});
         RunWithBlobs(db, "UPDATE log_entries SET body = ?1 WHERE seq = 3",
                      {PackBody(*t.entries[1].body)});
       },
       at(2) + "body does not match its hash"},
      {"a data key changed",
       [&] {
         RunWithBlobs(db, "UPDATE log_entries SET dek = ?1 WHERE seq = 3",
                      {flipped(3, &Entry::dek)});
       },
       at(3) + "body does not match its hash"},
      {"a signature changed",
       [&] {
         RunWithBlobs(db, "UPDATE log_entries SET signature = ?1 WHERE seq = 5",
                      {flipped(5, &Entry::signature)});
       },
       at(5) + "signature does not verify"},
      {"a signature replaced by another entry's",
       [&] {
         RunWithBlobs(db, "UPDATE log_entries SET signature = ?1 WHERE seq = 5",
                      {t.entries[4 - 1].signature});
       },
       at(5) + "signature does not verify"},
      {"a ciphertext hash changed",
       [&] {
         RunWithBlobs(
             db, "UPDATE log_entries SET ciphertext_hash = ?1 WHERE seq = 4",
             {flipped(4, &Entry::ciphertext_hash)});
       },
       at(4) + "signature does not verify"},
      {"a prev_hash changed",
       [&] {
         RunWithBlobs(db, "UPDATE log_entries SET prev_hash = ?1 WHERE seq = 6",
                      {flipped(6, &Entry::prev_hash)});
       },
       at(6) + "does not chain to the entry before it"},
      {"a middle entry deleted",
       [&] { t.Exec("DELETE FROM log_entries WHERE seq = 6"); },
       at(7) + "expected seq 6"},
      {"the first entry deleted",
       [&] { t.Exec("DELETE FROM log_entries WHERE seq = 1"); },
       at(2) + "expected seq 1"},
      {"an hlc changed",
       [&] { t.Exec("UPDATE log_entries SET hlc = hlc + 1 WHERE seq = 7"); },
       at(7) + "signature does not verify"},
      {"an hlc moved back",
       [&] {
         t.Exec("UPDATE log_entries SET hlc = hlc - 65536 WHERE seq = 9");
       },
       at(9) + "signature does not verify"},
      {"a record id changed",
       [&] {
         t.Exec("UPDATE log_entries SET record_id = '" +
                t.entries[0].record_id + "' WHERE seq = 4");
       },
       at(4) + "body does not match its hash"},
      {"an op changed",
       [&] { t.Exec("UPDATE log_entries SET op = 'delete' WHERE seq = 2"); },
       at(2) + "body does not match its hash"},
      {"a type changed",
       [&] {
         t.Exec("UPDATE log_entries SET type = 'followup' WHERE seq = 2");
       },
       at(2) + "body does not match its hash"},
      {"a body erased without a redaction",
       [&] {
         t.Exec("UPDATE log_entries SET body = NULL, dek = NULL WHERE seq = 8");
       },
       at(8) + "body missing without a redaction"},
      {"a redact entry's own body erased",
       [&] { t.Exec("UPDATE log_entries SET body = NULL WHERE seq = 12"); },
       at(12) + "body missing without a redaction"},
      {"an entry moved to an unknown device",
       [&] {
         t.Exec("UPDATE log_entries SET device_id = '" + std::string(32, '0') +
                "' WHERE seq = 3");
       },
       "device 00000000 seq 3: unknown device"},
      {"a body that does not inflate",
       [&] {
         RunWithBlobs(db, "UPDATE log_entries SET body = ?1 WHERE seq = 4",
                      {std::string("\x01\x00\x00\x01\x00nonsense", 13)});
       },
       t.device.substr(0, 8) + " seq 4"},
      {"a session title changed",
       [&] { t.Exec("UPDATE sessions SET title = 'x'"); }, "sessions"},
      {"a session's day changed",
       [&] {
         t.Exec("UPDATE sessions SET day = '2020-01-01' WHERE id = '" +
                t.added[2].session + "'");
       },
       "sessions"},
      {"a participation count changed",
       [&] { t.Exec("UPDATE participation SET count = count + 1"); },
       "participation"},
      {"a concern deleted", [&] { t.Exec("DELETE FROM concerns"); },
       "concerns"},
      {"a commitments row deleted",
       [&] {
         t.Exec("DELETE FROM commitments WHERE id = '" +
                t.added[1].commitments[0] + "'");
       },
       "commitments"},
      {"a commitment status changed",
       [&] {
         t.Exec("UPDATE commitments SET status = 'done' WHERE id = '" +
                t.added[0].commitments[1] + "'");
       },
       "commitments"},
      {"a bogus follow_ups row inserted",
       [&] {
         t.Exec(
             "INSERT INTO follow_ups (id, commitment_id, status, note, date, "
             "hlc, created_at) VALUES ('" +
             std::string(32, 'e') + "', '" + t.added[0].commitments[1] +
             "', 'done', '', '2026-04-03', 1, '2026-04-03T00:00:00Z')");
       },
       "follow_ups"},
      {"a redaction forgotten", [&] { t.Exec("DELETE FROM redacted"); },
       "redacted"},
      {"a live session marked redacted",
       [&] {
         t.Exec("INSERT INTO redacted (record_id, type) VALUES ('" +
                t.added[2].session + "', 'session')");
       },
       "redacted"},
      {"an extra row in the full-text index",
       [&] {
         t.Exec(
             "INSERT INTO sessions_fts(rowid, text) VALUES (999999, "
             "'intrus')");
       },
       "full-text index"},
      {"a session removed from the full-text index",
       [&] {
         const int64_t num = t.Num(t.added[2].session);
         auto stmt = db.Prepare(
             "INSERT INTO sessions_fts(sessions_fts, rowid, text) VALUES "
             "('delete', ?, ?)");
         REQUIRE(stmt.ok());
         REQUIRE(stmt->BindInt(1, num).ok());
         REQUIRE(stmt->BindText(2, t.IndexedText(num)).ok());
         REQUIRE(stmt->Run().ok());
       },
       "full-text index"},
  };

  for (const Case& c : cases) {
    INFO("case: " << c.name);
    REQUIRE(db.Exec("BEGIN").ok());
    c.tamper();
    auto report = VerifyRecords(db);
    INFO(report.status().ToString());
    CHECK(report.status().code() == StatusCode::kDataLoss);
    CHECK_THAT(report.status().message(), Catch::Contains(c.expected));
    REQUIRE(db.Exec("ROLLBACK").ok());
    // Back to the intact records for the next case.
    REQUIRE(VerifyRecords(db).ok());
  }

  // A projection message gives the extent of the difference, and a failed
  // verify leaves no temporary tables behind.
  t.Exec("DELETE FROM commitments");
  auto report = VerifyRecords(db);
  CHECK(report.status().code() == StatusCode::kDataLoss);
  CHECK_THAT(report.status().message(),
             Catch::Contains("stored commitments differ") &&
                 Catch::Contains("3 rows missing, 0 rows extra"));
  CHECK(t.f.Count("temp.sqlite_master") == 0);
}

TEST_CASE("verify notices an index that files words under the wrong session",
          "[records][verify]") {
  // Swapping two sessions' rows in the full-text index keeps every term's
  // document and occurrence counts, which is all verify compares, while
  // search now returns the wrong session.
  TamperFixture t;
  const std::string sinjar = t.added[1].session;
  const std::string gori = t.added[2].session;
  const int64_t a = t.Num(sinjar);
  const int64_t b = t.Num(gori);
  const std::string text_a = t.IndexedText(a);
  const std::string text_b = t.IndexedText(b);
  auto run = [&](const std::string& sql, int64_t rowid,
                 const std::string& text) {
    auto stmt = t.f.db().Prepare(sql);
    REQUIRE(stmt.ok());
    REQUIRE(stmt->BindInt(1, rowid).ok());
    REQUIRE(stmt->BindText(2, text).ok());
    REQUIRE(stmt->Run().ok());
  };
  const std::string del =
      "INSERT INTO sessions_fts(sessions_fts, rowid, text) VALUES "
      "('delete', ?, ?)";
  const std::string ins = "INSERT INTO sessions_fts(rowid, text) VALUES (?, ?)";
  run(del, a, text_a);
  run(del, b, text_b);
  run(ins, a, text_b);
  run(ins, b, text_a);
  // The Georgian word of Gori's title now finds Sinjar.
  REQUIRE(t.f.Search("შეხვედრა") == std::vector<std::string>{sinjar});
  auto report = VerifyRecords(t.f.db());
  INFO(report.status().ToString());
  CHECK(report.status().code() == StatusCode::kDataLoss);
}

}  // namespace
}  // namespace palabre::testing
