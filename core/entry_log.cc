// Appending, reading and erasing log entries (see entry_log.h); the sealed
// form and the hashes are core/entry_seal.cc's.
#include "core/entry_log.h"

#include <sodium.h>

#include <algorithm>

#include "core/body_codec.h"
#include "core/database.h"
#include "core/entry_seal.h"
#include "platform/clock.h"

namespace palabre {
namespace {

Entry ReadRow(const Statement& stmt, Status* status) {
  Entry e;
  e.device_id = stmt.ColumnText(0);
  e.seq = stmt.ColumnInt(1);
  e.prev_hash = stmt.ColumnText(2);
  e.hlc = stmt.ColumnInt(3);
  e.record_id = stmt.ColumnText(4);
  e.type = stmt.ColumnText(5);
  e.op = stmt.ColumnText(6);
  e.parent_id = stmt.ColumnText(7);
  e.ciphertext_hash = stmt.ColumnText(8);
  e.signature = stmt.ColumnText(9);
  // The entry hash is not stored: it follows from the header fields and
  // the ciphertext hash.
  e.hash = ComputeEntryHash(e);
  if (!stmt.ColumnIsNull(10)) {
    e.packed_body = stmt.ColumnText(10);
    StatusOr<std::string> body = UnpackBody(*e.packed_body);
    if (!body.ok()) {
      *status =
          DataLossError("device " + e.device_id.substr(0, 8) + " seq " +
                        std::to_string(e.seq) + ": " + body.status().message());
    } else {
      e.body = std::move(*body);
    }
  }
  if (!stmt.ColumnIsNull(11)) e.dek = stmt.ColumnText(11);
  return e;
}

constexpr char kEntryColumns[] =
    "device_id, seq, prev_hash, hlc, record_id, type, op, parent_id, "
    "ciphertext_hash, signature, body, dek";

}  // namespace

std::string NewRecordId() {
  uint8_t raw[16];
  randombytes_buf(raw, sizeof raw);
  return ToHex(std::string_view(reinterpret_cast<const char*>(raw), 16));
}

std::string ComputeEntryHash(const Entry& e) {
  return SealedEntryHash(EntryHeader(e.device_id, e.seq, e.prev_hash, e.hlc),
                         e.ciphertext_hash);
}

StatusOr<std::string> SealEntry(const Entry& e) {
  if (!e.packed_body.has_value() || e.dek.empty()) {
    return FailedPreconditionError("the entry's body was erased");
  }
  PALABRE_ASSIGN_OR_RETURN(
      std::string payload,
      EncodePayload({e.device_id, e.seq, e.record_id, e.type, e.op, e.parent_id,
                     *e.packed_body}));
  return SealPayload(e.dek, EntryHeader(e.device_id, e.seq, e.prev_hash, e.hlc),
                     payload);
}

Status SignEntry(Entry& e, const DeviceKey& key) {
  PALABRE_ASSIGN_OR_RETURN(std::string ciphertext, SealEntry(e));
  e.ciphertext_hash = CiphertextHash(ciphertext);
  e.hash = ComputeEntryHash(e);
  e.signature = Sign(key, e.hash);
  return Status::Ok();
}

StatusOr<LogWriter> LogWriter::Begin(Database& db, const DeviceKey* key) {
  if (key == nullptr || key->device_id.empty()) {
    return FailedPreconditionError("this vault has no device key");
  }
  LogWriter writer(&db, key);
  PALABRE_ASSIGN_OR_RETURN(ChainHead head, LoadChainHead(db, key->device_id));
  writer.last_seq_ = head.seq;
  writer.last_hash_ = head.hash;
  writer.last_hlc_ = head.hlc;
  // The clock never goes backwards past anything this vault has seen.
  PALABRE_ASSIGN_OR_RETURN(int64_t max_hlc,
                           db.QueryInt("SELECT coalesce(max(hlc), 0) "
                                       "FROM log_entries"));
  writer.last_hlc_ = std::max(writer.last_hlc_, max_hlc);
  return writer;
}

StatusOr<Entry> LogWriter::Append(std::string_view record_id,
                                  std::string_view type, std::string_view op,
                                  std::string_view parent_id,
                                  const std::string& body) {
  Entry e;
  e.device_id = key_->device_id;
  e.seq = last_seq_ + 1;
  e.prev_hash = last_hash_;
  e.hlc = std::max(NowUnixMillis() << 16, last_hlc_ + 1);
  e.record_id = std::string(record_id);
  e.type = std::string(type);
  e.op = std::string(op);
  e.parent_id = std::string(parent_id);
  e.packed_body = PackBody(body);
  e.dek = NewDek();
  PALABRE_RETURN_IF_ERROR(SignEntry(e, *key_));
  e.body = body;

  PALABRE_RETURN_IF_ERROR(InsertEntry(*db_, e));
  last_seq_ = e.seq;
  last_hash_ = e.hash;
  last_hlc_ = e.hlc;
  return e;
}

StatusOr<std::optional<std::string>> ReadEntryBody(Database& db,
                                                   std::string_view device_id,
                                                   int64_t seq) {
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT body FROM log_entries WHERE device_id = ? AND "
                 "seq = ?"));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(1, device_id));
  PALABRE_RETURN_IF_ERROR(stmt.BindInt(2, seq));
  PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return NotFoundError("no such log entry");
  if (stmt.ColumnIsNull(0)) return std::optional<std::string>();
  PALABRE_ASSIGN_OR_RETURN(std::string body, UnpackBody(stmt.ColumnText(0)));
  return std::optional<std::string>(std::move(body));
}

