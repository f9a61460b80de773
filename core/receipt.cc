// Receipt bytes, signatures and wire form (core/receipt.h).
#include "core/receipt.h"

#include "core/byte_order.h"
#include "core/device_key.h"

namespace palabre {
namespace {

constexpr char kEntryDomain[] = "palabre.receipt/1";  // + its NUL
constexpr char kRunDomain[] = "palabre.receipt/2";    // + its NUL

}  // namespace

StatusOr<std::string> ReceiptBytes(const Receipt& r,
                                   std::string_view server_key) {
  if (server_key.size() != kPublicKeyBytes) {
    return InvalidArgumentError("the server key is not 32 bytes");
  }
  const bool entry = r.format == kReceiptFormatEntry;
  if ((!entry && r.format != kReceiptFormatRun) || !IsHexId(r.device_id) ||
      r.last_hash.size() != 32 || r.first_seq < 1 || r.last_seq < r.first_seq ||
      (entry && r.last_seq != r.first_seq) || r.first_cursor < 1 ||
      r.received_at < 0) {
    return InvalidArgumentError("malformed receipt");
  }
  std::string out = entry ? std::string(kEntryDomain, sizeof(kEntryDomain))
                          : std::string(kRunDomain, sizeof(kRunDomain));
  out += server_key;
  out += FromHex(r.device_id);
  PutU64(out, static_cast<uint64_t>(r.first_seq));
  if (!entry) PutU64(out, static_cast<uint64_t>(r.last_seq));
  out += r.last_hash;
  PutU64(out, static_cast<uint64_t>(r.first_cursor));
  PutU64(out, static_cast<uint64_t>(r.received_at));
  return out;
}

Status VerifyReceipt(const Receipt& receipt, std::string_view server_key) {
  PALABRE_ASSIGN_OR_RETURN(std::string bytes,
                           ReceiptBytes(receipt, server_key));
  if (!VerifySignature(server_key, bytes, receipt.signature)) {
    return PermissionDeniedError("the receipt for " + ReceiptName(receipt) +
                                 " is not signed by the server's key");
  }
  return Status::Ok();
}

std::string ReceiptName(const Receipt& r) {
  std::string out = "device " + r.device_id.substr(0, 8) + " seq " +
                    std::to_string(r.first_seq);
  if (r.last_seq != r.first_seq) out += "-" + std::to_string(r.last_seq);
  return out;
}

std::string EncodeReceipt(const Receipt& r) {
  std::string out = FromHex(r.device_id);
  PutU64(out, static_cast<uint64_t>(r.first_seq));
  PutU64(out, static_cast<uint64_t>(r.last_seq));
  out += r.last_hash;
  PutU64(out, static_cast<uint64_t>(r.first_cursor));
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
  const uint64_t first = GetU64(b.substr(16));
  const uint64_t last = GetU64(b.substr(24));
  r.last_hash = std::string(b.substr(32, 32));
  const uint64_t cursor = GetU64(b.substr(64));
  const uint64_t at = GetU64(b.substr(72));
  r.signature = std::string(b.substr(80, 64));
  constexpr uint64_t kMax = static_cast<uint64_t>(INT64_MAX);
  // The cursors of the run must fit too.
  if (first < 1 || last < first || last > kMax || cursor < 1 ||
      cursor > kMax - (last - first) || at > kMax) {
    return InvalidArgumentError("a receipt's numbers are out of range");
  }
  r.first_seq = static_cast<int64_t>(first);
  r.last_seq = static_cast<int64_t>(last);
  r.first_cursor = static_cast<int64_t>(cursor);
  r.received_at = static_cast<int64_t>(at);
  return r;
}

}  // namespace palabre
