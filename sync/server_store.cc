// The partner server's store and rules (sync/server_store.h).
#include "sync/server_store.h"

#include <sodium.h>

#include <algorithm>
#include <charconv>

#include "core/byte_order.h"
#include "core/database.h"
#include "core/migrations.h"
#include "core/receipt.h"
#include "sync/envelope.h"

namespace palabre::sync {
namespace {

using nlohmann::json;

constexpr char kPending[] = "pending";
constexpr char kApproved[] = "approved";
constexpr char kRevoked[] = "revoked";

const Migration kServerMigrations[] = {
    {1, "partner server store",
     "CREATE TABLE meta ("
     "  key TEXT PRIMARY KEY NOT NULL,"
     "  value BLOB NOT NULL"
     ") WITHOUT ROWID;"
     // One row per device: its key, state, certificate or grant, the last
     // request counter and its chain head here.
     "CREATE TABLE devices ("
     "  device_id TEXT PRIMARY KEY NOT NULL,"
     "  public_key BLOB NOT NULL,"
     "  status TEXT NOT NULL,"
     "  role TEXT NOT NULL,"
     "  name TEXT NOT NULL,"
     "  issued_at INTEGER,"
     "  cert_signature BLOB,"
     "  invite_id TEXT UNIQUE,"
     "  grant TEXT,"
     "  enrolled_at INTEGER,"
     "  revoked_at INTEGER,"
     "  revocation_signature BLOB,"
     "  counter INTEGER NOT NULL DEFAULT 0,"
     "  head_seq INTEGER NOT NULL DEFAULT 0,"
     "  head_hash BLOB NOT NULL DEFAULT (zeroblob(32))"
     ") WITHOUT ROWID;"
     // Accepted envelopes; the cursor is the commit order.
     "CREATE TABLE envelopes ("
     "  cursor INTEGER PRIMARY KEY AUTOINCREMENT,"
     "  device_id TEXT NOT NULL,"
     "  seq INTEGER NOT NULL,"
     "  entry_hash BLOB NOT NULL,"
     "  envelope BLOB NOT NULL,"
     "  received_at INTEGER NOT NULL,"
     "  receipt BLOB NOT NULL,"
     "  UNIQUE (device_id, seq)"
     ");"
     // Evidence: entries refused because another held their place.
     "CREATE TABLE forks ("
     "  id INTEGER PRIMARY KEY,"
     "  device_id TEXT NOT NULL,"
     "  seq INTEGER NOT NULL,"
     "  entry_hash BLOB NOT NULL,"
     "  envelope BLOB NOT NULL,"
     "  received_at INTEGER NOT NULL,"
     "  sent_by TEXT NOT NULL,"
     "  UNIQUE (device_id, seq, entry_hash)"
     ");"},
    {2, "receipts for runs of entries",
     // One receipt for each run of a device's entries a push added
     // (core/receipt.h). A device's receipts cover its chain on the
     // server once each, without overlap. The per-entry receipts of the
     // first protocol become runs of one entry, signed again at the next
     // start (an empty signature marks them).
     "CREATE TABLE receipts ("
     "  device_id TEXT NOT NULL,"
     "  first_seq INTEGER NOT NULL,"
     "  last_seq INTEGER NOT NULL,"
     "  last_hash BLOB NOT NULL,"
     "  first_cursor INTEGER NOT NULL,"
     "  received_at INTEGER NOT NULL,"
     "  signature BLOB NOT NULL,"
     "  PRIMARY KEY (device_id, first_seq)"
     ") WITHOUT ROWID;"
     "INSERT INTO receipts SELECT device_id, seq, seq, entry_hash, cursor, "
     "  received_at, x'' FROM envelopes;"
     "ALTER TABLE envelopes DROP COLUMN receipt;"},
};

std::string Short(std::string_view id) { return std::string(id.substr(0, 8)); }

StatusOr<std::string> MetaValue(Database& db, const char* key) {
  PALABRE_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("SELECT value FROM meta WHERE key = ?"));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(1, key));
  PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? stmt.ColumnText(0) : std::string();
}

Status SetMeta(Database& db, const char* key, std::string_view value) {
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)"));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(1, key));
  PALABRE_RETURN_IF_ERROR(stmt.BindBlob(2, value));
  return stmt.Run();
}

