// Entry encoding, hashing, signing, appending and reading (see
// entry_log.h). The exact bytes hashed are documented in docs/entry-log.md;
// changing EntryHashInput breaks every existing chain.
#include "core/entry_log.h"

#include <sodium.h>

#include <algorithm>

#include "core/body_codec.h"
#include "core/database.h"
#include "platform/clock.h"

namespace palabre {
namespace {

constexpr char kEntryDomain[] = "palabre.entry/1";
constexpr std::size_t kHashBytes = 32;
constexpr std::size_t kBodyKeyBytes = 16;

void PutU64(std::string& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out += static_cast<char>((v >> shift) & 0xff);
  }
}

void PutShort(std::string& out, std::string_view text) {
  out += static_cast<char>(std::min<std::size_t>(text.size(), 255));
  out.append(text.substr(0, 255));
}

std::string RawId(std::string_view hex) {
  std::string raw = FromHex(hex);
  raw.resize(16, '\0');
  return raw;
}

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
  e.body_hash = stmt.ColumnText(8);
  e.hash = stmt.ColumnText(9);
  e.signature = stmt.ColumnText(10);
  if (!stmt.ColumnIsNull(11)) {
    StatusOr<std::string> body = UnpackBody(stmt.ColumnText(11));
    if (!body.ok()) {
      *status =
          DataLossError("device " + e.device_id.substr(0, 8) + " seq " +
                        std::to_string(e.seq) + ": " + body.status().message());
    } else {
      e.body = std::move(*body);
    }
  }
  if (!stmt.ColumnIsNull(12)) e.body_key = stmt.ColumnText(12);
  return e;
}

constexpr char kEntryColumns[] =
    "device_id, seq, prev_hash, hlc, record_id, type, op, parent_id, "
    "body_hash, hash, signature, body, body_key";

}  // namespace

std::string NewRecordId() {
  uint8_t raw[16];
  randombytes_buf(raw, sizeof raw);
  return ToHex(std::string_view(reinterpret_cast<const char*>(raw), 16));
}

std::string EntryHashInput(const Entry& e) {
  std::string out(kEntryDomain, sizeof kEntryDomain);  // with its NUL
  out += RawId(e.device_id);
  PutU64(out, static_cast<uint64_t>(e.seq));
  out += e.prev_hash;
  PutU64(out, static_cast<uint64_t>(e.hlc));
  out += RawId(e.record_id);
  PutShort(out, e.type);
  PutShort(out, e.op);
  out += e.body_hash;
  return out;
}

std::string ComputeEntryHash(const Entry& entry) {
  const std::string input = EntryHashInput(entry);
  uint8_t hash[kHashBytes];
  crypto_generichash(hash, sizeof hash,
                     reinterpret_cast<const uint8_t*>(input.data()),
                     input.size(), nullptr, 0);
  return std::string(reinterpret_cast<const char*>(hash), sizeof hash);
}

std::string ComputeBodyHash(std::string_view body_key, std::string_view body) {
  uint8_t hash[kHashBytes];
  crypto_generichash(hash, sizeof hash,
                     reinterpret_cast<const uint8_t*>(body.data()), body.size(),
                     reinterpret_cast<const uint8_t*>(body_key.data()),
                     body_key.size());
  return std::string(reinterpret_cast<const char*>(hash), sizeof hash);
}

StatusOr<LogWriter> LogWriter::Begin(Database& db, const DeviceKey* key) {
  if (key == nullptr || key->device_id.empty()) {
    return FailedPreconditionError("this vault has no device key");
  }
  LogWriter writer(&db, key);
  writer.last_hash_.assign(kHashBytes, '\0');
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT seq, hash, hlc FROM log_entries WHERE device_id = ? "
                 "ORDER BY seq DESC LIMIT 1"));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(1, key->device_id));
  PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (row) {
    writer.last_seq_ = stmt.ColumnInt(0);
    writer.last_hash_ = stmt.ColumnText(1);
    writer.last_hlc_ = stmt.ColumnInt(2);
  }
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
  e.body_key.resize(kBodyKeyBytes);
  randombytes_buf(e.body_key.data(), e.body_key.size());
  e.body_hash = ComputeBodyHash(e.body_key, body);
  e.hash = ComputeEntryHash(e);
  e.signature = Sign(*key_, e.hash);
  e.body = body;

  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db_->Prepare(std::string("INSERT INTO log_entries(") + kEntryColumns +
                   ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(1, e.device_id));
  PALABRE_RETURN_IF_ERROR(stmt.BindInt(2, e.seq));
  PALABRE_RETURN_IF_ERROR(stmt.BindBlob(3, e.prev_hash));
  PALABRE_RETURN_IF_ERROR(stmt.BindInt(4, e.hlc));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(5, e.record_id));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(6, e.type));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(7, e.op));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(8, e.parent_id));
  PALABRE_RETURN_IF_ERROR(stmt.BindBlob(9, e.body_hash));
  PALABRE_RETURN_IF_ERROR(stmt.BindBlob(10, e.hash));
  PALABRE_RETURN_IF_ERROR(stmt.BindBlob(11, e.signature));
  PALABRE_RETURN_IF_ERROR(stmt.BindBlob(12, PackBody(body)));
  PALABRE_RETURN_IF_ERROR(stmt.BindBlob(13, e.body_key));
  PALABRE_RETURN_IF_ERROR(stmt.Run());
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

Status EraseBodies(Database& db, std::string_view record_id) {
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("UPDATE log_entries SET body = NULL, body_key = NULL "
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
