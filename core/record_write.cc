// One transactional write to the records (see record_write.h).
#include "core/record_write.h"

#include "core/database.h"
#include "core/device_key.h"

namespace palabre {

StatusOr<Entry> RecordWrite::Put(std::string_view record_id,
                                 std::string_view type, std::string_view op,
                                 std::string_view parent,
                                 const nlohmann::json& body) {
  if (op != kOpRedact) {
    PALABRE_ASSIGN_OR_RETURN(
        Statement find,
        db_.Prepare("SELECT 1 FROM redacted WHERE record_id = ?"));
    PALABRE_RETURN_IF_ERROR(find.BindText(1, record_id));
    PALABRE_ASSIGN_OR_RETURN(bool redacted, find.Step());
    if (redacted) {
      return InvalidArgumentError("record " +
                                  std::string(record_id.substr(0, 8)) +
                                  " was redacted; it cannot be written again");
    }
  }
  PALABRE_ASSIGN_OR_RETURN(
      Entry e,
      log_.Append(
          record_id, type, op, parent,
          body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
  PALABRE_RETURN_IF_ERROR(projection_.Apply(e));
  return e;
}

Status RunRecordWrite(Database& db,
                      const std::function<Status(RecordWrite&)>& body) {
  PALABRE_ASSIGN_OR_RETURN(DeviceKey key, LoadDeviceKey(db));
  return db.Transaction([&]() -> Status {
    PALABRE_ASSIGN_OR_RETURN(LogWriter log, LogWriter::Begin(db, &key));
    RecordWrite write(std::move(log), db);
    PALABRE_RETURN_IF_ERROR(body(write));
    return write.Flush();
  });
}

}  // namespace palabre
