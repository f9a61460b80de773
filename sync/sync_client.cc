// The sync client (sync/sync_client.h).
#include "sync/sync_client.h"

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>
#include <tuple>

#include "core/byte_order.h"
#include "core/database.h"
#include "core/device_key.h"
#include "core/entry_import.h"
#include "core/entry_log.h"
#include "core/receipt.h"
#include "core/sync_state.h"
#include "platform/clock.h"
#include "sync/envelope.h"
#include "sync/envelope_import.h"
#include "sync/protocol.h"

namespace palabre::sync {
namespace {

using nlohmann::json;

int64_t SteadyMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// kCancelled once the caller asked the sync to stop.
Status CheckNotCancelled(const SyncOptions& options) {
  if (options.cancelled && options.cancelled()) {
    return Status(StatusCode::kCancelled,
                  "the sync was stopped before it ended; what the server "
                  "acknowledged is kept");
  }
  return Status::Ok();
}

// A refusal from the server, as a Status: kUnavailable when retrying may
// help (the server failed), the server's own code and message otherwise.
Status ReplyError(const HttpReply& reply) {
  const json j = json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
  std::string code = "http_" + std::to_string(reply.status);
  std::string message = "the server refused the request";
  if (j.is_object() && j.contains("error") && j["error"].is_object()) {
    const json& e = j["error"];
    if (e.contains("code") && e["code"].is_string()) {
      code = e["code"].get<std::string>();
    }
    if (e.contains("message") && e["message"].is_string()) {
      message = e["message"].get<std::string>();
    }
  }
  const std::string text = code + ": " + message;
  if (reply.status >= 500)
    return UnavailableError("the server failed: " + text);
  if (reply.status == 413) return ResourceExhaustedError(text);
  if (code == "stale_counter") return Status(StatusCode::kAlreadyExists, text);
  if (reply.status == 401 || reply.status == 403) {
    return PermissionDeniedError(text);
  }
  return FailedPreconditionError(text);
}

// Whether `r` acknowledges the next entries of `device` after `acked`:
// the server's, for that device, starting at or before acked + 1 and going
// past it. kPermissionDenied otherwise. The entries it ends with are
// checked by the caller.
Status CheckNextReceipt(const Receipt& r, std::string_view device,
                        int64_t acked, std::string_view server_key) {
  if (r.device_id != device || r.first_seq > acked + 1 || r.last_seq <= acked) {
    return PermissionDeniedError(
        "the server's receipt for " + ReceiptName(r) +
        " does not acknowledge the entries sent (after seq " +
        std::to_string(acked) + ")");
  }
  return VerifyReceipt(r, server_key);
}

// Talks to the server as this vault's device.
class Session {
 public:
  Session(Database& db, HttpClient& http, const SyncOptions& options)
      : db_(db), http_(http), options_(options) {
    if (options_.cancelled) http_.set_stop(options_.cancelled);
  }

  Status Load() {
    PALABRE_ASSIGN_OR_RETURN(key_, LoadDeviceKey(db_));
    PALABRE_ASSIGN_OR_RETURN(org_, LoadOrgIdentity(db_));
    PALABRE_ASSIGN_OR_RETURN(counter_, GetSyncInt(db_, kSyncCounter));
    PALABRE_ASSIGN_OR_RETURN(std::string pin, GetSyncValue(db_, kSyncTlsPin));
    http_.SetTlsPin(pin);
    return Status::Ok();
  }

