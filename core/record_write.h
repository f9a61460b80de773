// RecordWrite: one write to the records, inside one transaction. Entries are
// appended to this device's log and applied to the stored projections as
// they go; the full-text index is brought up to date before the commit.
// Shared by the store (core/record_store.cc) and the import
// (core/record_exchange.cc).
#ifndef PALABRE_CORE_RECORD_WRITE_H_
#define PALABRE_CORE_RECORD_WRITE_H_

#include <functional>
#include <nlohmann/json.hpp>
#include <string_view>

#include "core/entry_log.h"
#include "core/projection.h"
#include "platform/status.h"

namespace palabre {

class Database;

class RecordWrite {
 public:
  RecordWrite(LogWriter log, Database& db)
      : db_(db), log_(std::move(log)), projection_(db, "main") {}

  // Appends one entry (body serialized compactly) and applies it.
  // kInvalidArgument for a put or delete on a redacted record.
  StatusOr<Entry> Put(std::string_view record_id, std::string_view type,
                      std::string_view op, std::string_view parent,
                      const nlohmann::json& body);
  // Updates the full-text index for what was touched so far.
  Status Flush() { return projection_.Flush(); }

 private:
  Database& db_;
  LogWriter log_;
  Projection projection_;
};

// Runs `body` with a RecordWrite inside one transaction (BEGIN IMMEDIATE),
// flushing the index before the commit. On any error nothing is written.
Status RunRecordWrite(Database& db,
                      const std::function<Status(RecordWrite&)>& body);

}  // namespace palabre

#endif  // PALABRE_CORE_RECORD_WRITE_H_
