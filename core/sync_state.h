// Sync state: what a vault remembers of the partner server between syncs.
//
// Small named values (sync_state table): the server's receipt key, pinned
// at the first contact and never silently replaced; the TLS key pin of the
// server (from the invitation); the request counter (each signed request
// carries a larger one, docs/protocol.md); the coordinator's pull cursor.
// None of them decides what is pushed: a sync resumes from what the server
// says it holds, never from local "sent" flags.
//
// Receipts: the server's signed acknowledgements of runs of this vault's
// entries (core/receipt.h), checked by `palabre verify`.
//
// Invitations: the ones a coordinator issued (`org invite`), so that
// `org approve` knows them.
#ifndef PALABRE_CORE_SYNC_STATE_H_
#define PALABRE_CORE_SYNC_STATE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/receipt.h"
#include "platform/status.h"

namespace palabre {

class Database;

// Names of sync_state values.
inline constexpr char kSyncServerKey[] = "server_key";    // 32 raw bytes
inline constexpr char kSyncTlsPin[] = "tls_pin";          // 32 raw bytes
inline constexpr char kSyncCounter[] = "counter";         // decimal
inline constexpr char kSyncPullCursor[] = "pull_cursor";  // decimal
inline constexpr char kSyncLastResult[] = "last_result";  // JSON text

// The value named `key`, or "" if none is stored.
StatusOr<std::string> GetSyncValue(Database& db, std::string_view key);
Status SetSyncValue(Database& db, std::string_view key, std::string_view value);
// The same for decimal integers (0 if none).
StatusOr<int64_t> GetSyncInt(Database& db, std::string_view key);
Status SetSyncInt(Database& db, std::string_view key, int64_t value);

// Stores receipts; one already held for the same (device, first seq, last
// seq) is kept.
Status StoreReceipts(Database& db, const std::vector<Receipt>& receipts);
// The highest seq of `device_id` a receipt this vault holds covers (0:
// none).
StatusOr<int64_t> LastReceiptSeq(Database& db, std::string_view device_id);
// Every receipt held, by device and first seq.
StatusOr<std::vector<Receipt>> LoadReceipts(Database& db);
// Whether `receipt` speaks for entries this vault holds: signed by
// `server_key`, and ending with the entry this vault holds at its last seq
// (whose hash commits the run before it). kPermissionDenied naming the
// receipt otherwise.
Status CheckReceiptHeld(Database& db, const Receipt& receipt,
                        std::string_view server_key);

struct Invitation {
  std::string invite_id;  // 32 hex
  std::string name;       // the device's name
  std::string role;       // kRoleFacilitator or kRoleCoordinator
  int64_t created_at = 0;
  int64_t expires_at = 0;  // unix milliseconds
};

Status StoreInvitation(Database& db, const Invitation& invitation);
// kNotFound if this vault did not issue `invite_id`.
StatusOr<Invitation> LoadInvitation(Database& db, std::string_view invite_id);

}  // namespace palabre

#endif  // PALABRE_CORE_SYNC_STATE_H_