// Records a certified device as approved (or updates its certificate);
// a revoked device stays revoked.
Status UpsertCertified(Database& db, const DeviceCertificate& c) {
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("INSERT INTO devices(device_id, public_key, status, role, "
                 "name, issued_at, cert_signature) "
                 "VALUES (?1, ?2, 'approved', ?3, ?4, ?5, ?6) "
                 "ON CONFLICT(device_id) DO UPDATE SET "
                 "status = CASE status WHEN 'revoked' THEN 'revoked' "
                 "  ELSE 'approved' END, "
                 "role = ?3, name = ?4, issued_at = ?5, cert_signature = ?6 "
                 "WHERE public_key = ?2"));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(1, c.device_id));
  PALABRE_RETURN_IF_ERROR(stmt.BindBlob(2, c.public_key));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(3, c.role));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(4, c.name));
  PALABRE_RETURN_IF_ERROR(stmt.BindInt(5, c.issued_at));
  PALABRE_RETURN_IF_ERROR(stmt.BindBlob(6, c.signature));
  return stmt.Run();
}

constexpr char kReceiptColumns[] =
    "device_id, first_seq, last_seq, last_hash, first_cursor, received_at, "
    "signature";

// A receipt from a row of kReceiptColumns.
Receipt ReceiptFromRow(Statement& stmt) {
  Receipt r;
  r.device_id = stmt.ColumnText(0);
  r.first_seq = stmt.ColumnInt(1);
  r.last_seq = stmt.ColumnInt(2);
  r.last_hash = stmt.ColumnText(3);
  r.first_cursor = stmt.ColumnInt(4);
  r.received_at = stmt.ColumnInt(5);
  r.signature = stmt.ColumnText(6);
  return r;
}

// Signs `r` with `key` and stores it: a new receipt (a clash with one held
// is an error, never a silent replacement), or with `resign` the unsigned
// one a migration left.
Status SignAndStoreReceipt(Database& db, const DeviceKey& key, Receipt& r,
                           bool resign = false) {
  PALABRE_ASSIGN_OR_RETURN(std::string bytes, ReceiptBytes(r, key.public_key));
  r.signature = Sign(key, bytes);
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare(std::string(resign ? "REPLACE" : "INSERT") + " INTO receipts(" +
                 kReceiptColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?)"));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(1, r.device_id));
  PALABRE_RETURN_IF_ERROR(stmt.BindInt(2, r.first_seq));
  PALABRE_RETURN_IF_ERROR(stmt.BindInt(3, r.last_seq));
  PALABRE_RETURN_IF_ERROR(stmt.BindBlob(4, r.last_hash));
  PALABRE_RETURN_IF_ERROR(stmt.BindInt(5, r.first_cursor));
  PALABRE_RETURN_IF_ERROR(stmt.BindInt(6, r.received_at));
  PALABRE_RETURN_IF_ERROR(stmt.BindBlob(7, r.signature));
  return stmt.Run();
}

// Signs the receipts a migration left unsigned.
Status SignUnsignedReceipts(Database& db, const DeviceKey& key) {
  std::vector<Receipt> unsigned_receipts;
  {
    PALABRE_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare(std::string("SELECT ") + kReceiptColumns +
                   " FROM receipts WHERE length(signature) = 0"));
    while (true) {
      PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      unsigned_receipts.push_back(ReceiptFromRow(stmt));
    }
  }
  for (Receipt& r : unsigned_receipts) {
    PALABRE_RETURN_IF_ERROR(SignAndStoreReceipt(db, key, r, /*resign=*/true));
  }
  return Status::Ok();
}

StatusOr<json> ParseJsonBody(std::string_view body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) {
    return ServerError(StatusCode::kInvalidArgument, "malformed",
                       "the request body is not a JSON object");
  }
  return j;
}

std::string HexOf(const json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_string()) return "";
  return j[key].get<std::string>();
}

}  // namespace

Status ServerError(StatusCode code, std::string_view api_code,
                   std::string_view message) {
  return Status(code, std::string(api_code) + ": " + std::string(message));
}

void SplitServerError(const Status& status, std::string* api_code,
                      std::string* message) {
  const std::string& m = status.message();
  const std::size_t colon = m.find(": ");
  const std::string code = colon == std::string::npos ? "" : m.substr(0, colon);
  const bool stable =
      !code.empty() && code.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") ==
                           std::string::npos;
  if (stable) {
    *api_code = code;
    *message = m.substr(colon + 2);
  } else {
    *api_code =
        status.code() == StatusCode::kInternal ? "internal" : "server_error";
    *message = m;
  }
}

ServerStore::~ServerStore() = default;

