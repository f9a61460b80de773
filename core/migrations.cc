// The vault schema history and the migration runner (see migrations.h).
#include "core/migrations.h"

#include <string>

#include "core/log_upgrade.h"
#include "core/projection_schema.h"

namespace palabre {
namespace {

// Migration 2's projection tables, frozen as they were when it shipped
// (migration 3 replaces them; PALABRE_PROJECTION_DDL is the current shape).
// clang-format off
#define PALABRE_PROJECTION_DDL_V2(S)                                            \
  "CREATE TABLE " S ".sessions ("                                            \
  "  num INTEGER PRIMARY KEY,"                                               \
  "  id TEXT NOT NULL UNIQUE,"                                               \
  "  kind TEXT NOT NULL,"                                                    \
  "  title TEXT NOT NULL,"                                                   \
  "  started_at TEXT NOT NULL,"                                              \
  "  start_utc INTEGER NOT NULL,"                                            \
  "  day TEXT NOT NULL,"                                                     \
  "  country TEXT NOT NULL COLLATE NOCASE,"                                  \
  "  region TEXT NOT NULL COLLATE NOCASE,"                                   \
  "  commune TEXT NOT NULL COLLATE NOCASE,"                                  \
  "  region_key TEXT NOT NULL,"                                              \
  "  commune_key TEXT NOT NULL,"                                             \
  "  participants INTEGER NOT NULL,"                                         \
  "  device_id TEXT NOT NULL,"                                               \
  "  seq INTEGER NOT NULL,"                                                  \
  "  created_at TEXT NOT NULL,"                                              \
  "  updated_at TEXT NOT NULL"                                               \
  ");"                                                                       \
  "CREATE INDEX " S ".sessions_by_day ON sessions(day DESC, start_utc DESC);" \
  "CREATE INDEX " S ".sessions_by_place"                                     \
  "  ON sessions(country, region_key, day DESC, start_utc DESC);"               \
  "CREATE TABLE " S ".participation ("                                       \
  "  session_num INTEGER NOT NULL,"                                          \
  "  dimension TEXT NOT NULL,"                                               \
  "  key TEXT NOT NULL,"                                                     \
  "  count INTEGER NOT NULL,"                                                \
  "  PRIMARY KEY (session_num, dimension, key)"                              \
  ") WITHOUT ROWID;"                                                         \
  "CREATE TABLE " S ".concerns ("                                            \
  "  session_num INTEGER NOT NULL,"                                          \
  "  position INTEGER NOT NULL,"                                             \
  "  category TEXT NOT NULL,"                                                \
  "  raised_by TEXT NOT NULL,"                                               \
  "  summary TEXT NOT NULL,"                                                 \
  "  PRIMARY KEY (session_num, position)"                                    \
  ") WITHOUT ROWID;"                                                         \
  "CREATE TABLE " S ".commitments ("                                         \
  "  id TEXT PRIMARY KEY NOT NULL,"                                          \
  "  session_id TEXT NOT NULL,"                                              \
  "  position INTEGER NOT NULL,"                                             \
  "  action TEXT NOT NULL,"                                                  \
  "  owner TEXT NOT NULL,"                                                   \
  "  owner_key TEXT NOT NULL,"                                               \
  "  due TEXT NOT NULL,"                                                     \
  "  status TEXT NOT NULL,"                                                  \
  "  status_date TEXT NOT NULL,"                                             \
  "  created_at TEXT NOT NULL,"                                              \
  "  updated_at TEXT NOT NULL"                                               \
  ") WITHOUT ROWID;"                                                         \
  "CREATE INDEX " S ".commitments_by_session"                                \
  "  ON commitments(session_id, position);"                                  \
  "CREATE INDEX " S ".commitments_open_by_due"                               \
  "  ON commitments(due, session_id, position, status, status_date,"         \
  "  owner, owner_key, action) WHERE status IN ('open', 'in_progress');"     \
  "CREATE TABLE " S ".follow_ups ("                                          \
  "  id TEXT PRIMARY KEY NOT NULL,"                                          \
  "  commitment_id TEXT NOT NULL,"                                           \
  "  status TEXT NOT NULL,"                                                  \
  "  note TEXT NOT NULL,"                                                    \
  "  date TEXT NOT NULL,"                                                    \
  "  hlc INTEGER NOT NULL,"                                                  \
  "  created_at TEXT NOT NULL"                                               \
  ") WITHOUT ROWID;"                                                         \
  "CREATE INDEX " S ".follow_ups_by_commitment"                              \
  "  ON follow_ups(commitment_id, date, hlc);"                               \
  "CREATE TABLE " S ".redacted ("                                            \
  "  record_id TEXT PRIMARY KEY NOT NULL,"                                   \
  "  type TEXT NOT NULL"                                                     \
  ") WITHOUT ROWID;"                                                         \
  "CREATE VIRTUAL TABLE " S ".sessions_fts USING fts5("                      \
  "  text, content='', tokenize='unicode61 remove_diacritics 2');"
// clang-format on

// Migration 3's projection tables, frozen: PALABRE_PROJECTION_DDL is the
// live shape, and a test checks that the last migration gives it.
// clang-format off
#define PALABRE_PROJECTION_DDL_V3(S)                                            \
  "CREATE TABLE " S ".sessions ("                                            \
  "  num INTEGER PRIMARY KEY,"                                               \
  "  id TEXT NOT NULL UNIQUE,"                                               \
  "  kind TEXT NOT NULL,"                                                    \
  "  title TEXT NOT NULL,"                                                   \
  "  started_at TEXT NOT NULL,"                                              \
  "  start_utc INTEGER NOT NULL,"                                            \
  "  day TEXT NOT NULL,"                                                     \
  "  country TEXT NOT NULL COLLATE NOCASE,"                                  \
  "  region TEXT NOT NULL COLLATE NOCASE,"                                   \
  "  commune TEXT NOT NULL COLLATE NOCASE,"                                  \
  "  region_key TEXT NOT NULL,"                                              \
  "  commune_key TEXT NOT NULL,"                                             \
  "  participants INTEGER NOT NULL,"                                         \
  "  device_id TEXT NOT NULL,"                                               \
  "  seq INTEGER NOT NULL,"                                                  \
  "  created_at TEXT NOT NULL,"                                              \
  "  updated_at TEXT NOT NULL"                                               \
  ");"                                                                       \
  "CREATE INDEX " S ".sessions_by_day ON sessions(day DESC, start_utc DESC);" \
  "CREATE INDEX " S ".sessions_by_place"                                     \
  "  ON sessions(country, region_key, day DESC, start_utc DESC);"               \
  "CREATE TABLE " S ".participation ("                                       \
  "  session_num INTEGER NOT NULL,"                                          \
  "  dimension TEXT NOT NULL,"                                               \
  "  key TEXT NOT NULL,"                                                     \
  "  count INTEGER NOT NULL,"                                                \
  "  PRIMARY KEY (session_num, dimension, key)"                              \
  ") WITHOUT ROWID;"                                                         \
  "CREATE TABLE " S ".concerns ("                                            \
  "  session_num INTEGER NOT NULL,"                                          \
  "  position INTEGER NOT NULL,"                                             \
  "  category TEXT NOT NULL,"                                                \
  "  raised_by TEXT NOT NULL,"                                               \
  "  PRIMARY KEY (session_num, position)"                                    \
  ") WITHOUT ROWID;"                                                         \
  "CREATE TABLE " S ".commitments ("                                         \
  "  id TEXT PRIMARY KEY NOT NULL,"                                          \
  "  session_id TEXT NOT NULL,"                                              \
  "  position INTEGER NOT NULL,"                                             \
  "  action TEXT NOT NULL,"                                                  \
  "  owner TEXT NOT NULL,"                                                   \
  "  owner_key TEXT NOT NULL,"                                               \
  "  due TEXT NOT NULL,"                                                     \
  "  status TEXT NOT NULL,"                                                  \
  "  status_date TEXT NOT NULL"                                              \
  ") WITHOUT ROWID;"                                                         \
  "CREATE INDEX " S ".commitments_by_session"                                \
  "  ON commitments(session_id, position);"                                  \
  "CREATE INDEX " S ".commitments_open_by_due"                               \
  "  ON commitments(due, session_id, position, status)"                      \
  "  WHERE status IN ('open', 'in_progress');"                               \
  "CREATE TABLE " S ".follow_ups ("                                          \
  "  id TEXT PRIMARY KEY NOT NULL,"                                          \
  "  commitment_id TEXT NOT NULL,"                                           \
  "  status TEXT NOT NULL,"                                                  \
  "  note TEXT NOT NULL,"                                                    \
  "  date TEXT NOT NULL,"                                                    \
  "  hlc INTEGER NOT NULL,"                                                  \
  "  created_at TEXT NOT NULL"                                               \
  ") WITHOUT ROWID;"                                                         \
  "CREATE INDEX " S ".follow_ups_by_commitment"                              \
  "  ON follow_ups(commitment_id, date, hlc);"                               \
  "CREATE TABLE " S ".redacted ("                                            \
  "  record_id TEXT PRIMARY KEY NOT NULL,"                                   \
  "  type TEXT NOT NULL"                                                     \
  ") WITHOUT ROWID;"                                                         \
  "CREATE VIRTUAL TABLE " S ".sessions_fts USING fts5("                      \
  "  text, content='', tokenize='unicode61 remove_diacritics 2',"           \
  "  detail=none);"
// clang-format on


constexpr Migration kVaultMigrations[] = {
    {1, "vault metadata",
     "CREATE TABLE vault_meta ("
     "  key TEXT PRIMARY KEY NOT NULL,"
     "  value TEXT NOT NULL"
     ") WITHOUT ROWID;"
     "INSERT INTO vault_meta(key, value) VALUES"
     "  ('created_at', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));"},
    {2, "entry log and dialogue records",
     // The device keys: this vault's own (with its secret key, which never
     // leaves the vault) and, later, other devices' public keys.
     "CREATE TABLE device_keys ("
     "  device_id TEXT PRIMARY KEY NOT NULL,"
     "  public_key BLOB NOT NULL,"
     "  secret_key BLOB,"
     "  created_at TEXT NOT NULL"
     ") WITHOUT ROWID;"
     // The entry log, the single source of truth (core/entry_log.h). `body`
     // and `body_key` are NULL once the entry is redacted. `parent_id` (the
     // session of a commitment, the commitment of a follow-up) is an index
     // outside the signed part, kept so that a redaction finds every record
     // that hangs from a session even after its body is gone.
     "CREATE TABLE log_entries ("
     "  device_id TEXT NOT NULL,"
     "  seq INTEGER NOT NULL,"
     "  prev_hash BLOB NOT NULL,"
     "  hlc INTEGER NOT NULL,"
     "  record_id TEXT NOT NULL,"
     "  type TEXT NOT NULL,"
     "  op TEXT NOT NULL,"
     "  parent_id TEXT NOT NULL,"
     "  body_hash BLOB NOT NULL,"
     "  hash BLOB NOT NULL,"
     "  signature BLOB NOT NULL,"
     "  body BLOB,"
     "  body_key BLOB,"
     "  PRIMARY KEY (device_id, seq)"
     ");"
     "CREATE INDEX log_by_record ON log_entries(record_id);"
     "CREATE INDEX log_by_parent ON log_entries(parent_id);"
     "CREATE INDEX log_by_hlc ON log_entries(hlc, device_id, seq);"
     // The projections (core/projection.h), rebuilt and compared by verify.
     PALABRE_PROJECTION_DDL_V2("main")},
    {3, "entry format 2, smaller projections and log indexes",
     // Entry format 2 (core/log_upgrade.h): the keyed body hash becomes the
     // hash of the sealed payload and the 16-byte body key a 32-byte data
     // key; ResealLogToFormat2 then seals and signs every entry again.
     "ALTER TABLE log_entries RENAME COLUMN body_hash TO ciphertext_hash;"
     "ALTER TABLE log_entries RENAME COLUMN body_key TO dek;"
     // The entry hash follows from the header and the ciphertext hash: not
     // stored any more (32 bytes an entry).
     "ALTER TABLE log_entries DROP COLUMN hash;"
     // The projections in their new shape (concerns without summaries, a
     // narrower open-commitments index, a search index without positions),
     // left empty and marked stale: opening the vault rebuilds them from
     // the log with the code of the day (RebuildStaleProjections).
     "DROP TABLE sessions_fts;"
     "DROP TABLE sessions;"
     "DROP TABLE participation;"
     "DROP TABLE concerns;"
     "DROP TABLE commitments;"
     "DROP TABLE follow_ups;"
     "DROP TABLE redacted;" PALABRE_PROJECTION_DDL_V3("main")
     "INSERT OR REPLACE INTO vault_meta(key, value)"
     "  VALUES ('projections', 'stale');"
     // The log's indexes: replay order needs only hlc (ties are sorted),
     // and record and parent ids are found through their first 8 hex
     // digits (core/entry_log.cc, ChildRecords).
     "DROP INDEX log_by_hlc;"
     "DROP INDEX log_by_record;"
     "DROP INDEX log_by_parent;"
     "CREATE INDEX log_by_hlc ON log_entries(hlc);"
     "CREATE INDEX log_by_record ON log_entries(substr(record_id, 1, 8));"
     "CREATE INDEX log_by_parent ON log_entries(substr(parent_id, 1, 8))"
     "  WHERE parent_id != '';",
     ResealLogToFormat2},
    {4, "organisation and device certificates",
     // core/organisation.h. One row at most: the organisation this vault
     // belongs to; the secret keys only in a coordinator's vault.
     "CREATE TABLE organisation ("
     "  id INTEGER PRIMARY KEY CHECK (id = 1),"
     "  org_id TEXT NOT NULL,"
     "  name TEXT NOT NULL,"
     "  server TEXT NOT NULL,"
     "  signing_key BLOB NOT NULL,"
     "  signing_secret BLOB,"
     "  encryption_key BLOB NOT NULL,"
     "  encryption_secret BLOB,"
     "  created_at INTEGER NOT NULL"
     ");"
     // The certificates this vault knows, its own device's included.
     "CREATE TABLE device_certificates ("
     "  device_id TEXT PRIMARY KEY NOT NULL,"
     "  org_id TEXT NOT NULL,"
     "  public_key BLOB NOT NULL,"
     "  role TEXT NOT NULL,"
     "  name TEXT NOT NULL,"
     "  issued_at INTEGER NOT NULL,"
     "  signature BLOB NOT NULL,"
     "  revoked_at INTEGER"
     ") WITHOUT ROWID;"},
    {5, "sync state and receipts",
     // core/sync_state.h. What this vault remembers of the partner server:
     // its receipt key (pinned at the first contact), the TLS key pin, the
     // request counter and the pull cursor.
     "CREATE TABLE sync_state ("
     "  key TEXT PRIMARY KEY NOT NULL,"
     "  value BLOB NOT NULL"
     ") WITHOUT ROWID;"
     // The server's signed receipts for entries of this vault's log.
     "CREATE TABLE receipts ("
     "  device_id TEXT NOT NULL,"
     "  seq INTEGER NOT NULL,"
     "  entry_hash BLOB NOT NULL,"
     "  cursor INTEGER NOT NULL,"
     "  received_at INTEGER NOT NULL,"
     "  signature BLOB NOT NULL,"
     "  PRIMARY KEY (device_id, seq)"
     ") WITHOUT ROWID;"
     // Invitations a coordinator issued (org invite): what org approve
     // checks a pending device's invitation against.
     "CREATE TABLE invitations ("
     "  invite_id TEXT PRIMARY KEY NOT NULL,"
     "  name TEXT NOT NULL,"
     "  role TEXT NOT NULL,"
     "  created_at INTEGER NOT NULL,"
     "  expires_at INTEGER NOT NULL"
     ") WITHOUT ROWID;"},
    {6, "receipts for runs of entries",
     // core/receipt.h: the server now signs one receipt for each run of
     // entries a push adds. The per-entry receipts of the first protocol
     // are kept as format 1 (first_seq == last_seq), still verifiable.
     "CREATE TABLE receipt_runs ("
     "  device_id TEXT NOT NULL,"
     "  first_seq INTEGER NOT NULL,"
     "  last_seq INTEGER NOT NULL,"
     "  last_hash BLOB NOT NULL,"
     "  first_cursor INTEGER NOT NULL,"
     "  received_at INTEGER NOT NULL,"
     "  signature BLOB NOT NULL,"
     "  format INTEGER NOT NULL,"
     "  PRIMARY KEY (device_id, first_seq, last_seq)"
     ") WITHOUT ROWID;"
     "INSERT INTO receipt_runs SELECT device_id, seq, seq, entry_hash, "
     "  cursor, received_at, signature, 1 FROM receipts;"
     "DROP TABLE receipts;"
     "ALTER TABLE receipt_runs RENAME TO receipts;"},
    {7, "drafts",
     // core/drafts.h: the local web app's unfinished forms. Not records:
     // never logged, never synced.
     "CREATE TABLE drafts ("
     "  name TEXT PRIMARY KEY NOT NULL,"
     "  body TEXT NOT NULL,"
     "  saved_at INTEGER NOT NULL"
     ") WITHOUT ROWID;"},
};

}  // namespace

std::span<const Migration> VaultMigrations() { return kVaultMigrations; }

Status ApplyMigrations(Database& db, std::span<const Migration> migrations) {
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version != static_cast<int>(i) + 1) {
      return InternalError("migrations are not numbered 1..n");
    }
  }
  PALABRE_ASSIGN_OR_RETURN(int64_t current, db.QueryInt("PRAGMA user_version"));
  const int64_t latest = static_cast<int64_t>(migrations.size());
  if (current > latest) {
    return FailedPreconditionError(
        "this vault's schema (version " + std::to_string(current) +
        ") is newer than this palabre knows (" + std::to_string(latest) +
        "); upgrade palabre to open it");
  }
  for (const Migration& m : migrations) {
    if (m.version <= current) continue;
    Status status = db.Transaction([&]() -> Status {
      PALABRE_RETURN_IF_ERROR(db.Exec(m.sql));
      if (m.then != nullptr) PALABRE_RETURN_IF_ERROR(m.then(db));
      return db.Exec("PRAGMA user_version = " + std::to_string(m.version));
    });
    if (!status.ok()) {
      return status.WithContext("schema migration " +
                                std::to_string(m.version) + " (" +
                                m.description + ")");
    }
  }
  return Status::Ok();
}

}  // namespace palabre