  // Unsigned hello: checks the organisation and pins the server's receipt
  // key at the first contact.
  Status Hello() {
    PALABRE_ASSIGN_OR_RETURN(HttpReply reply, Send("GET", "/v1/hello", ""));
    if (reply.status != 200) return ReplyError(reply);
    const json j = json::parse(reply.body, nullptr, false);
    if (!j.is_object() || !j.contains("org_id") || !j["org_id"].is_string() ||
        !j.contains("server_key") || !j["server_key"].is_string()) {
      return UnavailableError("the server's hello is malformed");
    }
    if (j["org_id"].get<std::string>() != org_.org_id) {
      return PermissionDeniedError(
          "the server at " + org_.server +
          " serves another organisation; check the server URL");
    }
    const std::string key = FromHex(j["server_key"].get<std::string>());
    if (key.size() != kPublicKeyBytes) {
      return UnavailableError("the server's key is malformed");
    }
    if (j.contains("max_body") && j["max_body"].is_number_unsigned()) {
      max_body_ = std::min<std::size_t>(j["max_body"].get<std::size_t>(),
                                        kMaxRequestBytes);
    }
    PALABRE_ASSIGN_OR_RETURN(std::string pinned,
                             GetSyncValue(db_, kSyncServerKey));
    if (pinned.empty()) {
      PALABRE_RETURN_IF_ERROR(SetSyncValue(db_, kSyncServerKey, key));
    } else if (pinned != key) {
      return PermissionDeniedError(
          "the server's receipt key is not the one this vault met first: "
          "another server answers at " +
          org_.server + " (nothing was sent)");
    }
    server_key_ = key;
    // The TLS key met first is pinned from now on (an invitation brings
    // the pin to a new device before its first contact).
    if (http_.is_tls()) {
      PALABRE_ASSIGN_OR_RETURN(std::string pin, GetSyncValue(db_, kSyncTlsPin));
      const std::string seen = http_.seen_tls_pin();
      if (pin.empty() && !seen.empty()) {
        PALABRE_RETURN_IF_ERROR(SetSyncValue(db_, kSyncTlsPin, seen));
        http_.SetTlsPin(seen);
      }
    }
    return Status::Ok();
  }

  // A signed request; a stale counter (another copy of this vault, a
  // crash before the counter was kept) is corrected once.
  StatusOr<HttpReply> Call(const std::string& method, const std::string& target,
                           const std::string& body) {
    // Another process of this vault may be syncing at the same moment:
    // each jump lands a random distance past the last counter seen.
    for (int attempt = 0; attempt < 10; ++attempt) {
      ++counter_;
      const std::string sig =
          Sign(key_, RequestSigningBytes(org_.org_id, method, target, body,
                                         static_cast<uint64_t>(counter_)));
      HttpHeaders headers = {{kDeviceHeader, key_.device_id},
                             {kCounterHeader, std::to_string(counter_)},
                             {kSignatureHeader, ToHex(sig)}};
      PALABRE_ASSIGN_OR_RETURN(HttpReply reply,
                               Send(method, target, body, headers));
      if (reply.status == 200) return reply;
      Status error = ReplyError(reply);
      const std::string marker = "last counter ";
      const std::size_t at = error.message().rfind(marker);
      if (error.code() == StatusCode::kAlreadyExists &&
          error.message().rfind("stale_counter", 0) == 0 &&
          at != std::string::npos) {
        counter_ =
            std::max<int64_t>(counter_, std::atoll(error.message().c_str() +
                                                   at + marker.size())) +
            static_cast<int64_t>(randombytes_uniform(64));
        continue;
      }
      return error;
    }
    return PermissionDeniedError(
        "the server keeps refusing this device's request counter");
  }

  Status SaveCounter() { return SetSyncInt(db_, kSyncCounter, counter_); }

  StatusOr<HttpReply> Send(const std::string& method, const std::string& target,
                           const std::string& body,
                           const HttpHeaders& headers = {}) {
    PALABRE_RETURN_IF_ERROR(CheckNotCancelled(options_));
    return http_.Send(method, target, headers, body,
                      options_.request_deadline_ms);
  }

  Database& db() { return db_; }
  const DeviceKey& key() const { return key_; }
  const OrgIdentity& org() const { return org_; }
  const std::string& server_key() const { return server_key_; }
  std::size_t max_body() const { return max_body_; }