StatusOr<std::unique_ptr<ServerStore>> ServerStore::Open(
    const std::string& dir, const OrgPublic& org,
    std::function<int64_t()> now_ms) {
  std::unique_ptr<ServerStore> store(new ServerStore());
  store->org_ = org.org;
  store->now_ms_ = std::move(now_ms);
  PALABRE_ASSIGN_OR_RETURN(store->db_, Database::Open(dir + "/" + kServerDbName,
                                                      "unix", /*create=*/true));
  Database& db = *store->db_;
  PALABRE_RETURN_IF_ERROR(
      db.Exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
              "PRAGMA busy_timeout = 5000; PRAGMA trusted_schema = OFF;"));
  PALABRE_RETURN_IF_ERROR(ApplyMigrations(db, kServerMigrations));
  Status status = db.Transaction([&]() -> Status {
    PALABRE_ASSIGN_OR_RETURN(std::string held, MetaValue(db, "org_id"));
    if (held.empty()) {
      PALABRE_RETURN_IF_ERROR(SetMeta(db, "org_id", org.org.org_id));
    } else if (held != org.org.org_id) {
      return FailedPreconditionError(
          "this data directory holds another organisation's store (" +
          Short(held) + "); give each organisation its own --data");
    }
    PALABRE_ASSIGN_OR_RETURN(std::string secret,
                             MetaValue(db, "signing_secret"));
    if (secret.empty()) {
      std::string pk(crypto_sign_PUBLICKEYBYTES, '\0');
      secret.assign(crypto_sign_SECRETKEYBYTES, '\0');
      crypto_sign_keypair(reinterpret_cast<uint8_t*>(pk.data()),
                          reinterpret_cast<uint8_t*>(secret.data()));
      PALABRE_RETURN_IF_ERROR(SetMeta(db, "signing_secret", secret));
    }
    if (secret.size() != crypto_sign_SECRETKEYBYTES) {
      return DataLossError("the server's receipt key is damaged");
    }
    store->key_.public_key = secret.substr(32);  // Ed25519 sk = seed || pk
    store->key_.device_id = DeviceIdFor(store->key_.public_key);
    store->key_.secret_key = SecureBuffer::CopyOf(secret);
    sodium_memzero(secret.data(), secret.size());
    PALABRE_RETURN_IF_ERROR(SignUnsignedReceipts(db, store->key_));
    for (const DeviceCertificate& cert : org.devices) {
      PALABRE_RETURN_IF_ERROR(UpsertCertified(db, cert));
    }
    return Status::Ok();
  });
  PALABRE_RETURN_IF_ERROR(status);
  return store;
}

json ServerStore::Hello() const {
  return {{"protocol", 2},
          {"org_id", org_.org_id},
          {"server_key", ToHex(key_.public_key)},
          {"max_body", kMaxRequestBytes},
          {"time", now_ms_()}};
}

StatusOr<ServerStore::Caller> ServerStore::Authenticate(const RequestAuth& auth,
                                                        std::string_view body,
                                                        bool allow_pending) {
  uint64_t counter = 0;
  const std::string& c = auth.counter;
  auto [end, ec] = std::from_chars(c.data(), c.data() + c.size(), counter);
  const std::string signature = FromHex(auth.signature);
  if (!IsHexId(auth.device_id) || ec != std::errc() ||
      end != c.data() + c.size() || counter == 0 ||
      counter > static_cast<uint64_t>(INT64_MAX) ||
      signature.size() != kSignatureBytes) {
    return ServerError(StatusCode::kUnauthenticated, "unauthenticated",
                       "the request is not signed by a device");
  }
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db_->Prepare("SELECT public_key, status, role, counter, revoked_at "
                   "FROM devices WHERE device_id = ?"));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(1, auth.device_id));
  PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) {
    return ServerError(StatusCode::kPermissionDenied, "unknown_device",
                       "device " + Short(auth.device_id) +
                           " is not enrolled in this organisation (palabre "
                           "enroll CODE)");
  }
  Caller caller{auth.device_id, stmt.ColumnText(2), stmt.ColumnText(1)};
  const std::string public_key = stmt.ColumnText(0);
  const int64_t last = stmt.ColumnInt(3);
  const int64_t revoked_at = stmt.ColumnIsNull(4) ? 0 : stmt.ColumnInt(4);
  const std::string signed_bytes =
      RequestSigningBytes(org_.org_id, auth.method, auth.target, body, counter);
  if (!VerifySignature(public_key, signed_bytes, signature)) {
    return ServerError(StatusCode::kUnauthenticated, "bad_signature",
                       "the request's signature does not verify");
  }
  if (static_cast<int64_t>(counter) <= last) {
    return ServerError(StatusCode::kAlreadyExists, "stale_counter",
                       "the request's counter is not above the last one (a "
                       "replayed request is refused); last counter " +
                           std::to_string(last));
  }
  if (caller.status == kRevoked) {
    return ServerError(StatusCode::kPermissionDenied, "revoked",
                       "device " + Short(auth.device_id) +
                           " was revoked by the organisation (at " +
                           std::to_string(revoked_at) +
                           " ms); the server refuses it");
  }
  if (caller.status == kPending && !allow_pending) {
    return ServerError(StatusCode::kPermissionDenied, "approval_pending",
                       "device " + Short(auth.device_id) +
                           " is enrolled but awaits a coordinator's approval "
                           "(palabre org approve)");
  }
  PALABRE_ASSIGN_OR_RETURN(
      Statement update,
      db_->Prepare("UPDATE devices SET counter = ? WHERE device_id = ?"));
  PALABRE_RETURN_IF_ERROR(update.BindInt(1, static_cast<int64_t>(counter)));
  PALABRE_RETURN_IF_ERROR(update.BindText(2, auth.device_id));
  PALABRE_RETURN_IF_ERROR(update.Run());
  return caller;
}

