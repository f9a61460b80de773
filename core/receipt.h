// Receipts: the partner server's signed word that it holds an entry.
//
// When the server accepts an entry it answers with a receipt naming the
// entry (device, seq, entry hash), the position it took in the server's
// commit order (the cursor coordinators pull by) and the server's clock at
// that moment, signed with the server's own Ed25519 key. The device keeps
// every receipt; `palabre verify` checks each against the server key the
// vault pinned at its first contact and against the entry it names, so a
// server that later drops or alters an entry it acknowledged is caught by
// the receipt it signed (docs/protocol.md, "Receipts").
#ifndef PALABRE_CORE_RECEIPT_H_
#define PALABRE_CORE_RECEIPT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "platform/status.h"

namespace palabre {

// Size of a receipt on the wire: device 16, seq 8, hash 32, cursor 8,
// received_at 8, signature 64.
inline constexpr std::size_t kReceiptWireBytes = 136;

struct Receipt {
  std::string device_id;   // 32 hex
  int64_t seq = 0;
  std::string entry_hash;  // 32 raw bytes
  int64_t cursor = 0;      // the server's commit order, from 1
  int64_t received_at = 0; // the server's clock, unix milliseconds
  std::string signature;   // the server's, 64 raw bytes
};

// The bytes the server signs: "palabre.receipt/1" 0x00, the server's
// public key (32 bytes), device id (16), seq, entry hash (32), cursor,
// received_at (u64 big-endian each). kInvalidArgument for fields of the
// wrong size.
StatusOr<std::string> ReceiptBytes(const Receipt& receipt,
                                   std::string_view server_key);

// kPermissionDenied unless `receipt.signature` is `server_key`'s over
// ReceiptBytes; kInvalidArgument as ReceiptBytes.
Status VerifyReceipt(const Receipt& receipt, std::string_view server_key);

// The wire form (kReceiptWireBytes) and back; DecodeReceipt treats its
// input as hostile (kInvalidArgument unless exactly one receipt).
std::string EncodeReceipt(const Receipt& receipt);
StatusOr<Receipt> DecodeReceipt(std::string_view bytes);

}  // namespace palabre

#endif  // PALABRE_CORE_RECEIPT_H_
