// Sync state, receipts and invitations in the vault (core/sync_state.h).
#include "core/sync_state.h"

#include <charconv>

#include "core/database.h"

namespace palabre {

StatusOr<std::string> GetSyncValue(Database& db, std::string_view key) {
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt, db.Prepare("SELECT value FROM sync_state WHERE key = ?"));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(1, key));
  PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? stmt.ColumnText(0) : std::string();
}

Status SetSyncValue(Database& db, std::string_view key,
                    std::string_view value) {
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("INSERT OR REPLACE INTO sync_state(key, value) VALUES (?, ?)"));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(1, key));
  PALABRE_RETURN_IF_ERROR(stmt.BindBlob(2, value));
  return stmt.Run();
}

StatusOr<int64_t> GetSyncInt(Database& db, std::string_view key) {
  PALABRE_ASSIGN_OR_RETURN(std::string text, GetSyncValue(db, key));
  int64_t value = 0;
  if (text.empty()) return value;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(),
                                   value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) {
    return DataLossError("sync state '" + std::string(key) +
                         "' is not a number");
  }
  return value;
}

Status SetSyncInt(Database& db, std::string_view key, int64_t value) {
  return SetSyncValue(db, key, std::to_string(value));
}

Status StoreReceipts(Database& db, const std::vector<Receipt>& receipts) {
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("INSERT OR IGNORE INTO receipts(device_id, seq, entry_hash, "
                 "cursor, received_at, signature) VALUES (?, ?, ?, ?, ?, ?)"));
  for (const Receipt& r : receipts) {
    stmt.Reset();
    PALABRE_RETURN_IF_ERROR(stmt.BindText(1, r.device_id));
    PALABRE_RETURN_IF_ERROR(stmt.BindInt(2, r.seq));
    PALABRE_RETURN_IF_ERROR(stmt.BindBlob(3, r.entry_hash));
    PALABRE_RETURN_IF_ERROR(stmt.BindInt(4, r.cursor));
    PALABRE_RETURN_IF_ERROR(stmt.BindInt(5, r.received_at));
    PALABRE_RETURN_IF_ERROR(stmt.BindBlob(6, r.signature));
    PALABRE_RETURN_IF_ERROR(stmt.Run());
  }
  return Status::Ok();
}

StatusOr<int64_t> LastReceiptSeq(Database& db, std::string_view device_id) {
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT coalesce(max(seq), 0) FROM receipts "
                 "WHERE device_id = ?"));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(1, device_id));
  PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? stmt.ColumnInt(0) : 0;
}

StatusOr<std::vector<Receipt>> LoadReceipts(Database& db) {
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT device_id, seq, entry_hash, cursor, received_at, "
                 "signature FROM receipts ORDER BY device_id, seq"));
  std::vector<Receipt> out;
  while (true) {
    PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return out;
    Receipt r;
    r.device_id = stmt.ColumnText(0);
    r.seq = stmt.ColumnInt(1);
    r.entry_hash = stmt.ColumnText(2);
    r.cursor = stmt.ColumnInt(3);
    r.received_at = stmt.ColumnInt(4);
    r.signature = stmt.ColumnText(5);
    out.push_back(std::move(r));
  }
}

Status StoreInvitation(Database& db, const Invitation& inv) {
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("INSERT INTO invitations(invite_id, name, role, created_at, "
                 "expires_at) VALUES (?, ?, ?, ?, ?)"));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(1, inv.invite_id));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(2, inv.name));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(3, inv.role));
  PALABRE_RETURN_IF_ERROR(stmt.BindInt(4, inv.created_at));
  PALABRE_RETURN_IF_ERROR(stmt.BindInt(5, inv.expires_at));
  return stmt.Run();
}

StatusOr<Invitation> LoadInvitation(Database& db, std::string_view invite_id) {
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT invite_id, name, role, created_at, expires_at "
                 "FROM invitations WHERE invite_id = ?"));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(1, invite_id));
  PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return NotFoundError("this vault issued no such invitation");
  Invitation inv;
  inv.invite_id = stmt.ColumnText(0);
  inv.name = stmt.ColumnText(1);
  inv.role = stmt.ColumnText(2);
  inv.created_at = stmt.ColumnInt(3);
  inv.expires_at = stmt.ColumnInt(4);
  return inv;
}

}  // namespace palabre
