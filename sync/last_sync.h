// The last sync's outcome, kept in the vault (sync_state "last_result") so
// that whoever syncs next, from `palabre sync` or from the web app, can see
// when the vault last met its server and how it went.
//
// It holds counts and a status code, never record text: a rejection is
// summed up by its count, and the message is the sync's own (it names
// devices and sequence numbers, not contents).
#ifndef PALABRE_SYNC_LAST_SYNC_H_
#define PALABRE_SYNC_LAST_SYNC_H_

#include <cstdint>
#include <optional>
#include <string>

#include "platform/status.h"
#include "sync/sync_client.h"

namespace palabre {
class Database;
}

namespace palabre::sync {

struct LastSync {
  int64_t finished_at = 0;  // unix milliseconds
  bool ok = false;          // the exchange completed (refusals possible)
  std::string code;         // StatusCodeName of the failure; "" when ok
  std::string message;      // the failure's message; "" when ok
  int64_t pushed = 0;
  int64_t pulled = 0;
  int64_t rejected = 0;  // entries refused (see SyncResult::rejected)
  int64_t attempts = 0;
};

// The outcome of a sync that ended with `status` and `result` at
// `finished_at`. Never fails.
LastSync MakeLastSync(const Status& status, const SyncResult& result,
                      int64_t finished_at);

// Stores `last` in `db`, replacing the previous one.
Status StoreLastSync(Database& db, const LastSync& last);

// The stored outcome; nullopt if this vault never synced (or kept an
// unreadable value, which is treated as none). Database errors propagate.
StatusOr<std::optional<LastSync>> LoadLastSync(Database& db);

}  // namespace palabre::sync

#endif  // PALABRE_SYNC_LAST_SYNC_H_