 private:
  Database& db_;
  HttpClient& http_;
  const SyncOptions& options_;
  DeviceKey key_;
  OrgIdentity org_;
  int64_t counter_ = 0;
  std::string server_key_;
  std::size_t max_body_ = kMaxRequestBytes;
};

// Retries `attempt` while it fails with kUnavailable, with exponential
// backoff and full jitter, until options.max_wait_ms is spent without any
// entry going through.
Status WithRetries(const SyncOptions& options, SyncProgress* progress,
                   const std::function<Status()>& attempt) {
  int64_t end = SteadyMillis() + options.max_wait_ms;
  int64_t backoff = 250;
  int64_t done = -1;  // entries pushed and pulled so far
  while (true) {
    if (progress != nullptr) ++progress->attempts;
    Status status = attempt();
    if (status.code() != StatusCode::kUnavailable) return status;
    // A link that moves data, however slowly, is worth waiting for: the
    // time allowed counts from the last entry that went through.
    if (progress != nullptr && progress->pushed + progress->pulled > done) {
      if (done >= 0) {
        end = SteadyMillis() + options.max_wait_ms;
        backoff = 250;
      }
      done = progress->pushed + progress->pulled;
    }
    const int64_t left = end - SteadyMillis();
    if (left <= 0) return status;
    const int64_t wait = std::min<int64_t>(
        left, backoff / 2 + static_cast<int64_t>(randombytes_uniform(
                                static_cast<uint32_t>(backoff / 2 + 1))));
    if (progress != nullptr && options.progress) {
      progress->stage = "waiting";
      options.progress(*progress);
    }
    PALABRE_RETURN_IF_ERROR(CheckNotCancelled(options));
    if (options.sleep) {
      options.sleep(wait);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(wait));
    }
    backoff = std::min<int64_t>(backoff * 2, 8000);
  }
}

// ---- push ----------------------------------------------------------------

// A push should take about this long on the link as measured, and never be
// smaller than kMinBatchBytes.
constexpr double kTargetRequestMs = 8000;
constexpr std::size_t kMinBatchBytes = 8 * 1024;

class Pusher {
 public:
  Pusher(Session& s, const SyncOptions& o, SyncProgress& p, SyncResult& r)
      : s_(s), options_(o), progress_(p), result_(r) {}

  // Pushes until the server holds this device's whole chain, or a
  // refusal stops it (recorded in the result).
  Status Run(std::size_t* batch_bytes) {
    PALABRE_ASSIGN_OR_RETURN(HttpReply reply, s_.Call("GET", "/v1/device", ""));
    const json state = json::parse(reply.body, nullptr, false);
    if (!state.is_object() || !state.contains("head_seq") ||
        !state["head_seq"].is_number_integer() || !state.contains("role") ||
        !state["role"].is_string() || !state.contains("head_hash") ||
        !state["head_hash"].is_string()) {
      return UnavailableError("the server's answer is malformed");
    }
    role_ = state["role"].get<std::string>();
    if (state.contains("status") && state["status"] == "pending") {
      return PermissionDeniedError(
          "approval_pending: this device is enrolled but awaits a "
          "coordinator's approval (palabre org approve on a coordinator's "
          "vault); nothing was sent");
    }
    int64_t acked = state["head_seq"].get<int64_t>();
    const std::string acked_hash =
        FromHex(state["head_hash"].get<std::string>());
    const std::string& me = s_.key().device_id;
    PALABRE_ASSIGN_OR_RETURN(ChainHead local, LoadChainHead(s_.db(), me));
    if (acked > local.seq) {
      return FailedPreconditionError(
          "the server holds " + std::to_string(acked) +
          " entries of this device but this vault only " +
          std::to_string(local.seq) +
          ": this vault is an older copy (a restored backup?). Nothing was "
          "sent. Enrol a fresh vault instead of writing in this one");
    }
    PALABRE_RETURN_IF_ERROR(FetchMissingReceipts(acked));
    if (acked > 0) {
      PALABRE_ASSIGN_OR_RETURN(std::optional<Entry> held,
                               LoadEntry(s_.db(), me, acked));
      if (!held.has_value() || held->hash != acked_hash) {
        // This vault's chain forked from the server's (an old copy that
        // wrote on): offer our entry at the server's head, which the
        // server refuses as a fork and keeps as evidence.
        --acked;
      }
    }
    progress_.to_push = progress_.pushed + (local.seq - acked);
    const std::vector<std::string> recipients = {s_.org().encryption_key};
    while (acked < local.seq) {
      progress_.stage = "pushing";
      if (options_.progress) options_.progress(progress_);
      // One batch: entries after `acked` up to about batch_bytes.
      std::vector<std::string> envelopes;
      std::size_t bytes = kBatchHeaderBytes;
      Status built = ForEachDeviceEntry(
          s_.db(), me, acked, [&](const Entry& e) -> StatusOr<bool> {
            PALABRE_ASSIGN_OR_RETURN(Envelope env,
                                     EnvelopeForEntry(e, recipients));
            std::string encoded = EncodeEnvelope(env);
            if (!envelopes.empty() &&
                bytes + encoded.size() + kBatchItemOverhead > *batch_bytes) {
              return false;
            }
            bytes += encoded.size() + kBatchItemOverhead;
            envelopes.push_back(std::move(encoded));
            return bytes < *batch_bytes;
          });
      PALABRE_RETURN_IF_ERROR(built);
      if (envelopes.empty()) break;
      if (bytes > s_.max_body()) {
        result_.rejected.push_back(
            {me, acked + 1, "too_large",
             "this entry is larger than the server takes (" +
                 std::to_string(s_.max_body() >> 20) + " MiB)"});
        return Status::Ok();
      }
      const int64_t started = SteadyMillis();
      StatusOr<HttpReply> sent =
          s_.Call("POST", "/v1/push", EncodeBatch(envelopes));
      const int64_t took = std::max<int64_t>(SteadyMillis() - started, 1);
      if (!sent.ok()) {
        if (sent.status().code() == StatusCode::kUnavailable) {
          *batch_bytes = std::max(*batch_bytes / 4, kMinBatchBytes);
        }
        return sent.status();
      }
      PALABRE_ASSIGN_OR_RETURN(PushReply push, DecodePushReply(sent->body));
      // Each receipt must be the server's, for the next entries of ours,
      // ending with the entry this vault holds there.
      std::vector<Receipt> good;
      const int64_t before = acked;
      for (const Receipt& r : push.receipts) {
        Status ok = CheckNextReceipt(r, me, acked, s_.server_key());
        if (ok.ok()) ok = CheckReceiptHeld(s_.db(), r, s_.server_key());
        if (!ok.ok()) return ok;
        acked = r.last_seq;
        good.push_back(r);
      }
      PALABRE_RETURN_IF_ERROR(s_.db().Transaction([&]() -> Status {
        PALABRE_RETURN_IF_ERROR(StoreReceipts(s_.db(), good));
        return s_.SaveCounter();
      }));
      progress_.pushed += acked - before;
      result_.pushed += acked - before;
      if (!push.refused_code.empty()) {
        result_.rejected.push_back({push.refused_device, push.refused_seq,
                                    push.refused_code, push.refused_message});
        return Status::Ok();
      }
      if (good.empty()) {
        return UnavailableError("the server acknowledged nothing");
      }
      // Grow while the link holds, but keep each request to about
      // kTargetRequestMs at the rate this one went (a 2G link carries
      // 6 KB a second: a megabyte would outlast any timeout).
      const std::size_t by_rate = static_cast<std::size_t>(
          static_cast<double>(bytes) * kTargetRequestMs / took);
      *batch_bytes =
          std::clamp<std::size_t>(std::min(*batch_bytes * 2, by_rate),
                                  kMinBatchBytes, s_.max_body() - (64 << 10));
    }
    return Status::Ok();
  }

