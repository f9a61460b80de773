// Import of other devices' entries (core/entry_import.h).
#include "core/entry_import.h"

#include "core/byte_order.h"
#include "core/database.h"
#include "core/device_key.h"
#include "core/entry_seal.h"

namespace palabre {
namespace {

std::string Name(const Entry& e) {
  return "device " + e.device_id.substr(0, 8) + " seq " +
         std::to_string(e.seq);
}

bool IsHollow(const Entry& e) {
  return e.record_id.empty() && e.op.empty() && !e.body.has_value() &&
         e.dek.empty();
}

// Records this device's public key if the vault does not know it yet.
Status RememberDevice(Database& db, const Entry& e,
                      std::string_view public_key) {
  StatusOr<std::string> known = LoadPublicKey(db, e.device_id);
  if (known.ok()) {
    if (*known != public_key) {
      return PermissionDeniedError(Name(e) +
                                   ": another key is known for this device");
    }
    return Status::Ok();
  }
  if (known.status().code() != StatusCode::kNotFound) return known.status();
  PALABRE_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("INSERT INTO device_keys(device_id, public_key, secret_key, "
                 "created_at) VALUES (?, ?, NULL, "
                 "strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))"));
  PALABRE_RETURN_IF_ERROR(stmt.BindText(1, e.device_id));
  PALABRE_RETURN_IF_ERROR(stmt.BindBlob(2, public_key));
  return stmt.Run();
}

}  // namespace

StatusOr<EntryImportResult> EntryImporter::Add(const Entry& in,
                                          std::string_view public_key) {
  if (!IsHexId(in.device_id) || in.seq < 1 ||
      in.prev_hash.size() != kEntryHashBytes ||
      in.ciphertext_hash.size() != kEntryHashBytes ||
      in.signature.size() != kSignatureBytes) {
    return InvalidArgumentError("malformed entry");
  }
  if (DeviceIdFor(public_key) != in.device_id) {
    return PermissionDeniedError(Name(in) + ": the device id is not its key's");
  }
  Entry e = in;
  const bool hollow = IsHollow(e);
  if (!hollow) {
    if (!e.body.has_value() || e.dek.empty()) {
      return InvalidArgumentError(Name(e) + ": neither whole nor hollow");
    }
    // The body applied to the tables must be the one the seal covers.
    if (!e.packed_body.has_value()) {
      e.packed_body = PackBody(*e.body);
    } else {
      StatusOr<std::string> unpacked = UnpackBody(*e.packed_body);
      if (!unpacked.ok() || *unpacked != *e.body) {
        return PermissionDeniedError(Name(e) +
                                     ": the body is not its stored form");
      }
    }
    StatusOr<std::string> ciphertext = SealEntry(e);
    if (!ciphertext.ok()) return ciphertext.status().WithContext(Name(e));
    if (CiphertextHash(*ciphertext) != e.ciphertext_hash) {
      return PermissionDeniedError(Name(e) +
                                   ": the body does not match its hash");
    }
  }
  e.hash = ComputeEntryHash(e);
  if (!VerifySignature(public_key, e.hash, e.signature)) {
    return PermissionDeniedError(Name(e) + ": the signature does not verify");
  }

  PALABRE_ASSIGN_OR_RETURN(ChainHead head, LoadChainHead(db_, e.device_id));
  if (e.seq <= head.seq) {
    PALABRE_ASSIGN_OR_RETURN(std::optional<Entry> held,
                             LoadEntry(db_, e.device_id, e.seq));
    if (held.has_value() && held->hash == e.hash) {
      return EntryImportResult::kDuplicate;
    }
    return AlreadyExistsError(Name(e) +
                              ": a different entry holds this place (a fork)");
  }
  if (e.seq != head.seq + 1) {
    return FailedPreconditionError(
        Name(e) + ": entries before it are missing (this vault holds up to " +
        std::to_string(head.seq) + ")");
  }
  if (e.prev_hash != head.hash) {
    return AlreadyExistsError(Name(e) +
                              ": does not chain to the entry before it");
  }
  PALABRE_RETURN_IF_ERROR(RememberDevice(db_, e, public_key));
  PALABRE_RETURN_IF_ERROR(InsertEntry(db_, e));
  if (!hollow) {
    PALABRE_RETURN_IF_ERROR(projection_.Apply(e));
    if (e.op == kOpRedact) redacted_.insert(e.record_id);
  }
  return EntryImportResult::kAdded;
}

Status EntryImporter::Finish() {
  PALABRE_RETURN_IF_ERROR(projection_.Flush());
  if (redacted_.empty()) return Status::Ok();
  for (const std::string& record : redacted_) {
    PALABRE_RETURN_IF_ERROR(EraseBodies(db_, record));
  }
  redacted_.clear();
  // As after a local redaction: no index segment keeps the erased tokens.
  return db_.Exec(
      "INSERT INTO sessions_fts(sessions_fts) VALUES ('optimize')");
}

Status RunImport(Database& db,
                 const std::function<Status(EntryImporter&)>& body) {
  return db.Transaction([&]() -> Status {
    EntryImporter importer(db);
    PALABRE_RETURN_IF_ERROR(body(importer));
    return importer.Finish();
  });
}

}  // namespace palabre
