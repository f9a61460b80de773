// The vault schema history and the migration runner (see migrations.h).
#include "core/migrations.h"

#include <string>

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