  const std::string& role() const { return role_; }

 private:
  // Receipts of entries the server took while its reply was lost: fetched
  // again, checked like any receipt and kept. Stops quietly at an entry
  // that is not this vault's (a fork, which the push then reports).
  Status FetchMissingReceipts(int64_t acked) {
    const std::string& me = s_.key().device_id;
    PALABRE_ASSIGN_OR_RETURN(int64_t have, LastReceiptSeq(s_.db(), me));
    while (have < acked) {
      PALABRE_ASSIGN_OR_RETURN(
          HttpReply reply,
          s_.Call("GET", "/v1/receipts?after=" + std::to_string(have), ""));
      PALABRE_ASSIGN_OR_RETURN(PushReply got, DecodePushReply(reply.body));
      std::vector<Receipt> good;
      const int64_t before = have;
      for (const Receipt& r : got.receipts) {
        if (!CheckNextReceipt(r, me, have, s_.server_key()).ok() ||
            !CheckReceiptHeld(s_.db(), r, s_.server_key()).ok()) {
          break;
        }
        good.push_back(r);
        have = r.last_seq;
      }
      if (good.empty()) return Status::Ok();
      PALABRE_RETURN_IF_ERROR(StoreReceipts(s_.db(), good));
      // Acknowledged, though the first answer never arrived.
      progress_.pushed += have - before;
      result_.pushed += have - before;
    }
    return Status::Ok();
  }