// log_by_record and log_by_parent index the first 8 hex digits of an id
// (32 random bits: a few false hits per million lookups, which the full
// comparison drops) at a third of the size of an index on the whole id.
// A query reaches them only by naming the same expression, and the full
// comparison is written `+column = ?1`: without the unary plus, SQLite's
// constant propagation rewrites substr(column, ...) into substr(?1, ...),
// which no longer matches the index, and the query scans the whole log.
StatusOr<std::vector<std::string>> ChildRecords(Database& db,
                                                std::string_view parent_id,
                                                std::string_view type) {
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT DISTINCT record_id FROM log_entries WHERE "
                 "substr(parent_id, 1, 8) = substr(?1, 1, 8) AND "
                 "parent_id != '' AND +parent_id = ?1 AND type = ?2"));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(1, parent_id));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(2, type));
  std::vector<std::string> out;
  while (true) {
    PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return out;
    out.push_back(stmt.ColumnText(0));
  }
}

Status InsertEntry(Database& db, const Entry& e) {
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare(std::string("INSERT INTO log_entries(") + kEntryColumns +
                 ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(1, e.device_id));
  PALABRE_RETURN_IF_ERROR(stmt.BindInt(2, e.seq));
  PALABRE_RETURN_IF_ERROR(stmt.BindBlob(3, e.prev_hash));
  PALABRE_RETURN_IF_ERROR(stmt.BindInt(4, e.hlc));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(5, e.record_id));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(6, e.type));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(7, e.op));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(8, e.parent_id));
  PALABRE_RETURN_IF_ERROR(stmt.BindBlob(9, e.ciphertext_hash));
  PALABRE_RETURN_IF_ERROR(stmt.BindBlob(10, e.signature));
  if (e.packed_body.has_value() && !e.dek.empty()) {
    PALABRE_RETURN_IF_ERROR(stmt.BindBlob(11, *e.packed_body));
    PALABRE_RETURN_IF_ERROR(stmt.BindBlob(12, e.dek));
  } else {
    PALABRE_RETURN_IF_ERROR(stmt.BindNull(11));
    PALABRE_RETURN_IF_ERROR(stmt.BindNull(12));
  }
  return stmt.Run();
}

StatusOr<ChainHead> LoadChainHead(Database& db, std::string_view device_id) {
  ChainHead head;
  head.hash.assign(kEntryHashBytes, '\0');
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT seq, prev_hash, hlc, ciphertext_hash FROM log_entries "
                 "WHERE device_id = ? "
                 "ORDER BY seq DESC LIMIT 1"));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(1, device_id));
  PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (row) {
    head.seq = stmt.ColumnInt(0);
    head.hlc = stmt.ColumnInt(2);
    head.hash = SealedEntryHash(
        EntryHeader(device_id, head.seq, stmt.ColumnText(1), head.hlc),
        stmt.ColumnText(3));
  }
  return head;
}

StatusOr<std::optional<Entry>> LoadEntry(Database& db,
                                         std::string_view device_id,
                                         int64_t seq) {
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare(std::string("SELECT ") + kEntryColumns +
                 " FROM log_entries WHERE device_id = ? AND seq = ?"));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(1, device_id));
  PALABRE_RETURN_IF_ERROR(stmt.BindInt(2, seq));
  PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<Entry>();
  Status status;
  Entry e = ReadRow(stmt, &status);
  PALABRE_RETURN_IF_ERROR(status);
  return std::optional<Entry>(std::move(e));
}

Status ForEachDeviceEntry(Database& db, std::string_view device_id,
                          int64_t after_seq,
                          const std::function<StatusOr<bool>(const Entry&)>&
                              visit) {
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare(std::string("SELECT ") + kEntryColumns +
                 " FROM log_entries WHERE device_id = ? AND seq > ? "
                 "ORDER BY seq"));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(1, device_id));
  PALABRE_RETURN_IF_ERROR(stmt.BindInt(2, after_seq));
  while (true) {
    PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return Status::Ok();
    Status status;
    Entry e = ReadRow(stmt, &status);
    PALABRE_RETURN_IF_ERROR(status);
    PALABRE_ASSIGN_OR_RETURN(bool more, visit(e));
    if (!more) return Status::Ok();
  }
}

Status EraseBodies(Database& db, std::string_view record_id) {
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("UPDATE log_entries SET body = NULL, dek = NULL "
                 "WHERE substr(record_id, 1, 8) = substr(?1, 1, 8) AND "
                 "+record_id = ?1 AND op != 'redact'"));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(1, record_id));
  return stmt.Run();
}

Status ForEachEntry(Database& db, bool by_chain,
                    const std::function<Status(const Entry&)>& visit) {
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare(std::string("SELECT ") + kEntryColumns +
                 " FROM log_entries ORDER BY " +
                 (by_chain ? "device_id, seq" : "hlc, device_id, seq")));
  while (true) {
    PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return Status::Ok();
    Status status;
    Entry e = ReadRow(stmt, &status);
    PALABRE_RETURN_IF_ERROR(status);
    PALABRE_RETURN_IF_ERROR(visit(e));
  }
}

}  // namespace palabre
