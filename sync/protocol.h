// The partner server's HTTP protocol, version 2: the bodies and headers
// both ends agree on (docs/protocol.md, "Server protocol"). Version 1
// signed one receipt an entry; version 2 one for each run of entries.
//
// Every answer of a palabre server carries the header `Palabre-Protocol: 2`:
// a client never takes an answer without it for the server's (a captive
// portal or proxy answers 200 with a login page). Requests from a device
// are signed with its key over the method, the target (path and query), the
// hash of the body and a per-device counter that must grow with every
// request (not the wall clock: field laptops' clocks are wrong), so a
// replayed request is refused and changes nothing.
//
// Bodies are binary and framed with lengths; the decoders treat their input
// as hostile (kInvalidArgument for anything but one well-formed body).
#ifndef PALABRE_SYNC_PROTOCOL_H_
#define PALABRE_SYNC_PROTOCOL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/device_key.h"
#include "core/receipt.h"
#include "platform/status.h"

namespace palabre::sync {

inline constexpr char kProtocolHeader[] = "Palabre-Protocol";
inline constexpr char kProtocolVersion[] = "2";
inline constexpr char kDeviceHeader[] = "Palabre-Device";
inline constexpr char kCounterHeader[] = "Palabre-Counter";
inline constexpr char kSignatureHeader[] = "Palabre-Signature";
inline constexpr char kBinaryType[] = "application/vnd.palabre";

// The largest request body the server reads, whatever its transfer or
// content encoding (counted after inflating): 4 MiB.
inline constexpr std::size_t kMaxRequestBytes = 4u << 20;

// The bytes a device signs for one request: "palabre.request/1" 0x00, the
// organisation id (16 bytes), the method, 0x0a, the target, 0x0a,
// BLAKE2b-256(body), counter (u64).
std::string RequestSigningBytes(std::string_view org_id_hex,
                                std::string_view method,
                                std::string_view target, std::string_view body,
                                uint64_t counter);

// A push. Version 1 (any envelopes): "PLBT", 0x01, count (u32), then per
// envelope its length (u32) and bytes. Version 2 (one device's chain in
// order, what a device pushes of its own): "PLBT", 0x02, device id (16),
// first seq (u64), first prev hash (32), count (u32), then per envelope
// its length (u32) and, without its magic, version and header, its hlc
// (u64) and the rest of it; seq and prev hash follow from the envelope
// before, so 61 bytes an entry are not sent. EncodeBatch picks version 2
// whenever it can. DecodeBatch gives back whole envelopes; a version-2
// envelope that does not decode ends the list (the ones after it cannot be
// rebuilt) and is handed on, to be refused after those before it.
std::string EncodeBatch(const std::vector<std::string>& envelopes);
StatusOr<std::vector<std::string>> DecodeBatch(std::string_view body);
// The bytes a version-1 batch adds around an envelope of `n` bytes (a
// version-2 batch adds no more).
inline constexpr std::size_t kBatchHeaderBytes = 9;
inline constexpr std::size_t kBatchItemOverhead = 4;

// The answer to a push: the receipts of the accepted prefix of the batch
// (one for each run of a device's entries it added, and for duplicates
// each receipt covering them, once, at its first duplicate; in the batch's
// order), then the refusal that
// stopped it, if any (a stable code, a message and the entry it
// concerns).
struct PushReply {
  std::vector<Receipt> receipts;
  std::string refused_code;  // "" if the whole batch was taken
  std::string refused_message;
  std::string refused_device;  // 32 hex
  int64_t refused_seq = 0;
};
// "PLRS", 0x02, count (u32), receipts (core/receipt.h wire form), then the
// refusal as UTF-8 JSON {"code","message","device","seq"} after its length
// (u32; 0 if none).
std::string EncodePushReply(const PushReply& reply);
StatusOr<PushReply> DecodePushReply(std::string_view body);

// A page of pulled envelopes, in the server's commit order.
struct PulledEnvelope {
  int64_t cursor = 0;
  std::string envelope;
};
struct PullPage {
  std::vector<PulledEnvelope> items;
  int64_t next_cursor = 0;  // pull after this next time
  bool more = false;        // the server holds more after next_cursor
};
// "PLPL", 0x01, next cursor (u64), more (u8), count (u32), then per item
// cursor (u64), length (u32), envelope.
std::string EncodePullPage(const PullPage& page);
StatusOr<PullPage> DecodePullPage(std::string_view body);

// A JSON error body: {"error": {"code": CODE, "message": MESSAGE}}.
std::string ErrorJson(std::string_view code, std::string_view message);

}  // namespace palabre::sync

#endif  // PALABRE_SYNC_PROTOCOL_H_