  Session& s_;
  const SyncOptions& options_;
  SyncProgress& progress_;
  SyncResult& result_;
  std::string role_;
};

// ---- pull ----------------------------------------------------------------

// The certificates the server has, checked against the organisation's key
// and kept in the vault, with revocations.
Status RefreshCertificates(Session& s) {
  PALABRE_ASSIGN_OR_RETURN(HttpReply reply, s.Call("GET", "/v1/devices", ""));
  const json j = json::parse(reply.body, nullptr, false);
  if (!j.is_object() || !j.contains("devices") || !j["devices"].is_array()) {
    return UnavailableError("the server's device list is malformed");
  }
  return s.db().Transaction([&]() -> Status {
    for (const json& d : j["devices"]) {
      if (!d.is_object() || !d.contains("certificate")) continue;
      StatusOr<DeviceCertificate> cert = ParseCertificateJson(d["certificate"]);
      if (!cert.ok()) continue;
      int64_t revoked_at = 0;
      if (d.contains("revocation") && d["revocation"].is_object()) {
        Revocation r;
        r.device_id = cert->device_id;
        const json& rj = d["revocation"];
        if (rj.contains("revoked_at") && rj["revoked_at"].is_number_integer()) {
          r.revoked_at = rj["revoked_at"].get<int64_t>();
        }
        if (rj.contains("signature") && rj["signature"].is_string()) {
          r.signature = FromHex(rj["signature"].get<std::string>());
        }
        if (VerifyRevocation(r, s.org().signing_key).ok()) {
          revoked_at = r.revoked_at;
        }
      }
      // A certificate the organisation did not sign is not kept (the
      // server cannot make a device trusted).
      Status stored = StoreCertificate(s.db(), *cert, revoked_at);
      if (!stored.ok() && stored.code() != StatusCode::kPermissionDenied &&
          stored.code() != StatusCode::kInvalidArgument) {
        return stored;
      }
    }
    return Status::Ok();
  });
}

Status Pull(Session& s, const SyncOptions& options, SyncProgress& progress,
            SyncResult& result) {
  PALABRE_RETURN_IF_ERROR(RefreshCertificates(s));
  PALABRE_ASSIGN_OR_RETURN(EnvelopeImport envelopes,
                           EnvelopeImport::Create(s.db(), true));
  PALABRE_ASSIGN_OR_RETURN(int64_t cursor, GetSyncInt(s.db(), kSyncPullCursor));
  // The cursor is kept before the first entry that could not be imported,
  // so that it is fetched (and reported) again next time, not skipped.
  int64_t hold = -1;
  while (true) {
    progress.stage = "pulling";
    if (options.progress) options.progress(progress);
    PALABRE_ASSIGN_OR_RETURN(HttpReply reply,
                             s.Call("GET",
                                    "/v1/pull?after=" + std::to_string(cursor) +
                                        "&max=" + std::to_string(1 << 20),
                                    ""));
    PALABRE_ASSIGN_OR_RETURN(PullPage page, DecodePullPage(reply.body));
    int64_t added = 0;
    Status imported = RunImport(s.db(), [&](EntryImporter& importer) -> Status {
      added = 0;
      for (const PulledEnvelope& item : page.items) {
        bool refused = false;
        PALABRE_ASSIGN_OR_RETURN(
            bool is_new, envelopes.Add(importer, item.envelope, &refused));
        if (is_new) ++added;
        if (refused && hold < 0) hold = item.cursor - 1;
      }
      PALABRE_RETURN_IF_ERROR(SetSyncInt(s.db(), kSyncPullCursor,
                                         hold >= 0 ? hold : page.next_cursor));
      return s.SaveCounter();
    });
    PALABRE_RETURN_IF_ERROR(imported);
    progress.pulled += added;
    result.pulled += added;
    cursor = page.next_cursor;
    if (!page.more) break;
  }
  for (const Rejection& r : envelopes.rejections()) {
    result.rejected.push_back(r);
  }
  return Status::Ok();
}

}  // namespace

Status RunSync(Database& db, HttpClient& http, const SyncOptions& options,
               SyncResult* result) {
  SyncProgress progress;
  Session session(db, http, options);
  PALABRE_RETURN_IF_ERROR(session.Load());
  std::size_t batch_bytes = options.initial_batch_bytes;
  Status status = WithRetries(options, &progress, [&]() -> Status {
    progress.stage = "connecting";
    if (options.progress) options.progress(progress);
    PALABRE_RETURN_IF_ERROR(session.Hello());
    Pusher pusher(session, options, progress, *result);
    PALABRE_RETURN_IF_ERROR(pusher.Run(&batch_bytes));
    if (pusher.role() == kRoleCoordinator) {
      PALABRE_RETURN_IF_ERROR(Pull(session, options, progress, *result));
    }
    return session.SaveCounter();
  });
  // A retried exchange may meet the same refusal twice: report it once.
  std::set<std::tuple<std::string, int64_t, std::string>> seen;
  std::vector<Rejection> unique;
  for (Rejection& r : result->rejected) {
    if (seen.insert({r.device_id, r.seq, r.code}).second) {
      unique.push_back(std::move(r));
    }
  }
  result->rejected = std::move(unique);
  result->attempts = progress.attempts;
  result->requests = http.requests();
  result->bytes_sent = http.bytes_sent();
  result->bytes_received = http.bytes_received();
  // Keep the counter whatever happened, so the next run starts above it.
  session.SaveCounter().IgnoreError();
  return status;
}

