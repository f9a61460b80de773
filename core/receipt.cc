// Receipt bytes, signatures and wire form (core/receipt.h).
#include "core/receipt.h"

#include "core/byte_order.h"
#include "core/device_key.h"

namespace palabre {
namespace {

constexpr char kReceiptDomain[] = "palabre.receipt/1";  // + its NUL

}  // namespace

StatusOr<std::string> ReceiptBytes(const Receipt& r,
                                   std::string_view server_key) {
  if (server_key.size() != kPublicKeyBytes) {
    return InvalidArgumentError("the server key is not 32 bytes");
  }
  if (!IsHexId(r.device_id) || r.entry_hash.size() != 32 || r.seq < 1 ||
      r.cursor < 1 || r.received_at < 0) {
    return InvalidArgumentError("malformed receipt");
  }
  std::string out(kReceiptDomain, sizeof(kReceiptDomain));
  out += server_key;
  out += FromHex(r.device_id);
  PutU64(out, static_cast<uint64_t>(r.seq));
  out += r.entry_hash;
  PutU64(out, static_cast<uint64_t>(r.cursor));
  PutU64(out, static_cast<uint64_t>(r.received_at));
  return out;
}

Status VerifyReceipt(const Receipt& receipt, std::string_view server_key) {
  PALABRE_ASSIGN_OR_RETURN(std::string bytes,
                           ReceiptBytes(receipt, server_key));
  if (!VerifySignature(server_key, bytes, receipt.signature)) {
    return PermissionDeniedError("the receipt for device " +
                                 receipt.device_id.substr(0, 8) + " seq " +
                                 std::to_string(receipt.seq) +
                                 " is not signed by the server's key");
  }
  return Status::Ok();
}

std::string EncodeReceipt(const Receipt& r) {
  std::string out = FromHex(r.device_id);
  PutU64(out, static_cast<uint64_t>(r.seq));
  out += r.entry_hash;
  PutU64(out, static_cast<uint64_t>(r.cursor));
  PutU64(out, static_cast<uint64_t>(r.received_at));
  out += r.signature;
  return out;
}

StatusOr<Receipt> DecodeReceipt(std::string_view b) {
  if (b.size() != kReceiptWireBytes) {
    return InvalidArgumentError("a receipt is " +
                                std::to_string(kReceiptWireBytes) + " bytes");
  }
  Receipt r;
  r.device_id = ToHex(b.substr(0, 16));
  const uint64_t seq = GetU64(b.substr(16));
  r.entry_hash = std::string(b.substr(24, 32));
  const uint64_t cursor = GetU64(b.substr(56));
  const uint64_t at = GetU64(b.substr(64));
  r.signature = std::string(b.substr(72, 64));
  constexpr uint64_t kMax = static_cast<uint64_t>(INT64_MAX);
  if (seq < 1 || seq > kMax || cursor < 1 || cursor > kMax || at > kMax) {
    return InvalidArgumentError("a receipt's numbers are out of range");
  }
  r.seq = static_cast<int64_t>(seq);
  r.cursor = static_cast<int64_t>(cursor);
  r.received_at = static_cast<int64_t>(at);
  return r;
}

}  // namespace palabre
