// Database and Statement: a small RAII layer over the SQLite C API that
// speaks Status.
//
// Every SQLite result code is turned into a Status here and nowhere else
// (SqliteStatus), so that "a page failed authentication" (SQLITE_IOERR_DATA
// from the encrypting VFS) and "the b-tree is malformed" (SQLITE_CORRUPT)
// both surface as kDataLoss, a busy vault as kUnavailable, a full disk as
// kResourceExhausted. A Database remembers whether it ever saw damage, so
// the vault can close it without checkpointing and keep the evidence.
#ifndef PALABRE_CORE_DATABASE_H_
#define PALABRE_CORE_DATABASE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "platform/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace palabre {

class Database;

// A prepared statement. Move-only; finalized on destruction or when its
// Database closes, whichever comes first. Using a statement whose database
// has closed returns kFailedPrecondition ("the vault is locked").
class Statement {
 public:
  Statement() = default;
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binders take 1-based parameter indexes; text and blobs are copied.
  Status BindInt(int index, int64_t value);
  Status BindText(int index, std::string_view value);
  Status BindBlob(int index, std::string_view value);
  Status BindNull(int index);

  // Runs one step: true if a row is available, false when done.
  StatusOr<bool> Step();
  // Runs the statement to completion, ignoring rows.
  Status Run();
  // Resets the statement and clears its bindings for reuse.
  void Reset();

  // Columns of the current row (0-based).
  int64_t ColumnInt(int column) const;
  std::string ColumnText(int column) const;
  bool ColumnIsNull(int column) const;

 private:
  friend class Database;
  Statement(Database* db, sqlite3_stmt* stmt);
  void Detach();  // finalize now and forget the database
  Status Check() const;
  Database* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

class Database {
 public:
  // Opens `path` through VFS `vfs_name` (extended result codes on). With
  // `create`, a missing file is created; without it, a file that cannot be
  // opened is kPermissionDenied.
  static StatusOr<std::unique_ptr<Database>> Open(const std::string& path,
                                                  const std::string& vfs_name,
                                                  bool create);
  ~Database();  // Close(false) if still open
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more SQL statements that return no rows of interest.
  Status Exec(std::string_view sql);
  // Prepares one statement.
  StatusOr<Statement> Prepare(std::string_view sql);
  // The single integer a query returns (e.g. "PRAGMA user_version").
  StatusOr<int64_t> QueryInt(std::string_view sql);
  // The single text value a query returns.
  StatusOr<std::string> QueryText(std::string_view sql);

  // Runs `body` inside BEGIN IMMEDIATE ... COMMIT; rolls back and returns
  // the error if `body` or the commit fails.
  Status Transaction(const std::function<Status()>& body);

  // Closes the connection, finalizing any statement still held. With
  // `checkpoint` (and no damage seen), the WAL is first folded into the
  // database and truncated; otherwise SQLite is told not to checkpoint on
  // close, leaving the files as they are. If SQLite refuses to close, the
  // error is returned and the connection stays open (is_open() is true).
  Status Close(bool checkpoint);

  // The Status for SQLite result `rc` on this connection, with `what` (the
  // operation) as context. Records damage (see saw_damage).
  Status StatusFor(int rc, std::string_view what);

  bool saw_damage() const { return saw_damage_; }
  bool is_open() const { return db_ != nullptr; }
  sqlite3* handle() { return db_; }

 private:
  friend class Statement;
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
  std::set<Statement*> live_statements_;
  bool saw_damage_ = false;
};

}  // namespace palabre

#endif  // PALABRE_CORE_DATABASE_H_