Status MeetServer(Database& db, HttpClient& http, const SyncOptions& options) {
  Session session(db, http, options);
  PALABRE_RETURN_IF_ERROR(session.Load());
  return WithRetries(options, nullptr, [&] { return session.Hello(); });
}

Status RelayBundle(Database& db, HttpClient& http,
                   const std::vector<std::string>& envelopes,
                   const SyncOptions& options, SyncResult* result) {
  // Each device's envelopes, in chain order, with their entry hashes.
  struct Held {
    const std::string* bytes;
    std::string hash;
  };
  std::map<std::string, std::map<int64_t, Held>> by_device;
  for (const std::string& bytes : envelopes) {
    StatusOr<Envelope> env = DecodeEnvelope(bytes);
    if (!env.ok()) {
      result->rejected.push_back(
          {"", 0, "malformed",
           "a damaged envelope in the bundle: " + env.status().message()});
      continue;
    }
    by_device[env->device_id][env->seq] = {&bytes, EnvelopeEntryHash(*env)};
  }
  SyncProgress progress;
  for (const auto& [device, chain] : by_device) {
    progress.to_push += static_cast<int64_t>(chain.size());
  }
  Session session(db, http, options);
  PALABRE_RETURN_IF_ERROR(session.Load());
  std::set<std::string> done;               // devices finished or refused
  std::map<std::string, int64_t> acked_of;  // device -> seq acknowledged
  Status status = WithRetries(options, &progress, [&]() -> Status {
    PALABRE_RETURN_IF_ERROR(session.Hello());
    const std::size_t limit = session.max_body() - (64 << 10);
    for (const auto& [device, chain] : by_device) {
      if (done.count(device) > 0) continue;
      // After a retry, resume after what the server acknowledged; at first,
      // before the bundle's first entry (a bundle may start mid-chain).
      int64_t& acked =
          acked_of.try_emplace(device, chain.begin()->first - 1).first->second;
      auto it = chain.upper_bound(acked);
      while (it != chain.end()) {
        progress.stage = "relaying";
        if (options.progress) options.progress(progress);
        std::vector<std::string> batch;
        std::size_t bytes = kBatchHeaderBytes;
        while (it != chain.end() &&
               (batch.empty() ||
                bytes + it->second.bytes->size() + kBatchItemOverhead <=
                    limit)) {
          bytes += it->second.bytes->size() + kBatchItemOverhead;
          batch.push_back(*it->second.bytes);
          ++it;
        }
        PALABRE_ASSIGN_OR_RETURN(
            HttpReply reply,
            session.Call("POST", "/v1/push", EncodeBatch(batch)));
        PALABRE_ASSIGN_OR_RETURN(PushReply push, DecodePushReply(reply.body));
        // Receipts for the device's next entries, each ending with the
        // entry the bundle holds there. The server may hold more of the
        // chain than the bundle (the device synced since it wrote the
        // bundle): a receipt ending past the bundle has nothing here to be
        // checked against, and the relay keeps no receipts.
        for (const Receipt& r : push.receipts) {
          Status ok = CheckNextReceipt(r, device, acked, session.server_key());
          const auto last = chain.find(r.last_seq);
          const bool past_bundle = r.last_seq > chain.rbegin()->first;
          if (ok.ok() && !past_bundle &&
              (last == chain.end() || last->second.hash != r.last_hash)) {
            ok = PermissionDeniedError("the server's receipt for " +
                                       ReceiptName(r) +
                                       " names entries the bundle does not "
                                       "hold");
          }
          if (!ok.ok()) return ok;
          // The bundle's entries it covers.
          const auto taken = std::distance(chain.upper_bound(acked),
                                           chain.upper_bound(r.last_seq));
          progress.pushed += taken;
          result->pushed += taken;
          acked = r.last_seq;
        }
        if (!push.refused_code.empty()) {
          result->rejected.push_back({push.refused_device, push.refused_seq,
                                      push.refused_code, push.refused_message});
          break;
        }
        if (push.receipts.empty()) {
          return UnavailableError("the server acknowledged nothing");
        }
        it = chain.upper_bound(acked);
      }
      done.insert(device);
    }
    return session.SaveCounter();
  });
  result->attempts = progress.attempts;
  result->requests = http.requests();
  result->bytes_sent = http.bytes_sent();
  result->bytes_received = http.bytes_received();
  session.SaveCounter().IgnoreError();
  return status;
}

