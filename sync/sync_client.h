// The sync client: what `palabre sync`, `enroll` and `org approve|revoke`
// do against the partner server, on a vault that is open.
//
// A sync pushes this device's entries the server lacks, then (on a
// coordinator's vault) pulls every device's entries after the vault's pull
// cursor, verifies them and imports them. It resumes from what the server
// says it holds (its chain head for this device), never from local "sent"
// flags; receipts (one for each run of entries a push added) are checked
// (the server's key, the range following what was acknowledged, the hash
// of the entry they end with) and kept. Batches are sized in bytes: they grow while the link holds and
// shrink when it fails. On a failing link the whole exchange is retried
// with exponential backoff and jitter until `max_wait_ms` is spent; what
// was acknowledged stays acknowledged, so running sync again continues.
//
// An entry the server or this vault refuses is reported in `rejected`
// (its device, seq, a stable code and a message) and stops that device's
// chain for this sync, never silently: the rest of the sync goes on.
#ifndef PALABRE_SYNC_SYNC_CLIENT_H_
#define PALABRE_SYNC_SYNC_CLIENT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/organisation.h"
#include "platform/status.h"
#include "sync/envelope_import.h"
#include "sync/http_client.h"
#include "sync/invite.h"

namespace palabre {
class Database;
}

namespace palabre::sync {

struct SyncProgress {
  int64_t pushed = 0;     // entries the server acknowledged, this sync
  int64_t to_push = 0;    // entries this device had to push
  int64_t pulled = 0;     // entries imported, this sync
  int64_t attempts = 0;   // exchanges started (1 + retries)
  std::string stage;      // "connecting", "pushing", "pulling", "waiting"
};

struct SyncResult {
  int64_t pushed = 0;
  int64_t pulled = 0;
  std::vector<Rejection> rejected;
  int64_t attempts = 0;
  int64_t requests = 0;
  int64_t bytes_sent = 0;
  int64_t bytes_received = 0;
};

struct SyncOptions {
  // Overall time for retries, and the deadline of one request.
  int64_t max_wait_ms = 120000;
  int64_t request_deadline_ms = 60000;
  // The first batch, in bytes of envelopes; doubles after each success up
  // to about the server's limit, quarters after a failure.
  std::size_t initial_batch_bytes = 64 * 1024;
  std::function<void(const SyncProgress&)> progress;
  // Sleeps between retries (a fake in tests); the default really sleeps.
  std::function<void(int64_t ms)> sleep;
  // Asked before each request and each wait: true stops the sync there
  // with kCancelled (what was acknowledged stays acknowledged). Unset:
  // never. `palabre ui` sets it so that Lock and Wipe need not wait for a
  // whole sync.
  std::function<bool()> cancelled;
};

// Runs one sync. OK with the result when the exchange completed (even with
// rejections). On failure the status says how far it got; errors:
//   kUnavailable        the server could not be reached within max_wait_ms
//                       (what it acknowledged is kept; run again)
//   kPermissionDenied   the server refuses this device (approval pending,
//                       revoked, unknown) or its key changed
//   kFailedPrecondition this vault belongs to no organisation, or holds an
//                       older copy of this device's chain than the server
//   kCancelled          options.cancelled said stop
// `result` is filled in either case.
Status RunSync(Database& db, HttpClient& http, const SyncOptions& options,
               SyncResult* result);

// Meets the server once (its hello) to pin its receipt key and, over TLS,
// its TLS key, as a first sync would. Errors as RunSync.
Status MeetServer(Database& db, HttpClient& http, const SyncOptions& options);

// Relays a bundle's envelopes to the server, as any enrolled device may:
// each device's envelopes in chain order, in batches; the server takes what
// it lacks and answers what it holds with the receipts that cover it (each
// checked against the bundle's entries).
// `result->pushed` counts the envelopes the server acknowledged;
// refusals (a device not approved, a fork, ...) are in `result->rejected`
// and stop only that device. Errors as RunSync.
Status RelayBundle(Database& db, HttpClient& http,
                   const std::vector<std::string>& envelopes,
                   const SyncOptions& options, SyncResult* result);

// Enrols this vault's device with `code` (its organisation must not be
// another one): records the organisation's public identity and the pins,
// then sends the enrolment. Answers the device's state ("pending", or
// "approved" on a retried enrolment). Errors as RunSync, plus
// kAlreadyExists/kPermissionDenied for a used or expired invitation.
StatusOr<std::string> EnrollDevice(Database& db, HttpClient& http,
                                   const InviteCode& code,
                                   const SyncOptions& options);

// A device the server knows, as a coordinator sees it.
struct ServerDevice {
  std::string device_id;
  std::string name;
  std::string role;
  std::string status;  // pending, approved, revoked
  std::string public_key;
  InviteGrant grant;       // set while pending
  int64_t revoked_at = 0;  // 0 if not revoked
  int64_t head_seq = 0;
};

// The server's devices (coordinators only).
StatusOr<std::vector<ServerDevice>> FetchDevices(Database& db,
                                                 HttpClient& http,
                                                 const SyncOptions& options);

// Signs certificates for pending devices (all of them, or the one whose id
// starts with `device_prefix`) and uploads them. A pending device whose
// grant the organisation did not sign is skipped. Answers the devices
// approved. kNotFound if no pending device matches.
StatusOr<std::vector<ServerDevice>> ApproveDevices(
    Database& db, HttpClient& http, const std::string& device_prefix,
    const SyncOptions& options);

// Revokes the device whose id starts with `device_prefix` (it must be
// known to the server) and uploads the revocation. Answers the device.
StatusOr<ServerDevice> RevokeDevice(Database& db, HttpClient& http,
                                    const std::string& device_prefix,
                                    const SyncOptions& options);

}  // namespace palabre::sync

#endif  // PALABRE_SYNC_SYNC_CLIENT_H_