StatusOr<ServerStore::Caller> ServerStore::AuthenticateCoordinator(
    const RequestAuth& auth, std::string_view body) {
  PALABRE_ASSIGN_OR_RETURN(Caller caller, Authenticate(auth, body, false));
  if (caller.role != kRoleCoordinator) {
    return ServerError(StatusCode::kPermissionDenied, "not_coordinator",
                       "only a coordinator's device may do this");
  }
  return caller;
}

StatusOr<json> ServerStore::Enroll(const RequestAuth& auth,
                                   std::string_view body) {
  PALABRE_ASSIGN_OR_RETURN(json j, ParseJsonBody(body));
  const std::string public_key = FromHex(HexOf(j, "public_key"));
  StatusOr<InviteGrant> parsed =
      ParseInviteGrantJson(j.contains("grant") ? j["grant"] : json());
  if (public_key.size() != kPublicKeyBytes || !parsed.ok() ||
      !VerifyInviteGrant(*parsed, org_.signing_key).ok()) {
    return ServerError(StatusCode::kPermissionDenied, "bad_invitation",
                       "the invitation is not one this organisation signed");
  }
  const InviteGrant& grant = *parsed;
  // The code the device holds must describe this organisation and server:
  // otherwise its entries would be sealed for a key nobody here holds.
  if (grant.encryption_key != org_.encryption_key ||
      grant.org_name != org_.name ||
      (!grant.server_key.empty() && grant.server_key != key_.public_key)) {
    return ServerError(StatusCode::kPermissionDenied, "bad_invitation",
                       "the invitation names another organisation key or "
                       "another server");
  }
  const std::string device_id = DeviceIdFor(public_key);
  if (auth.device_id != device_id) {
    return ServerError(StatusCode::kUnauthenticated, "bad_signature",
                       "the request is not signed by the key it enrols");
  }
  std::lock_guard<std::mutex> lock(mu_);
  json out;
  Status status = db_->Transaction([&]() -> Status {
    // The invitation is used once: by this device (a retried request),
    // or by nobody yet.
    PALABRE_ASSIGN_OR_RETURN(
        Statement used,
        db_->Prepare("SELECT device_id FROM devices WHERE invite_id = ?"));
    PALABRE_RETURN_IF_ERROR(used.BindText(1, grant.invite_id));
    PALABRE_ASSIGN_OR_RETURN(bool taken, used.Step());
    if (taken && used.ColumnText(0) != device_id) {
      return ServerError(StatusCode::kAlreadyExists, "invitation_used",
                         "this invitation was used already; ask a "
                         "coordinator for a new one");
    }
    if (!taken && grant.expires_at <= now_ms_()) {
      return ServerError(StatusCode::kPermissionDenied, "invitation_expired",
                         "this invitation has expired; ask a coordinator "
                         "for a new one");
    }
    if (!taken) {
      PALABRE_ASSIGN_OR_RETURN(
          Statement insert,
          db_->Prepare("INSERT INTO devices(device_id, public_key, status, "
                       "role, name, invite_id, grant, enrolled_at) "
                       "VALUES (?1, ?2, 'pending', ?3, ?4, ?5, ?6, ?7) "
                       "ON CONFLICT(device_id) DO NOTHING"));
      PALABRE_RETURN_IF_ERROR(insert.BindText(1, device_id));
      PALABRE_RETURN_IF_ERROR(insert.BindBlob(2, public_key));
      PALABRE_RETURN_IF_ERROR(insert.BindText(3, grant.role));
      PALABRE_RETURN_IF_ERROR(insert.BindText(4, grant.name));
      PALABRE_RETURN_IF_ERROR(insert.BindText(5, grant.invite_id));
      PALABRE_RETURN_IF_ERROR(
          insert.BindText(6, InviteGrantJson(grant).dump()));
      PALABRE_RETURN_IF_ERROR(insert.BindInt(7, now_ms_()));
      PALABRE_RETURN_IF_ERROR(insert.Run());
      PALABRE_ASSIGN_OR_RETURN(int64_t added,
                               db_->QueryInt("SELECT changes()"));
      if (added == 0) {
        return ServerError(StatusCode::kAlreadyExists, "already_enrolled",
                           "this device is enrolled already");
      }
    }
    PALABRE_ASSIGN_OR_RETURN(Caller caller, Authenticate(auth, body, true));
    out = json{{"device_id", device_id}, {"status", caller.status}};
    return Status::Ok();
  });
  PALABRE_RETURN_IF_ERROR(status);
  return out;
}