StatusOr<std::string> EnrollDevice(Database& db, HttpClient& http,
                                   const InviteCode& code,
                                   const SyncOptions& options) {
  PALABRE_RETURN_IF_ERROR(JoinOrganisation(db, code.org));
  PALABRE_RETURN_IF_ERROR(db.Transaction([&]() -> Status {
    if (!code.tls_pin.empty()) {
      PALABRE_RETURN_IF_ERROR(SetSyncValue(db, kSyncTlsPin, code.tls_pin));
    }
    if (!code.server_key.empty()) {
      PALABRE_ASSIGN_OR_RETURN(std::string held,
                               GetSyncValue(db, kSyncServerKey));
      if (held.empty()) {
        PALABRE_RETURN_IF_ERROR(
            SetSyncValue(db, kSyncServerKey, code.server_key));
      }
    }
    return Status::Ok();
  }));
  Session session(db, http, options);
  PALABRE_RETURN_IF_ERROR(session.Load());
  const std::string body = json{{"grant", InviteGrantJson(code.grant)},
                                {"public_key", ToHex(session.key().public_key)}}
                               .dump();
  std::string state;
  PALABRE_RETURN_IF_ERROR(WithRetries(options, nullptr, [&]() -> Status {
    PALABRE_RETURN_IF_ERROR(session.Hello());
    PALABRE_ASSIGN_OR_RETURN(HttpReply reply,
                             session.Call("POST", "/v1/enroll", body));
    const json j = json::parse(reply.body, nullptr, false);
    if (!j.is_object() || !j.contains("status") || !j["status"].is_string()) {
      return UnavailableError("the server's answer is malformed");
    }
    state = j["status"].get<std::string>();
    return session.SaveCounter();
  }));
  return state;
}

namespace {

StatusOr<std::vector<ServerDevice>> FetchDevicesOnce(Session& s) {
  PALABRE_ASSIGN_OR_RETURN(HttpReply reply, s.Call("GET", "/v1/devices", ""));
  const json j = json::parse(reply.body, nullptr, false);
  if (!j.is_object() || !j.contains("devices") || !j["devices"].is_array()) {
    return UnavailableError("the server's device list is malformed");
  }
  std::vector<ServerDevice> out;
  for (const json& d : j["devices"]) {
    if (!d.is_object()) continue;
    auto text = [&](const char* key) {
      return d.contains(key) && d[key].is_string() ? d[key].get<std::string>()
                                                   : std::string();
    };
    ServerDevice dev;
    dev.device_id = text("device_id");
    dev.name = text("name");
    dev.role = text("role");
    dev.status = text("status");
    dev.public_key = FromHex(text("public_key"));
    if (d.contains("head_seq") && d["head_seq"].is_number_integer()) {
      dev.head_seq = d["head_seq"].get<int64_t>();
    }
    if (d.contains("grant")) {
      StatusOr<InviteGrant> grant = ParseInviteGrantJson(d["grant"]);
      if (grant.ok()) dev.grant = std::move(*grant);
    }
    if (d.contains("revocation") && d["revocation"].is_object() &&
        d["revocation"].contains("revoked_at") &&
        d["revocation"]["revoked_at"].is_number_integer()) {
      dev.revoked_at = d["revocation"]["revoked_at"].get<int64_t>();
    }
    if (!IsHexId(dev.device_id)) continue;
    out.push_back(std::move(dev));
  }
  return out;
}

}  // namespace

StatusOr<std::vector<ServerDevice>> FetchDevices(Database& db, HttpClient& http,
                                                 const SyncOptions& options) {
  Session session(db, http, options);
  PALABRE_RETURN_IF_ERROR(session.Load());
  std::vector<ServerDevice> out;
  PALABRE_RETURN_IF_ERROR(WithRetries(options, nullptr, [&]() -> Status {
    PALABRE_RETURN_IF_ERROR(session.Hello());
    PALABRE_ASSIGN_OR_RETURN(out, FetchDevicesOnce(session));
    return session.SaveCounter();
  }));
  return out;
}

