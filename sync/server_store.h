// The partner server's store and rules: what `palabre serve` keeps under its
// data directory (server.db, SQLite, synchronous=FULL) and every decision
// it makes about a request. The HTTP layer (sync/server.h) only translates.
//
// The server holds ciphertext only: envelopes whose data keys are wrapped
// for the organisation, device certificates, its own receipt-signing key.
// Its rules (docs/protocol.md, "Server protocol"):
//   - a request counts only if signed by a device the organisation
//     certified (enrolment is the one exception: it is authenticated by the
//     invitation's grant) and its counter is above the device's last one;
//   - a device's entries are accepted only in chain order (seq = head + 1,
//     prev hash = head's hash), only from a certified, unrevoked device;
//   - each run of a device's entries a push adds gets one receipt;
//   - an exact duplicate is answered with the receipt that covers it;
//   - a different entry at a used (device, seq) is refused as a fork and
//     kept as evidence;
//   - the answer to a push covers only the prefix of the batch it committed
//     (durably, before answering), then the refusal that stopped it;
//   - the pull cursor is the commit order (one writer at a time).
//
// Errors are Statuses whose message starts with a stable code and ": "
// (ServerError); the HTTP layer turns them into JSON.
#ifndef PALABRE_SYNC_SERVER_STORE_H_
#define PALABRE_SYNC_SERVER_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/device_key.h"
#include "core/organisation.h"
#include "platform/status.h"
#include "sync/protocol.h"

namespace palabre {
class Database;
}

namespace palabre::sync {

inline constexpr char kServerDbName[] = "server.db";

// A Status carrying a stable error code for the protocol ("fork",
// "approval_pending", ...), and the two parts back.
Status ServerError(StatusCode code, std::string_view api_code,
                   std::string_view message);
void SplitServerError(const Status& status, std::string* api_code,
                      std::string* message);

// What a signed request carries besides its body.
struct RequestAuth {
  std::string device_id;  // Palabre-Device
  std::string counter;    // Palabre-Counter, decimal
  std::string signature;  // Palabre-Signature, hex
  std::string method;
  std::string target;  // path and query, as sent
};

class ServerStore {
 public:
  // Opens (creating it if needed) the store in `dir` for `org`; creates
  // the server's receipt key on first use; adds the certificates of the
  // org document as approved devices (a revoked device stays revoked).
  // kFailedPrecondition if `dir` holds another organisation's store.
  // `now_ms` is the server's clock (injected for tests).
  static StatusOr<std::unique_ptr<ServerStore>> Open(
      const std::string& dir, const OrgPublic& org,
      std::function<int64_t()> now_ms);
  ~ServerStore();

  const OrgIdentity& org() const { return org_; }
  const std::string& server_key() const { return key_.public_key; }

  // GET /v1/hello: protocol, organisation, receipt key, limits, time.
  nlohmann::json Hello() const;

  // POST /v1/enroll: a new device asks to join with an invitation grant.
  // The request is signed by the new key it presents. Answers its state.
  StatusOr<nlohmann::json> Enroll(const RequestAuth& auth,
                                  std::string_view body);

  // GET /v1/device: the caller's state (pending/approved/revoked), its
  // chain head on the server and its last counter. Allowed while pending.
  StatusOr<nlohmann::json> DeviceState(const RequestAuth& auth);

  // POST /v1/push: a batch of envelopes (sync/protocol.h).
  StatusOr<PushReply> Push(const RequestAuth& auth, std::string_view body);

  // GET /v1/receipts?after=SEQ: the receipts covering the caller's own
  // entries after SEQ, by first seq, at most 1000 (a reply lost on the
  // way is fetched again).
  StatusOr<PushReply> Receipts(const RequestAuth& auth, int64_t after);

  // GET /v1/pull?after=N&max=BYTES (coordinators only): envelopes after
  // cursor N, at least one if any, about `max_bytes` in all.
  StatusOr<PullPage> Pull(const RequestAuth& auth, int64_t after,
                          std::size_t max_bytes);

  // GET /v1/devices (coordinators only): every device, its certificate,
  // state, revocation and, while pending, its grant.
  StatusOr<nlohmann::json> Devices(const RequestAuth& auth);

  // POST /v1/certificates (coordinators only): certificates the
  // organisation signed; each approves its (enrolled) device.
  StatusOr<nlohmann::json> AddCertificates(const RequestAuth& auth,
                                           std::string_view body);

  // POST /v1/revoke (coordinators only): a revocation the organisation
  // signed. The device is refused from then on; what it sent stays.
  StatusOr<nlohmann::json> Revoke(const RequestAuth& auth,
                                  std::string_view body);

 private:
  struct Caller {
    std::string device_id;
    std::string role;
    std::string status;
  };
  ServerStore() = default;
  // Checks the request's signature and counter and records the counter.
  // Call with mu_ held, inside a transaction.
  StatusOr<Caller> Authenticate(const RequestAuth& auth, std::string_view body,
                                bool allow_pending);
  StatusOr<Caller> AuthenticateCoordinator(const RequestAuth& auth,
                                           std::string_view body);
  Status PushOne(std::string_view bytes, PushReply& reply, Receipt& run,
                 bool* stop);
  Status FinishRun(Receipt& run, PushReply& reply);

  std::mutex mu_;
  std::unique_ptr<Database> db_;
  OrgIdentity org_;
  DeviceKey key_;
  std::function<int64_t()> now_ms_;
};

}  // namespace palabre::sync

#endif  // PALABRE_SYNC_SERVER_STORE_H_