StatusOr<json> ServerStore::DeviceState(const RequestAuth& auth) {
  std::lock_guard<std::mutex> lock(mu_);
  json out;
  PALABRE_RETURN_IF_ERROR(db_->Transaction([&]() -> Status {
    PALABRE_ASSIGN_OR_RETURN(Caller caller, Authenticate(auth, "", true));
    PALABRE_ASSIGN_OR_RETURN(
        Statement stmt,
        db_->Prepare("SELECT head_seq, head_hash, counter, role, name "
                     "FROM devices WHERE device_id = ?"));
    PALABRE_RETURN_IF_ERROR(stmt.BindText(1, caller.device_id));
    PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return InternalError("device vanished");
    out = json{{"device_id", caller.device_id},
               {"status", caller.status},
               {"role", stmt.ColumnText(3)},
               {"name", stmt.ColumnText(4)},
               {"head_seq", stmt.ColumnInt(0)},
               {"head_hash", ToHex(stmt.ColumnText(1))},
               {"counter", stmt.ColumnInt(2)}};
    return Status::Ok();
  }));
  return out;
}

// Signs and stores the receipt of the run a push added, if any, and adds
// it to `reply`.
Status ServerStore::FinishRun(Receipt& run, PushReply& reply) {
  if (run.first_seq == 0) return Status::Ok();
  run.received_at = now_ms_();
  PALABRE_RETURN_IF_ERROR(SignAndStoreReceipt(*db_, key_, run));
  reply.receipts.push_back(std::move(run));
  run = Receipt();
  return Status::Ok();
}

