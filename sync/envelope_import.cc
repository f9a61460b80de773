// Envelope import into a coordinator's vault (sync/envelope_import.h).
#include "sync/envelope_import.h"

#include <sodium.h>

#include "core/device_key.h"
#include "core/entry_log.h"
#include "core/organisation.h"

namespace palabre::sync {
namespace {

std::string Name(const Envelope& env) {
  return "device " + env.device_id.substr(0, 8) + " seq " +
         std::to_string(env.seq);
}

}  // namespace

StatusOr<EnvelopeImport> EnvelopeImport::Create(Database& db,
                                                bool accept_revoked) {
  EnvelopeImport out;
  out.db_ = &db;
  out.accept_revoked_ = accept_revoked;
  PALABRE_ASSIGN_OR_RETURN(OrgSecrets secrets, LoadOrgSecrets(db));
  out.recipient_.public_key = secrets.encryption_key;
  out.recipient_.secret_key = std::string(secrets.encryption_secret.chars(),
                                          secrets.encryption_secret.size());
  PALABRE_ASSIGN_OR_RETURN(DeviceKey own, LoadDeviceKey(db));
  out.own_device_ = own.device_id;
  PALABRE_ASSIGN_OR_RETURN(std::vector<DeviceCertificate> certs,
                           LoadCertificates(db));
  for (const DeviceCertificate& c : certs) out.keys_[c.device_id] = c.public_key;
  PALABRE_ASSIGN_OR_RETURN(auto revoked, LoadRevocations(db));
  for (const auto& [device, at] : revoked) out.revoked_.insert(device);
  return out;
}

EnvelopeImport::EnvelopeImport(EnvelopeImport&& other) noexcept = default;

EnvelopeImport::~EnvelopeImport() {
  sodium_memzero(recipient_.secret_key.data(), recipient_.secret_key.size());
}

void EnvelopeImport::Refuse(const std::string& device, int64_t seq,
                            const char* code, const std::string& message) {
  if (device.empty() || failed_.insert(device).second) {
    rejections_.push_back({device, seq, code, message});
  }
}

StatusOr<bool> EnvelopeImport::Add(EntryImporter& importer,
                                   std::string_view bytes, bool* refused) {
  *refused = false;
  StatusOr<Envelope> env = DecodeEnvelope(bytes);
  if (!env.ok()) {
    *refused = true;
    Refuse("", 0, "malformed",
           "a damaged envelope: " + env.status().message());
    return false;
  }
  if (env->device_id == own_device_) return false;
  if (failed_.count(env->device_id) > 0) {
    *refused = true;
    return false;
  }
  const std::string name = Name(*env);
  auto key = keys_.find(env->device_id);
  if (key == keys_.end()) {
    *refused = true;
    Refuse(env->device_id, env->seq, "unknown_device",
           name + ": the organisation's certificate for it is not in this "
                  "vault (sync with the server first)");
    return false;
  }
  if (!VerifyEnvelope(*env, key->second).ok()) {
    *refused = true;
    Refuse(env->device_id, env->seq, "bad_signature",
           name + ": altered on the way or where it was kept (its "
                  "signature does not verify); not imported");
    return false;
  }
  if (!accept_revoked_ && revoked_.count(env->device_id) > 0) {
    PALABRE_ASSIGN_OR_RETURN(std::optional<Entry> held,
                             LoadEntry(*db_, env->device_id, env->seq));
    if (!held.has_value()) {
      *refused = true;
      Refuse(env->device_id, env->seq, "revoked",
             name + ": the device was revoked; its entries come only "
                    "through the server");
      return false;
    }
  }
  Entry e;
  if (env->hollow) {
    e.device_id = env->device_id;
    e.seq = env->seq;
    e.prev_hash = env->prev_hash;
    e.hlc = env->hlc;
    e.ciphertext_hash = env->ciphertext_hash;
  } else {
    StatusOr<Entry> opened = OpenEnvelope(*env, recipient_);
    if (!opened.ok()) {
      *refused = true;
      Refuse(env->device_id, env->seq, "unreadable",
             name + ": " + opened.status().message());
      return false;
    }
    e = std::move(*opened);
  }
  e.signature = env->signature;
  StatusOr<EntryImportResult> r = importer.Add(e, key->second);
  if (!r.ok()) {
    const StatusCode code = r.status().code();
    if (code != StatusCode::kAlreadyExists &&
        code != StatusCode::kFailedPrecondition &&
        code != StatusCode::kPermissionDenied &&
        code != StatusCode::kInvalidArgument &&
        code != StatusCode::kDataLoss) {
      return r.status();  // storage
    }
    *refused = true;
    Refuse(env->device_id, env->seq,
           code == StatusCode::kAlreadyExists        ? "fork"
           : code == StatusCode::kFailedPrecondition ? "out_of_order"
                                                     : "rejected",
           r.status().message());
    return false;
  }
  return *r == EntryImportResult::kAdded;
}

}  // namespace palabre::sync
