// Entry format 1 to 2 (see log_upgrade.h).
#include "core/log_upgrade.h"

#include "core/database.h"
#include "core/device_key.h"
#include "core/entry_log.h"
#include "core/entry_seal.h"

namespace palabre {

Status ResealLogToFormat2(Database& db) {
  PALABRE_ASSIGN_OR_RETURN(int64_t entries,
                           db.QueryInt("SELECT count(*) FROM log_entries"));
  if (entries == 0) return Status::Ok();
  PALABRE_ASSIGN_OR_RETURN(DeviceKey key, LoadDeviceKey(db));
  {
    PALABRE_ASSIGN_OR_RETURN(
        Statement others,
        db.Prepare("SELECT device_id FROM log_entries WHERE device_id != ?1 "
                   "LIMIT 1"));
    PALABRE_RETURN_IF_ERROR(others.BindText(1, key.device_id));
    PALABRE_ASSIGN_OR_RETURN(bool any, others.Step());
    if (any) {
      return FailedPreconditionError(
          "the log holds entries of device " +
          others.ColumnText(0).substr(0, 8) +
          ", which this vault cannot sign again for entry format 2");
    }
  }
  PALABRE_ASSIGN_OR_RETURN(
      int64_t last,
      db.QueryInt("SELECT coalesce(max(seq), 0) FROM log_entries"));
  PALABRE_ASSIGN_OR_RETURN(
      Statement read,
      db.Prepare("SELECT hlc, record_id, type, op, parent_id, body "
                 "FROM log_entries WHERE device_id = ?1 AND seq = ?2"));
  PALABRE_ASSIGN_OR_RETURN(
      Statement write,
      db.Prepare("UPDATE log_entries SET prev_hash = ?3, ciphertext_hash = ?4,"
                 " signature = ?5, dek = ?6"
                 " WHERE device_id = ?1 AND seq = ?2"));
  std::string prev(kEntryHashBytes, '\0');
  for (int64_t seq = 1; seq <= last; ++seq) {
    read.Reset();
    PALABRE_RETURN_IF_ERROR(read.BindText(1, key.device_id));
    PALABRE_RETURN_IF_ERROR(read.BindInt(2, seq));
    PALABRE_ASSIGN_OR_RETURN(bool row, read.Step());
    if (!row) {
      return DataLossError("device " + key.device_id.substr(0, 8) + " seq " +
                           std::to_string(seq) + ": missing from the log");
    }
    Entry e;
    e.device_id = key.device_id;
    e.seq = seq;
    e.prev_hash = prev;
    e.hlc = read.ColumnInt(0);
    e.record_id = read.ColumnText(1);
    e.type = read.ColumnText(2);
    e.op = read.ColumnText(3);
    e.parent_id = read.ColumnText(4);
    const bool erased = read.ColumnIsNull(5);
    e.packed_body = erased ? std::string() : read.ColumnText(5);
    read.Reset();  // no read left open on the table while writing it
    e.dek = NewDek();
    if (Status sealed = SignEntry(e, key); !sealed.ok()) {
      return DataLossError("device " + key.device_id.substr(0, 8) + " seq " +
                           std::to_string(seq) +
                           ": cannot be sealed: " + sealed.message());
    }
    write.Reset();
    PALABRE_RETURN_IF_ERROR(write.BindText(1, e.device_id));
    PALABRE_RETURN_IF_ERROR(write.BindInt(2, seq));
    PALABRE_RETURN_IF_ERROR(write.BindBlob(3, e.prev_hash));
    PALABRE_RETURN_IF_ERROR(write.BindBlob(4, e.ciphertext_hash));
    PALABRE_RETURN_IF_ERROR(write.BindBlob(5, e.signature));
    if (erased) {
      PALABRE_RETURN_IF_ERROR(write.BindNull(6));
    } else {
      PALABRE_RETURN_IF_ERROR(write.BindBlob(6, e.dek));
    }
    PALABRE_RETURN_IF_ERROR(write.Run());
    prev = e.hash;
  }
  return Status::Ok();
}

}  // namespace palabre