// One envelope of a push, inside the push's transaction. Extends `run`
// with a new entry (finishing the run before it if it cannot extend it),
// adds the receipt covering a duplicate, or sets the refusal and `*stop`.
Status ServerStore::PushOne(std::string_view bytes, PushReply& reply,
                            Receipt& run, bool* stop) {
  auto refuse = [&](const char* code, std::string message,
                    const std::string& device, int64_t seq) {
    reply.refused_code = code;
    reply.refused_message = std::move(message);
    reply.refused_device = device;
    reply.refused_seq = seq;
    *stop = true;
    return Status::Ok();
  };
  StatusOr<Envelope> decoded = DecodeEnvelope(bytes);
  if (!decoded.ok()) {
    return refuse("malformed", decoded.status().message(), "", 0);
  }
  const Envelope& env = *decoded;
  const std::string name =
      "device " + Short(env.device_id) + " seq " + std::to_string(env.seq);
  PALABRE_ASSIGN_OR_RETURN(
      Statement dev,
      db_->Prepare("SELECT public_key, status, head_seq, head_hash "
                   "FROM devices WHERE device_id = ?"));
  PALABRE_RETURN_IF_ERROR(dev.BindText(1, env.device_id));
  PALABRE_ASSIGN_OR_RETURN(bool known, dev.Step());
  if (!known) {
    return refuse("unknown_device",
                  name + ": the device is not enrolled in this organisation",
                  env.device_id, env.seq);
  }
  const std::string status = dev.ColumnText(1);
  if (status == kRevoked) {
    return refuse("revoked", name + ": the device was revoked", env.device_id,
                  env.seq);
  }
  if (status != kApproved) {
    return refuse("approval_pending",
                  name +
                      ": the device awaits a coordinator's approval "
                      "(palabre org approve)",
                  env.device_id, env.seq);
  }
  if (!VerifyEnvelope(env, dev.ColumnText(0)).ok()) {
    return refuse("bad_signature",
                  name + ": the device's signature does not verify",
                  env.device_id, env.seq);
  }
  const std::string hash = EnvelopeEntryHash(env);
  const int64_t head_seq = dev.ColumnInt(2);
  const std::string head_hash = dev.ColumnText(3);
  if (env.seq <= head_seq) {
    PALABRE_ASSIGN_OR_RETURN(Statement held,
                             db_->Prepare("SELECT entry_hash FROM envelopes "
                                          "WHERE device_id = ? AND seq = ?"));
    PALABRE_RETURN_IF_ERROR(held.BindText(1, env.device_id));
    PALABRE_RETURN_IF_ERROR(held.BindInt(2, env.seq));
    PALABRE_ASSIGN_OR_RETURN(bool row, held.Step());
    if (!row) return InternalError(name + ": below the head but not held");
    if (held.ColumnText(0) == hash) {
      // The same entry again: the receipt that covers it, once a reply.
      // A run this push added before it is finished first (it may cover
      // this very entry, sent twice), which keeps the batch's order.
      PALABRE_RETURN_IF_ERROR(FinishRun(run, reply));
      PALABRE_ASSIGN_OR_RETURN(
          Statement covering,
          db_->Prepare(std::string("SELECT ") + kReceiptColumns +
                       " FROM receipts WHERE device_id = ? AND "
                       "first_seq <= ? ORDER BY first_seq DESC LIMIT 1"));
      PALABRE_RETURN_IF_ERROR(covering.BindText(1, env.device_id));
      PALABRE_RETURN_IF_ERROR(covering.BindInt(2, env.seq));
      PALABRE_ASSIGN_OR_RETURN(bool found, covering.Step());
      Receipt receipt;
      if (found) receipt = ReceiptFromRow(covering);
      if (!found || !receipt.Covers(env.seq)) {
        return InternalError(name + ": held but no receipt covers it");
      }
      // (The receipts already answered, checked from the newest: a batch of
      // duplicates names few receipts, and mostly the last one again.)
      const bool sent = std::any_of(
          reply.receipts.rbegin(), reply.receipts.rend(),
          [&](const Receipt& r) {
            return r.device_id == receipt.device_id &&
                   r.first_seq == receipt.first_seq;
          });
      if (!sent) reply.receipts.push_back(std::move(receipt));
      return Status::Ok();
    }
    PALABRE_ASSIGN_OR_RETURN(
        Statement fork,
        db_->Prepare("INSERT OR IGNORE INTO forks(device_id, seq, entry_hash, "
                     "envelope, received_at, sent_by) "
                     "VALUES (?, ?, ?, ?, ?, ?)"));
    PALABRE_RETURN_IF_ERROR(fork.BindText(1, env.device_id));
    PALABRE_RETURN_IF_ERROR(fork.BindInt(2, env.seq));
    PALABRE_RETURN_IF_ERROR(fork.BindBlob(3, hash));
    PALABRE_RETURN_IF_ERROR(fork.BindBlob(4, bytes));
    PALABRE_RETURN_IF_ERROR(fork.BindInt(5, now_ms_()));
    PALABRE_RETURN_IF_ERROR(fork.BindText(6, reply.refused_device));
    PALABRE_RETURN_IF_ERROR(fork.Run());
    return refuse("fork",
                  name +
                      ": the server holds a different entry at this "
                      "place (a fork: is this an old copy of a vault?); "
                      "kept as evidence",
                  env.device_id, env.seq);
  }
  if (env.seq != head_seq + 1 || env.prev_hash != head_hash) {
    return refuse("out_of_order",
                  name +
                      ": does not continue the chain the server holds "
                      "(up to seq " +
                      std::to_string(head_seq) + ")",
                  env.device_id, env.seq);
  }
  PALABRE_ASSIGN_OR_RETURN(
      Statement insert,
      db_->Prepare("INSERT INTO envelopes(device_id, seq, entry_hash, "
                   "envelope, received_at) VALUES (?, ?, ?, ?, ?)"));
  PALABRE_RETURN_IF_ERROR(insert.BindText(1, env.device_id));
  PALABRE_RETURN_IF_ERROR(insert.BindInt(2, env.seq));
  PALABRE_RETURN_IF_ERROR(insert.BindBlob(3, hash));
  PALABRE_RETURN_IF_ERROR(insert.BindBlob(4, bytes));
  PALABRE_RETURN_IF_ERROR(insert.BindInt(5, now_ms_()));
  PALABRE_RETURN_IF_ERROR(insert.Run());
  PALABRE_ASSIGN_OR_RETURN(int64_t cursor,
                           db_->QueryInt("SELECT last_insert_rowid()"));
  PALABRE_ASSIGN_OR_RETURN(
      Statement head,
      db_->Prepare("UPDATE devices SET head_seq = ?, head_hash = ? "
                   "WHERE device_id = ?"));
  PALABRE_RETURN_IF_ERROR(head.BindInt(1, env.seq));
  PALABRE_RETURN_IF_ERROR(head.BindBlob(2, hash));
  PALABRE_RETURN_IF_ERROR(head.BindText(3, env.device_id));
  PALABRE_RETURN_IF_ERROR(head.Run());
  // The run goes on while its entries follow one another in the chain
  // and in the commit order (one writer: always, within a push, until
  // another device's entry comes between).
  const bool extends = run.first_seq != 0 && run.device_id == env.device_id &&
                       run.last_seq + 1 == env.seq &&
                       run.CursorOf(env.seq) == cursor;
  if (!extends) {
    PALABRE_RETURN_IF_ERROR(FinishRun(run, reply));
    run.device_id = env.device_id;
    run.first_seq = env.seq;
    run.first_cursor = cursor;
  }
  run.last_seq = env.seq;
  run.last_hash = hash;
  return Status::Ok();
}

