// The entry log: every change to a record is an immutable, signed entry in
// its author device's append-only log. The log is the single source of
// truth; the query tables are projections of it (core/projection.h).
//
// An entry is (device_id, seq, prev_hash, hlc) in the clear and (record_id,
// type, op, parent_id, body) sealed under the entry's own data key (DEK);
// its hash covers the header and the hash of the ciphertext, it chains to
// the previous entry of the same device through prev_hash (32 zero bytes
// for seq 1), and the device's Ed25519 key signs it (entry format 2,
// core/entry_seal.h; docs/protocol.md gives the bytes). The vault stores
// the fields, the deflated body (core/body_codec.h) and the DEK, and seals
// again when it needs the ciphertext. Redaction erases the body *and* the
// DEK: the chain still verifies, and the erased text cannot even be
// confirmed by guessing.
//
// hlc is a hybrid logical clock: (unix milliseconds << 16) | counter, never
// going backwards on one device even if the wall clock does.
//
// Types: "session", "commitment", "followup". Ops: "put" (a whole new
// version of the record), "delete" (a commitment left out by an edit),
// "redact" (the record must not exist any more; earlier bodies erased).
#ifndef PALABRE_CORE_ENTRY_LOG_H_
#define PALABRE_CORE_ENTRY_LOG_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/body_codec.h"  // PackBody, UnpackBody
#include "core/device_key.h"
#include "platform/status.h"

namespace palabre {

class Database;

inline constexpr char kTypeSession[] = "session";
inline constexpr char kTypeCommitment[] = "commitment";
inline constexpr char kTypeFollowUp[] = "followup";
inline constexpr char kOpPut[] = "put";
inline constexpr char kOpDelete[] = "delete";
inline constexpr char kOpRedact[] = "redact";

struct Entry {
  std::string device_id;  // 32 hex
  int64_t seq = 0;        // 1, 2, 3, ... per device
  std::string prev_hash;  // 32 raw bytes
  int64_t hlc = 0;
  std::string record_id;  // 32 hex
  std::string type;
  std::string op;
  std::string parent_id;        // session of a commitment, commitment of a
                                // follow-up (or of a redaction), "" otherwise
  std::string ciphertext_hash;  // 32 raw bytes
  std::string hash;             // 32 raw bytes (computed, not stored)
  std::string signature;        // 64 raw bytes
  std::optional<std::string> body;         // JSON text; nullopt once redacted
  std::optional<std::string> packed_body;  // as stored (body_codec.h)
  std::string dek;                         // 32 raw bytes; "" once redacted
};

// A new random record id (32 hex characters).
std::string NewRecordId();

// The entry's hash, from its header fields and ciphertext_hash.
std::string ComputeEntryHash(const Entry& entry);
// The entry's sealed payload (core/entry_seal.h), from its fields,
// packed_body and dek. kFailedPrecondition without a body or DEK;
// kInvalidArgument for fields that cannot be encoded.
StatusOr<std::string> SealEntry(const Entry& entry);
// Seals `entry` (its fields, packed_body and dek must be set) and sets its
// ciphertext_hash, hash and signature with `key`. Errors as SealEntry.
Status SignEntry(Entry& entry, const DeviceKey& key);

// The milliseconds part of an hlc value.
inline int64_t HlcMillis(int64_t hlc) { return hlc >> 16; }

// Appends entries to this device's log. Use inside a transaction: the head
// (last seq, hash, hlc) is read from the database at construction, so a
// writer that outlives a rolled-back transaction must not be reused.
class LogWriter {
 public:
  // kFailedPrecondition if the vault has no device key.
  static StatusOr<LogWriter> Begin(Database& db, const DeviceKey* key);

  // Appends one entry with `body` (JSON text) and returns it as stored.
  StatusOr<Entry> Append(std::string_view record_id, std::string_view type,
                         std::string_view op, std::string_view parent_id,
                         const std::string& body);

 private:
  LogWriter(Database* db, const DeviceKey* key) : db_(db), key_(key) {}
  Database* db_;
  const DeviceKey* key_;
  int64_t last_seq_ = 0;
  std::string last_hash_;
  int64_t last_hlc_ = 0;
};

// Reads the body of entry (device_id, seq): nullopt if it was redacted.
// kNotFound if there is no such entry; kDataLoss if it cannot be inflated.
StatusOr<std::optional<std::string>> ReadEntryBody(Database& db,
                                                   std::string_view device_id,
                                                   int64_t seq);

// The ids of the records of `type` whose entries name `parent_id` as their
// parent (a session's commitments, a commitment's follow-ups), including
// records since deleted or redacted, in no particular order.
StatusOr<std::vector<std::string>> ChildRecords(Database& db,
                                                std::string_view parent_id,
                                                std::string_view type);

// Stores `entry` as it is: its fields, and its packed body and DEK unless
// either is missing (a redacted or hollow entry). Checks nothing: for
// LogWriter and for the import of other devices' entries, which check
// first.
Status InsertEntry(Database& db, const Entry& entry);

// The last entry of a device's chain in this vault: seq 0, a zero hash and
// hlc 0 when the vault holds none of its entries.
struct ChainHead {
  int64_t seq = 0;
  std::string hash;  // 32 raw bytes
  int64_t hlc = 0;
};
StatusOr<ChainHead> LoadChainHead(Database& db, std::string_view device_id);

// Entry (device_id, seq), or nullopt if the vault does not hold it.
// kDataLoss if its body cannot be inflated.
StatusOr<std::optional<Entry>> LoadEntry(Database& db,
                                         std::string_view device_id,
                                         int64_t seq);

// Calls `visit` for each entry of `device_id` after `after_seq`, in chain
// order, until it returns false or an error.
Status ForEachDeviceEntry(
    Database& db, std::string_view device_id, int64_t after_seq,
    const std::function<StatusOr<bool>(const Entry&)>& visit);

// Erases the bodies (and body keys) of every put/delete entry of
// `record_id`.
Status EraseBodies(Database& db, std::string_view record_id);

// Calls `visit` for every entry, in replay order (hlc, device, seq) or, with
// `by_chain`, by device then seq. Stops at the first error `visit` returns.
// kDataLoss if a stored body cannot be inflated.
Status ForEachEntry(Database& db, bool by_chain,
                    const std::function<Status(const Entry&)>& visit);

}  // namespace palabre

#endif  // PALABRE_CORE_ENTRY_LOG_H_
