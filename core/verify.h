// Verify: proves that the vault's records are what their authors signed.
//
// It re-checks every device's chain (seq contiguous from 1, each prev_hash
// the hash of the entry before, each hash recomputed from the fields, each
// signature by the device's key, each body against its keyed hash; an
// erased body only where a redact entry covers the record), then rebuilds
// every projection from the log in the temp schema and compares it with the
// stored tables, the full-text index included (by its vocabulary: each
// term's document and occurrence counts). Every receipt of the partner
// server must carry the server's signature (the key pinned at the first
// contact) and name an entry the vault holds, with its hash.
//
// Status: OK with the counts; kDataLoss naming the first broken entry by
// device and sequence number ("device 3f2a9c1e seq 12: signature does not
// verify"), or the first projection that differs from the log.
#ifndef PALABRE_CORE_VERIFY_H_
#define PALABRE_CORE_VERIFY_H_

#include <cstdint>

#include "platform/status.h"

namespace palabre {

class Database;

struct VerifyReport {
  int64_t devices = 0;
  int64_t entries = 0;
  int64_t sessions = 0;
  int64_t commitments = 0;
  int64_t follow_ups = 0;
  int64_t redacted = 0;  // records redacted
  int64_t hollow = 0;    // entries their author redacted before they left
  int64_t receipts = 0;   // the partner server's receipts, each checked
  int64_t receipted = 0;  // entries at least one of them covers
};

StatusOr<VerifyReport> VerifyRecords(Database& db);

}  // namespace palabre

#endif  // PALABRE_CORE_VERIFY_H_
