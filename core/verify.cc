// Chain, signature and projection checks (see verify.h).
#include "core/verify.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "core/database.h"
#include "core/device_key.h"
#include "core/entry_log.h"
#include "core/entry_seal.h"
#include "core/projection.h"
#include "core/projection_schema.h"
#include "core/receipt.h"
#include "core/sync_state.h"

namespace palabre {
namespace {

Status Broken(const Entry& e, const std::string& why) {
  return DataLossError("device " + e.device_id.substr(0, 8) + " seq " +
                       std::to_string(e.seq) + ": " + why);
}

// Columns compared per table; participation and concerns are keyed by the
// session's id, not its row number (which depends on arrival order).
struct Compared {
  const char* name;
  const char* select;  // with %s for the schema
};

constexpr Compared kCompared[] = {
    {"sessions",
     "SELECT id, kind, title, started_at, start_utc, day, country, region, "
     "commune, region_key, commune_key, participants, device_id, seq, "
     "created_at, updated_at FROM %s.sessions"},
    {"participation",
     "SELECT s.id, p.dimension, p.key, p.count FROM %s.participation p JOIN "
     "%s.sessions s ON s.num = p.session_num"},
    {"concerns",
     "SELECT s.id, c.position, c.category, c.raised_by FROM "
     "%s.concerns c JOIN %s.sessions s ON s.num = c.session_num"},
    {"commitments",
     "SELECT id, session_id, position, action, owner, owner_key, due, "
     "status, status_date FROM %s.commitments"},
    {"follow_ups",
     "SELECT id, commitment_id, status, note, date, hlc, created_at FROM "
     "%s.follow_ups"},
    {"redacted", "SELECT record_id, type FROM %s.redacted"},
    // Which session holds which term (the index keeps no positions): its
    // rows are keyed by session row number, mapped back to the session's id.
    {"full-text index",
     "SELECT coalesce(s.id, 'no session #' || v.doc), v.term "
     "FROM temp.vocab_%s v LEFT JOIN %s.sessions s ON s.num = v.doc"},
};

std::string ForSchema(const char* pattern, const std::string& schema) {
  std::string out;
  for (const char* p = pattern; *p != '\0'; ++p) {
    if (p[0] == '%' && p[1] == 's') {
      out += schema;
      ++p;
    } else {
      out += *p;
    }
  }
  return out;
}

// The unsigned parent_id index (which redaction relies on) must say what
// the signed body says: a commitment's session, a follow-up's commitment.
bool ParentMatches(const Entry& e) {
  if (e.op != kOpPut) return true;
  const char* key = e.type == kTypeCommitment ? "session"
                    : e.type == kTypeFollowUp ? "commitment"
                                              : nullptr;
  if (key == nullptr) return e.parent_id.empty();
  const nlohmann::json body =
      nlohmann::json::parse(*e.body, nullptr, /*allow_exceptions=*/false);
  return body.is_object() && body.contains(key) && body[key].is_string() &&
         body[key].get<std::string>() == e.parent_id;
}

Status CheckChains(Database& db, VerifyReport& report) {
  // Records with a redact entry: their earlier bodies may be erased.
  std::set<std::string> redacted;
  {
    PALABRE_ASSIGN_OR_RETURN(Statement stmt,
                             db.Prepare("SELECT DISTINCT record_id FROM "
                                        "log_entries WHERE op = 'redact'"));
    while (true) {
      PALABRE_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      redacted.insert(stmt.ColumnText(0));
    }
  }
  // This vault's own device: its entries are never hollow here.
  PALABRE_ASSIGN_OR_RETURN(
      std::string own_device,
      db.QueryText("SELECT coalesce(max(device_id), '') FROM device_keys "
                   "WHERE secret_key IS NOT NULL"));
  std::string device;
  std::string public_key;
  int64_t expected_seq = 0;
  std::string expected_prev;
  return ForEachEntry(db, /*by_chain=*/true, [&](const Entry& e) -> Status {
    ++report.entries;
    if (e.device_id != device) {
      device = e.device_id;
      ++report.devices;
      StatusOr<std::string> key = LoadPublicKey(db, device);
      if (!key.ok()) return Broken(e, "unknown device (no public key)");
      public_key = *key;
      expected_seq = 1;
      expected_prev.assign(32, '\0');
    }
    if (e.seq != expected_seq) {
      return Broken(e, "expected seq " + std::to_string(expected_seq) +
                           " (an entry is missing)");
    }
    if (e.prev_hash != expected_prev) {
      return Broken(e, "does not chain to the entry before it");
    }
    // e.hash is computed from the header and the ciphertext hash (it is
    // not stored): a changed header field or ciphertext hash shows as a
    // signature that does not verify.
    if (!VerifySignature(public_key, e.hash, e.signature)) {
      return Broken(e, "signature does not verify");
    }
    if (e.body.has_value()) {
      // Sealing again from the stored fields, body and DEK must give the
      // ciphertext whose hash the signed entry carries: this covers the
      // record id, type, op, parent and body.
      StatusOr<std::string> ciphertext = SealEntry(e);
      if (!ciphertext.ok() ||
          CiphertextHash(*ciphertext) != e.ciphertext_hash) {
        return Broken(e, "body does not match its hash");
      }
      if (!ParentMatches(e)) {
        return Broken(e, "its parent link does not match its body");
      }
    } else if (e.record_id.empty() && e.op.empty() && e.dek.empty()) {
      // Hollow: redacted by its author before it left that device; the
      // header, ciphertext hash and signature are all there is.
      if (e.device_id == own_device) {
        return Broken(e, "an entry of this device has no record");
      }
      ++report.hollow;
    } else if (e.op == kOpRedact || redacted.count(e.record_id) == 0) {
      return Broken(e, "body missing without a redaction");
    }
    expected_seq = e.seq + 1;
    expected_prev = e.hash;
    return Status::Ok();
  });
}

Status RebuildAndCompare(Database& db) {
  PALABRE_RETURN_IF_ERROR(db.Exec(PALABRE_PROJECTION_DDL("temp")));
  PALABRE_RETURN_IF_ERROR(RebuildProjections(db, "temp"));
  PALABRE_RETURN_IF_ERROR(
      db.Exec("CREATE VIRTUAL TABLE temp.vocab_main USING "
              "fts5vocab(main, sessions_fts, instance);"
              "CREATE VIRTUAL TABLE temp.vocab_temp USING "
              "fts5vocab(temp, sessions_fts, instance);"));
  for (const Compared& c : kCompared) {
    const std::string stored = ForSchema(c.select, "main");
    const std::string fresh = ForSchema(c.select, "temp");
    PALABRE_ASSIGN_OR_RETURN(int64_t missing,
                             db.QueryInt("SELECT count(*) FROM (" + fresh +
                                         " EXCEPT " + stored + ")"));
    PALABRE_ASSIGN_OR_RETURN(int64_t extra,
                             db.QueryInt("SELECT count(*) FROM (" + stored +
                                         " EXCEPT " + fresh + ")"));
    if (missing != 0 || extra != 0) {
      return DataLossError(std::string("the stored ") + c.name +
                           " differ from what the log gives (" +
                           std::to_string(missing) + " rows missing, " +
                           std::to_string(extra) + " rows extra)");
    }
  }
  return Status::Ok();
}

Status DropTemp(Database& db) {
  return db.Exec(
      "DROP TABLE IF EXISTS temp.vocab_main;"
      "DROP TABLE IF EXISTS temp.vocab_temp;"
      "DROP TABLE IF EXISTS temp.sessions_fts;"
      "DROP TABLE IF EXISTS temp.sessions;"
      "DROP TABLE IF EXISTS temp.participation;"
      "DROP TABLE IF EXISTS temp.concerns;"
      "DROP TABLE IF EXISTS temp.commitments;"
      "DROP TABLE IF EXISTS temp.follow_ups;"
      "DROP TABLE IF EXISTS temp.redacted;");
}

// Every receipt the partner server signed ends with an entry this vault
// holds, with that entry's hash, under the server key pinned at the first
// contact. The chains are checked already, so the last entry's hash
// vouches for the whole run.
Status CheckReceipts(Database& db, VerifyReport& report) {
  PALABRE_ASSIGN_OR_RETURN(std::vector<Receipt> receipts, LoadReceipts(db));
  if (receipts.empty()) return Status::Ok();
  PALABRE_ASSIGN_OR_RETURN(std::string server_key,
                           GetSyncValue(db, kSyncServerKey));
  // By device and first seq: the entries covered are counted once.
  std::string device;
  int64_t covered_to = 0;
  for (const Receipt& r : receipts) {
    Status held = CheckReceiptHeld(db, r, server_key);
    if (held.code() == StatusCode::kPermissionDenied) {
      return DataLossError(held.message());
    }
    PALABRE_RETURN_IF_ERROR(held);
    ++report.receipts;
    if (r.device_id != device) {
      device = r.device_id;
      covered_to = 0;
    }
    if (r.last_seq > covered_to) {
      report.receipted += r.last_seq - std::max(covered_to, r.first_seq - 1);
      covered_to = r.last_seq;
    }
  }
  return Status::Ok();
}

}  // namespace

StatusOr<VerifyReport> VerifyRecords(Database& db) {
  VerifyReport report;
  PALABRE_RETURN_IF_ERROR(CheckChains(db, report));
  PALABRE_RETURN_IF_ERROR(CheckReceipts(db, report));
  PALABRE_RETURN_IF_ERROR(DropTemp(db));
  Status status = RebuildAndCompare(db);
  PALABRE_RETURN_IF_ERROR(DropTemp(db));
  PALABRE_RETURN_IF_ERROR(status);
  PALABRE_ASSIGN_OR_RETURN(report.sessions,
                           db.QueryInt("SELECT count(*) FROM sessions"));
  PALABRE_ASSIGN_OR_RETURN(report.commitments,
                           db.QueryInt("SELECT count(*) FROM commitments"));
  PALABRE_ASSIGN_OR_RETURN(report.follow_ups,
                           db.QueryInt("SELECT count(*) FROM follow_ups"));
  PALABRE_ASSIGN_OR_RETURN(report.redacted,
                           db.QueryInt("SELECT count(*) FROM redacted"));
  return report;
}

}  // namespace palabre
