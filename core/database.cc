// Database and Statement over the SQLite C API (see database.h).
#include "core/database.h"

#include <sqlite3.h>

#include <utility>

namespace palabre {

Status Database::StatusFor(int rc, std::string_view what) {
  if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) {
    return Status::Ok();
  }
  const std::string context(what);
  const std::string detail =
      db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      saw_damage_ = true;
      return DataLossError(context + ": the vault database is damaged (" +
                           detail + ")");
    case SQLITE_IOERR:
      if (rc == SQLITE_IOERR_DATA) {
        saw_damage_ = true;
        return DataLossError(context +
                             ": a page of the vault failed authentication; the "
                             "vault is damaged or was tampered with");
      }
      if (rc == SQLITE_IOERR_NOMEM)
        return ResourceExhaustedError(context + ": out of memory");
      return InternalError(context + ": disk I/O error (" + detail + ")");
    case SQLITE_FULL:
      return ResourceExhaustedError(context + ": the disk is full");
    case SQLITE_NOMEM:
      return ResourceExhaustedError(context + ": out of memory");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return UnavailableError(
          context + ": the vault is busy (another palabre is using it)");
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return PermissionDeniedError(context + ": the vault cannot be written (" +
                                   detail + ")");
    case SQLITE_CANTOPEN:
      return PermissionDeniedError(
          context + ": cannot open the vault database (" + detail + ")");
    default:
      return InternalError(context + ": " + detail);
  }
}

// ---- Statement ----

Statement::Statement(Database* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {
  db_->live_statements_.insert(this);
}

Statement::Statement(Statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      stmt_(std::exchange(other.stmt_, nullptr)) {
  if (db_ != nullptr) {
    db_->live_statements_.erase(&other);
    db_->live_statements_.insert(this);
  }
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    Detach();
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
    if (db_ != nullptr) {
      db_->live_statements_.erase(&other);
      db_->live_statements_.insert(this);
    }
  }
  return *this;
}

Statement::~Statement() { Detach(); }

void Statement::Detach() {
  if (db_ != nullptr) db_->live_statements_.erase(this);
  sqlite3_finalize(stmt_);
  stmt_ = nullptr;
  db_ = nullptr;
}

Status Statement::Check() const {
  if (stmt_ == nullptr) return FailedPreconditionError("the vault is locked");
  return Status::Ok();
}

Status Statement::BindInt(int index, int64_t value) {
  PALABRE_RETURN_IF_ERROR(Check());
  return db_->StatusFor(sqlite3_bind_int64(stmt_, index, value), "bind");
}
Status Statement::BindText(int index, std::string_view value) {
  PALABRE_RETURN_IF_ERROR(Check());
  return db_->StatusFor(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(),
                          SQLITE_TRANSIENT, SQLITE_UTF8),
      "bind");
}
Status Statement::BindBlob(int index, std::string_view value) {
  PALABRE_RETURN_IF_ERROR(Check());
  return db_->StatusFor(sqlite3_bind_blob64(stmt_, index, value.data(),
                                            value.size(), SQLITE_TRANSIENT),
                        "bind");
}
Status Statement::BindNull(int index) {
  PALABRE_RETURN_IF_ERROR(Check());
  return db_->StatusFor(sqlite3_bind_null(stmt_, index), "bind");
}

StatusOr<bool> Statement::Step() {
  PALABRE_RETURN_IF_ERROR(Check());
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->StatusFor(rc, "query");
}

Status Statement::Run() {
  while (true) {
    PALABRE_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

void Statement::Reset() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t Statement::ColumnInt(int column) const {
  return sqlite3_column_int64(stmt_, column);
}
std::string Statement::ColumnText(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  const int n = sqlite3_column_bytes(stmt_, column);
  return text == nullptr ? std::string()
                         : std::string(reinterpret_cast<const char*>(text),
                                       static_cast<std::size_t>(n));
}
bool Statement::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

// ---- Database ----

StatusOr<std::unique_ptr<Database>> Database::Open(const std::string& path,
                                                   const std::string& vfs_name,
                                                   bool create) {
  sqlite3* handle = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_EXRESCODE |
                    SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  const int rc =
      sqlite3_open_v2(path.c_str(), &handle, flags, vfs_name.c_str());
  std::unique_ptr<Database> db(new Database(handle));
  if (rc != SQLITE_OK) {
    return db->StatusFor(rc, "opening the vault database");
  }
  sqlite3_extended_result_codes(handle, 1);
  return db;
}

Database::~Database() { Close(false).IgnoreError(); }

Status Database::Exec(std::string_view sql) {
  const std::string text(sql);
  return StatusFor(sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr),
                   "database");
}

StatusOr<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(
      db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return StatusFor(rc, "preparing a query");
  }
  return Statement(this, stmt);
}

StatusOr<int64_t> Database::QueryInt(std::string_view sql) {
  PALABRE_ASSIGN_OR_RETURN(Statement stmt, Prepare(sql));
  PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return InternalError("query returned no row");
  return stmt.ColumnInt(0);
}

StatusOr<std::string> Database::QueryText(std::string_view sql) {
  PALABRE_ASSIGN_OR_RETURN(Statement stmt, Prepare(sql));
  PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return InternalError("query returned no row");
  return stmt.ColumnText(0);
}

Status Database::Transaction(const std::function<Status()>& body) {
  PALABRE_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  Status status = body();
  if (status.ok()) status = Exec("COMMIT");
  if (!status.ok() && !sqlite3_get_autocommit(db_)) {
    Exec("ROLLBACK").IgnoreError();
  }
  return status;
}

Status Database::Close(bool checkpoint) {
  if (db_ == nullptr) return Status::Ok();
  while (!live_statements_.empty()) (*live_statements_.begin())->Detach();
  Status status;
  if (checkpoint && !saw_damage_) {
    status = StatusFor(
        sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE,
                                  nullptr, nullptr),
        "checkpointing the vault");
  }
  if (!checkpoint || saw_damage_ || !status.ok()) {
    sqlite3_db_config(db_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  }
  // Every statement is finalized above, so the close is immediate and the
  // VFS may be unregistered right after. Should SQLite still refuse, the
  // connection stays open and the caller must keep the VFS alive.
  const int rc = sqlite3_close(db_);
  if (rc != SQLITE_OK) return StatusFor(rc, "closing the vault database");
  db_ = nullptr;
  return status;
}

}  // namespace palabre
