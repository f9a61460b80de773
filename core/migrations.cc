// The vault schema history and the migration runner (see migrations.h).
#include "core/migrations.h"

#include <string>

#include "core/projection_schema.h"

namespace palabre {
namespace {

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
     PALABRE_PROJECTION_DDL("main")},
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
