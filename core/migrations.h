// Schema migrations: how a vault's database moves from one palabre version's
// schema to the next.
//
// The schema is a numbered list of migrations, each a block of SQL and, when
// SQL alone cannot do it (sealing the log again), a step of code run after
// it in the same transaction. Such a step must depend only on the schema of
// its own version, never on later code's idea of the tables: a migration
// that reshapes the projections leaves them empty and marked stale, and the
// vault rebuilds them after the last migration (RebuildStaleProjections).
// The version a database is at is stored in the database itself
// (PRAGMA user_version). Opening a vault applies the missing migrations in
// order, each in its own transaction together with the version bump, so a
// crash leaves the database at a whole version, never between two.
#ifndef PALABRE_CORE_MIGRATIONS_H_
#define PALABRE_CORE_MIGRATIONS_H_

#include <span>

#include "core/database.h"
#include "platform/status.h"

namespace palabre {

struct Migration {
  int version;              // 1, 2, 3, ... with no gaps
  const char* description;  // for error messages
  const char* sql;
  Status (*then)(Database& db) = nullptr;  // optional, after `sql`
};

// The vault schema's migrations, oldest first.
std::span<const Migration> VaultMigrations();

// Brings `db` up to the last version in `migrations`. kFailedPrecondition if
// the database is at a newer version than any known (made by a newer
// palabre); kInternal if `migrations` is not numbered 1..n; the failing
// migration's error (with its number as context) otherwise, in which case
// the database stays at the last version that applied whole.
Status ApplyMigrations(Database& db, std::span<const Migration> migrations);

}  // namespace palabre

#endif  // PALABRE_CORE_MIGRATIONS_H_