StatusOr<PushReply> ServerStore::Push(const RequestAuth& auth,
                                      std::string_view body) {
  StatusOr<std::vector<std::string>> batch = DecodeBatch(body);
  std::lock_guard<std::mutex> lock(mu_);
  PushReply reply;
  PALABRE_RETURN_IF_ERROR(db_->Transaction([&]() -> Status {
    reply = PushReply();
    PALABRE_ASSIGN_OR_RETURN(Caller caller, Authenticate(auth, body, false));
    if (!batch.ok()) {
      return ServerError(StatusCode::kInvalidArgument, "malformed",
                         batch.status().message());
    }
    Receipt run;
    bool stop = false;
    for (std::string_view bytes : *batch) {
      // The sender is kept with fork evidence.
      reply.refused_device = caller.device_id;
      PALABRE_RETURN_IF_ERROR(PushOne(bytes, reply, run, &stop));
      if (stop) break;
    }
    if (!stop) reply.refused_device.clear();
    return FinishRun(run, reply);
  }));
  return reply;
}

StatusOr<PushReply> ServerStore::Receipts(const RequestAuth& auth,
                                          int64_t after) {
  std::lock_guard<std::mutex> lock(mu_);
  PushReply reply;
  PALABRE_RETURN_IF_ERROR(db_->Transaction([&]() -> Status {
    reply = PushReply();
    PALABRE_ASSIGN_OR_RETURN(Caller caller, Authenticate(auth, "", false));
    PALABRE_ASSIGN_OR_RETURN(
        Statement stmt,
        db_->Prepare(std::string("SELECT ") + kReceiptColumns +
                     " FROM receipts WHERE device_id = ? AND last_seq > ? "
                     "ORDER BY first_seq LIMIT 1000"));
    PALABRE_RETURN_IF_ERROR(stmt.BindText(1, caller.device_id));
    PALABRE_RETURN_IF_ERROR(stmt.BindInt(2, after));
    while (true) {
      PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) return Status::Ok();
      reply.receipts.push_back(ReceiptFromRow(stmt));
    }
  }));
  return reply;
}

StatusOr<PullPage> ServerStore::Pull(const RequestAuth& auth, int64_t after,
                                     std::size_t max_bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  PullPage page;
  PALABRE_RETURN_IF_ERROR(db_->Transaction([&]() -> Status {
    page = PullPage();
    PALABRE_RETURN_IF_ERROR(AuthenticateCoordinator(auth, "").status());
    PALABRE_ASSIGN_OR_RETURN(
        Statement stmt, db_->Prepare("SELECT cursor, envelope FROM envelopes "
                                     "WHERE cursor > ? ORDER BY cursor"));
    PALABRE_RETURN_IF_ERROR(stmt.BindInt(1, after));
    page.next_cursor = after;
    std::size_t bytes = 0;
    while (true) {
      PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) return Status::Ok();
      std::string envelope = stmt.ColumnText(1);
      if (!page.items.empty() && bytes + envelope.size() > max_bytes) {
        page.more = true;
        return Status::Ok();
      }
      bytes += envelope.size() + 12;
      page.next_cursor = stmt.ColumnInt(0);
      page.items.push_back({page.next_cursor, std::move(envelope)});
    }
  }));
  return page;
}

StatusOr<json> ServerStore::Devices(const RequestAuth& auth) {
  std::lock_guard<std::mutex> lock(mu_);
  json devices = json::array();
  PALABRE_RETURN_IF_ERROR(db_->Transaction([&]() -> Status {
    devices = json::array();
    PALABRE_RETURN_IF_ERROR(AuthenticateCoordinator(auth, "").status());
    PALABRE_ASSIGN_OR_RETURN(
        Statement stmt,
        db_->Prepare("SELECT device_id, public_key, status, role, name, "
                     "issued_at, cert_signature, grant, enrolled_at, "
                     "revoked_at, revocation_signature, head_seq "
                     "FROM devices "
                     "ORDER BY device_id"));
    while (true) {
      PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) return Status::Ok();
      json d = {{"device_id", stmt.ColumnText(0)},
                {"public_key", ToHex(stmt.ColumnText(1))},
                {"status", stmt.ColumnText(2)},
                {"role", stmt.ColumnText(3)},
                {"name", stmt.ColumnText(4)},
                {"head_seq", stmt.ColumnInt(11)}};
      if (!stmt.ColumnIsNull(6)) {
        d["certificate"] = {{"device_id", stmt.ColumnText(0)},
                            {"public_key", ToHex(stmt.ColumnText(1))},
                            {"role", stmt.ColumnText(3)},
                            {"name", stmt.ColumnText(4)},
                            {"issued_at", stmt.ColumnInt(5)},
                            {"signature", ToHex(stmt.ColumnText(6))}};
      }
      if (!stmt.ColumnIsNull(7)) {
        d["grant"] = json::parse(stmt.ColumnText(7), nullptr, false);
        d["enrolled_at"] = stmt.ColumnInt(8);
      }
      if (!stmt.ColumnIsNull(9)) {
        d["revocation"] = {{"revoked_at", stmt.ColumnInt(9)},
                           {"signature", ToHex(stmt.ColumnText(10))}};
      }
      devices.push_back(std::move(d));
    }
  }));
  return json{{"devices", devices}};
}

