// Sync state, receipts and invitations in the vault (core/sync_state.h).
#include "core/sync_state.h"

#include <charconv>

#include "core/database.h"
#include "core/entry_log.h"

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
      db.Prepare(
          "INSERT OR REPLACE INTO sync_state(key, value) VALUES (?, ?)"));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(1, key));
  PALABRE_RETURN_IF_ERROR(stmt.BindBlob(2, value));
  return stmt.Run();
}

StatusOr<int64_t> GetSyncInt(Database& db, std::string_view key) {
  PALABRE_ASSIGN_OR_RETURN(std::string text, GetSyncValue(db, key));
  int64_t value = 0;
  if (text.empty()) return value;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value);
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
      db.Prepare("INSERT OR IGNORE INTO receipts(device_id, first_seq, "
                 "last_seq, last_hash, first_cursor, received_at, signature, "
                 "format) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  for (const Receipt& r : receipts) {
    stmt.Reset();
    PALABRE_RETURN_IF_ERROR(stmt.BindText(1, r.device_id));
    PALABRE_RETURN_IF_ERROR(stmt.BindInt(2, r.first_seq));
    PALABRE_RETURN_IF_ERROR(stmt.BindInt(3, r.last_seq));
    PALABRE_RETURN_IF_ERROR(stmt.BindBlob(4, r.last_hash));
    PALABRE_RETURN_IF_ERROR(stmt.BindInt(5, r.first_cursor));
    PALABRE_RETURN_IF_ERROR(stmt.BindInt(6, r.received_at));
    PALABRE_RETURN_IF_ERROR(stmt.BindBlob(7, r.signature));
    PALABRE_RETURN_IF_ERROR(stmt.BindInt(8, r.format));
    PALABRE_RETURN_IF_ERROR(stmt.Run());
  }
  return Status::Ok();
}

StatusOr<int64_t> LastReceiptSeq(Database& db, std::string_view device_id) {
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT coalesce(max(last_seq), 0) FROM receipts "
                 "WHERE device_id = ?"));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(1, device_id));
  PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? stmt.ColumnInt(0) : 0;
}

StatusOr<std::vector<Receipt>> LoadReceipts(Database& db) {
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT device_id, first_seq, last_seq, last_hash, "
                 "first_cursor, received_at, signature, format FROM receipts "
                 "ORDER BY device_id, first_seq, last_seq"));
  std::vector<Receipt> out;
  while (true) {
    PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return out;
    Receipt r;
    r.device_id = stmt.ColumnText(0);
    r.first_seq = stmt.ColumnInt(1);
    r.last_seq = stmt.ColumnInt(2);
    r.last_hash = stmt.ColumnText(3);
    r.first_cursor = stmt.ColumnInt(4);
    r.received_at = stmt.ColumnInt(5);
    r.signature = stmt.ColumnText(6);
    r.format = static_cast<int>(stmt.ColumnInt(7));
    out.push_back(std::move(r));
  }
}

Status CheckReceiptHeld(Database& db, const Receipt& receipt,
                        std::string_view server_key) {
  if (!VerifyReceipt(receipt, server_key).ok()) {
    return PermissionDeniedError("the receipt for " + ReceiptName(receipt) +
                                 " is not signed by the server's key");
  }
  PALABRE_ASSIGN_OR_RETURN(std::optional<Entry> last,
                           LoadEntry(db, receipt.device_id, receipt.last_seq));
  if (!last.has_value() || last->hash != receipt.last_hash) {
    return PermissionDeniedError("the receipt for " + ReceiptName(receipt) +
                                 " names entries this vault does not hold");
  }
  return Status::Ok();
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
