// The last sync's outcome (see last_sync.h), stored as a small JSON object.
// nlohmann::json may throw; nothing here lets it escape.
#include "sync/last_sync.h"

#include <nlohmann/json.hpp>

#include "core/sync_state.h"

namespace palabre::sync {
namespace {

using nlohmann::json;

int64_t IntField(const json& j, const char* key) {
  return j.contains(key) && j[key].is_number_integer() ? j[key].get<int64_t>()
                                                       : 0;
}

std::string TextField(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

}  // namespace

LastSync MakeLastSync(const Status& status, const SyncResult& result,
                      int64_t finished_at) {
  LastSync last;
  last.finished_at = finished_at;
  last.ok = status.ok();
  if (!status.ok()) {
    last.code = std::string(StatusCodeName(status.code()));
    last.message = status.message();
  }
  last.pushed = result.pushed;
  last.pulled = result.pulled;
  last.rejected = static_cast<int64_t>(result.rejected.size());
  last.attempts = result.attempts;
  return last;
}

Status StoreLastSync(Database& db, const LastSync& last) {
  const json j = {{"finished_at", last.finished_at},
                  {"ok", last.ok},
                  {"code", last.code},
                  {"message", last.message},
                  {"pushed", last.pushed},
                  {"pulled", last.pulled},
                  {"rejected", last.rejected},
                  {"attempts", last.attempts}};
  return SetSyncValue(db, kSyncLastResult,
                      j.dump(-1, ' ', false, json::error_handler_t::replace));
}

StatusOr<std::optional<LastSync>> LoadLastSync(Database& db) {
  PALABRE_ASSIGN_OR_RETURN(std::string text, GetSyncValue(db, kSyncLastResult));
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("ok") || !j["ok"].is_boolean()) {
    return std::optional<LastSync>();
  }
  LastSync last;
  last.finished_at = IntField(j, "finished_at");
  last.ok = j["ok"].get<bool>();
  last.code = TextField(j, "code");
  last.message = TextField(j, "message");
  last.pushed = IntField(j, "pushed");
  last.pulled = IntField(j, "pulled");
  last.rejected = IntField(j, "rejected");
  last.attempts = IntField(j, "attempts");
  return std::optional<LastSync>(last);
}

}  // namespace palabre::sync
