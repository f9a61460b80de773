// Receipts: the partner server's signed word that it holds entries.
//
// When the server accepts a run of a device's entries in one push it
// answers with one receipt naming the run (device, first and last seq, the
// last entry's hash), the position the run's first entry took in the
// server's commit order (the cursor coordinators pull by; the run took the
// cursors after it in order) and the server's clock at that moment, signed
// with the server's own Ed25519 key. The last entry's hash commits the
// whole chain before it (each entry's hash covers its predecessor's), so
// one signature speaks for every entry of the run: 144 bytes a push, not
// 136 an entry as the first protocol's per-entry receipts cost.
//
// The device keeps every receipt; `palabre verify` checks each against the
// server key the vault pinned at its first contact and against the entry
// it ends with, so a server that later drops or alters an entry it
// acknowledged is caught by the receipt it signed (docs/protocol.md,
// "Receipts"). Vaults that synced with the first protocol keep its
// per-entry receipts (format 1), which stay verifiable; they never travel
// again.
#ifndef PALABRE_CORE_RECEIPT_H_
#define PALABRE_CORE_RECEIPT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "platform/status.h"

namespace palabre {

// Size of a receipt on the wire: device 16, first seq 8, last seq 8, last
// hash 32, first cursor 8, received_at 8, signature 64.
inline constexpr std::size_t kReceiptWireBytes = 144;

// Receipt formats: 1, one entry each, signed as "palabre.receipt/1" (the
// first protocol; only found in vaults); 2, a run, "palabre.receipt/2".
inline constexpr int kReceiptFormatEntry = 1;
inline constexpr int kReceiptFormatRun = 2;

struct Receipt {
  int format = kReceiptFormatRun;
  std::string device_id;     // 32 hex
  int64_t first_seq = 0;     // the run's first entry
  int64_t last_seq = 0;      // its last (== first_seq in format 1)
  std::string last_hash;     // the last entry's hash, 32 raw bytes
  int64_t first_cursor = 0;  // the server's commit order of first_seq, >= 1
  int64_t received_at = 0;   // the server's clock, unix milliseconds
  std::string signature;     // the server's, 64 raw bytes

  // Whether the run includes `seq`.
  bool Covers(int64_t seq) const { return first_seq <= seq && seq <= last_seq; }
  // The cursor the server gave `seq` (a seq the receipt covers).
  int64_t CursorOf(int64_t seq) const {
    return first_cursor + (seq - first_seq);
  }
};

// The bytes the server signs. Format 2: "palabre.receipt/2" 0x00, the
// server's public key (32 bytes), device id (16), first seq, last seq,
// last hash (32), first cursor, received_at (u64 big-endian each).
// Format 1: "palabre.receipt/1" 0x00, the key, device id, seq, entry hash,
// cursor, received_at. kInvalidArgument for fields of the wrong size or
// range (first_seq >= 1, last_seq >= first_seq, equal in format 1).
StatusOr<std::string> ReceiptBytes(const Receipt& receipt,
                                   std::string_view server_key);

// kPermissionDenied unless `receipt.signature` is `server_key`'s over
// ReceiptBytes; kInvalidArgument as ReceiptBytes.
Status VerifyReceipt(const Receipt& receipt, std::string_view server_key);

// A receipt's name in messages: "device 1a2b3c4d seq 5-9".
std::string ReceiptName(const Receipt& receipt);

// The wire form of a format-2 receipt (kReceiptWireBytes) and back;
// DecodeReceipt treats its input as hostile (kInvalidArgument unless
// exactly one well-formed receipt).
std::string EncodeReceipt(const Receipt& receipt);
StatusOr<Receipt> DecodeReceipt(std::string_view bytes);

}  // namespace palabre

#endif  // PALABRE_CORE_RECEIPT_H_