StatusOr<std::vector<ServerDevice>> ApproveDevices(
    Database& db, HttpClient& http, const std::string& device_prefix,
    const SyncOptions& options) {
  Session session(db, http, options);
  PALABRE_RETURN_IF_ERROR(session.Load());
  // Checked before anything is asked of the server.
  PALABRE_RETURN_IF_ERROR(LoadOrgSecrets(db).status());
  std::vector<ServerDevice> approved;
  PALABRE_RETURN_IF_ERROR(WithRetries(options, nullptr, [&]() -> Status {
    approved.clear();
    PALABRE_RETURN_IF_ERROR(session.Hello());
    PALABRE_ASSIGN_OR_RETURN(std::vector<ServerDevice> devices,
                             FetchDevicesOnce(session));
    json certs = json::array();
    PALABRE_RETURN_IF_ERROR(db.Transaction([&]() -> Status {
      for (const ServerDevice& d : devices) {
        if (d.status != "pending") continue;
        if (!device_prefix.empty() &&
            d.device_id.rfind(device_prefix, 0) != 0) {
          continue;
        }
        // The server cannot invent a device: its grant must be one the
        // organisation signed, for the key it enrolled.
        if (!VerifyInviteGrant(d.grant, session.org().signing_key).ok() ||
            DeviceIdFor(d.public_key) != d.device_id) {
          continue;
        }
        PALABRE_ASSIGN_OR_RETURN(
            DeviceCertificate cert,
            IssueCertificate(db, d.public_key, d.grant.role, d.grant.name,
                             NowUnixMillis()));
        certs.push_back(CertificateJson(cert));
        approved.push_back(d);
      }
      return Status::Ok();
    }));
    if (approved.empty()) {
      return NotFoundError(device_prefix.empty()
                               ? "no device awaits approval"
                               : "no pending device's id starts with " +
                                     device_prefix);
    }
    PALABRE_RETURN_IF_ERROR(session
                                .Call("POST", "/v1/certificates",
                                      json{{"certificates", certs}}.dump())
                                .status());
    return session.SaveCounter();
  }));
  return approved;
}

StatusOr<ServerDevice> RevokeDevice(Database& db, HttpClient& http,
                                    const std::string& device_prefix,
                                    const SyncOptions& options) {
  Session session(db, http, options);
  PALABRE_RETURN_IF_ERROR(session.Load());
  PALABRE_RETURN_IF_ERROR(LoadOrgSecrets(db).status());
  ServerDevice target;
  PALABRE_RETURN_IF_ERROR(WithRetries(options, nullptr, [&]() -> Status {
    PALABRE_RETURN_IF_ERROR(session.Hello());
    PALABRE_ASSIGN_OR_RETURN(std::vector<ServerDevice> devices,
                             FetchDevicesOnce(session));
    std::vector<ServerDevice> matches;
    for (const ServerDevice& d : devices) {
      if (d.device_id.rfind(device_prefix, 0) == 0) matches.push_back(d);
    }
    if (matches.empty()) {
      return NotFoundError("the server knows no device whose id starts with " +
                           device_prefix);
    }
    if (matches.size() > 1) {
      return InvalidArgumentError("several devices' ids start with " +
                                  device_prefix + "; give more of the id");
    }
    target = matches.front();
    if (target.device_id == session.key().device_id) {
      return InvalidArgumentError(
          "this is this vault's own device; revoke it from another "
          "coordinator's vault");
    }
    Revocation r;
    PALABRE_RETURN_IF_ERROR(db.Transaction([&]() -> Status {
      // A device approved elsewhere: keep its certificate first.
      StatusOr<Revocation> issued =
          IssueRevocation(db, target.device_id, NowUnixMillis());
      if (issued.status().code() == StatusCode::kNotFound) {
        PALABRE_ASSIGN_OR_RETURN(
            DeviceCertificate cert,
            IssueCertificate(db, target.public_key, target.role, target.name,
                             NowUnixMillis()));
        (void)cert;
        issued = IssueRevocation(db, target.device_id, NowUnixMillis());
      }
      PALABRE_ASSIGN_OR_RETURN(r, std::move(issued));
      return Status::Ok();
    }));
    target.revoked_at = r.revoked_at;
    PALABRE_RETURN_IF_ERROR(session
                                .Call("POST", "/v1/revoke",
                                      json{{"device_id", r.device_id},
                                           {"revoked_at", r.revoked_at},
                                           {"signature", ToHex(r.signature)}}
                                          .dump())
                                .status());
    return session.SaveCounter();
  }));
  return target;
}

}  // namespace palabre::sync