StatusOr<json> ServerStore::AddCertificates(const RequestAuth& auth,
                                            std::string_view body) {
  PALABRE_ASSIGN_OR_RETURN(json j, ParseJsonBody(body));
  if (!j.contains("certificates") || !j["certificates"].is_array()) {
    return ServerError(StatusCode::kInvalidArgument, "malformed",
                       "no certificates in the request");
  }
  std::vector<DeviceCertificate> certs;
  for (const json& c : j["certificates"]) {
    StatusOr<DeviceCertificate> cert = ParseCertificateJson(c);
    if (!cert.ok()) {
      return ServerError(StatusCode::kInvalidArgument, "malformed",
                         cert.status().message());
    }
    cert->org_id = org_.org_id;
    if (!VerifyCertificate(*cert, org_.signing_key).ok()) {
      return ServerError(StatusCode::kPermissionDenied, "bad_certificate",
                         "the certificate of device " + Short(cert->device_id) +
                             " is not signed by the organisation");
    }
    certs.push_back(std::move(*cert));
  }
  std::lock_guard<std::mutex> lock(mu_);
  int64_t approved = 0;
  PALABRE_RETURN_IF_ERROR(db_->Transaction([&]() -> Status {
    approved = 0;
    PALABRE_RETURN_IF_ERROR(AuthenticateCoordinator(auth, body).status());
    PALABRE_ASSIGN_OR_RETURN(
        Statement status,
        db_->Prepare("SELECT status FROM devices WHERE device_id = ?"));
    for (const DeviceCertificate& cert : certs) {
      PALABRE_RETURN_IF_ERROR(UpsertCertified(*db_, cert));
      // A revoked device stays revoked: its certificate approves nothing.
      status.Reset();
      PALABRE_RETURN_IF_ERROR(status.BindText(1, cert.device_id));
      PALABRE_ASSIGN_OR_RETURN(bool row, status.Step());
      if (row && status.ColumnText(0) == kApproved) ++approved;
    }
    return Status::Ok();
  }));
  return json{{"approved", approved}};
}

StatusOr<json> ServerStore::Revoke(const RequestAuth& auth,
                                   std::string_view body) {
  PALABRE_ASSIGN_OR_RETURN(json j, ParseJsonBody(body));
  Revocation r;
  r.device_id = HexOf(j, "device_id");
  r.signature = FromHex(HexOf(j, "signature"));
  if (j.contains("revoked_at") && j["revoked_at"].is_number_integer()) {
    r.revoked_at = j["revoked_at"].get<int64_t>();
  }
  if (!VerifyRevocation(r, org_.signing_key).ok()) {
    return ServerError(StatusCode::kPermissionDenied, "bad_revocation",
                       "the revocation is not signed by the organisation");
  }
  std::lock_guard<std::mutex> lock(mu_);
  PALABRE_RETURN_IF_ERROR(db_->Transaction([&]() -> Status {
    PALABRE_RETURN_IF_ERROR(AuthenticateCoordinator(auth, body).status());
    PALABRE_ASSIGN_OR_RETURN(
        Statement stmt,
        db_->Prepare("UPDATE devices SET status = 'revoked', "
                     "revoked_at = coalesce(revoked_at, ?), "
                     "revocation_signature = coalesce(revocation_signature, ?) "
                     "WHERE device_id = ?"));
    PALABRE_RETURN_IF_ERROR(stmt.BindInt(1, r.revoked_at));
    PALABRE_RETURN_IF_ERROR(stmt.BindBlob(2, r.signature));
    PALABRE_RETURN_IF_ERROR(stmt.BindText(3, r.device_id));
    PALABRE_RETURN_IF_ERROR(stmt.Run());
    PALABRE_ASSIGN_OR_RETURN(int64_t n, db_->QueryInt("SELECT changes()"));
    if (n == 0) {
      return ServerError(
          StatusCode::kNotFound, "unknown_device",
          "device " + Short(r.device_id) + " is not known to the server");
    }
    return Status::Ok();
  }));
  return json{{"device_id", r.device_id}, {"revoked_at", r.revoked_at}};
}

}  // namespace palabre::sync
