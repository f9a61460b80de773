// Envelope import: opening, checking and importing other devices'
// envelopes into a coordinator's vault, the same way whether they come from
// the partner server (pull) or from a bundle file (`sync --from-file`).
//
// Each envelope must decode, carry the signature of a device the
// organisation certified (its certificate is in the vault), open with the
// organisation's encryption key (or be hollow), name inside the device and
// seq of its header, and continue that device's chain in the vault
// (core/entry_import.h). The first refusal of a device is recorded with a
// stable code; the device's later envelopes are skipped (its chain has a
// hole here) while other devices go on.
#ifndef PALABRE_SYNC_ENVELOPE_IMPORT_H_
#define PALABRE_SYNC_ENVELOPE_IMPORT_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/entry_import.h"
#include "platform/status.h"
#include "sync/envelope.h"

namespace palabre {
class Database;
}

namespace palabre::sync {

// An entry refused, by the server or by this vault.
struct Rejection {
  std::string device_id;  // 32 hex, or "" if not known
  int64_t seq = 0;
  std::string code;  // stable: "fork", "bad_signature", ...
  std::string message;
};

class EnvelopeImport {
 public:
  // Loads the organisation's encryption key and the certificates the vault
  // holds. kFailedPrecondition unless this is a coordinator's vault.
  // With `accept_revoked` false, a revoked device's envelopes are refused
  // unless the vault holds them already (a bundle may come from a seized
  // device; the server refuses such a device by itself).
  static StatusOr<EnvelopeImport> Create(Database& db, bool accept_revoked);
  ~EnvelopeImport();
  EnvelopeImport(EnvelopeImport&&) noexcept;
  EnvelopeImport& operator=(EnvelopeImport&&) = delete;

  // Imports one envelope with `importer` (inside its transaction). Answers
  // true if the vault did not hold it. A refusal answers false with
  // `*refused` set (recorded in rejections() if it is the device's first);
  // the vault's own device's envelopes are skipped (false, not refused).
  // Only storage failures are errors.
  StatusOr<bool> Add(EntryImporter& importer, std::string_view bytes,
                     bool* refused);

  const std::vector<Rejection>& rejections() const { return rejections_; }

 private:
  EnvelopeImport() = default;
  void Refuse(const std::string& device, int64_t seq, const char* code,
              const std::string& message);

  Database* db_ = nullptr;
  std::string own_device_;
  RecipientKey recipient_;
  std::map<std::string, std::string> keys_;  // device id -> public key
  std::set<std::string> revoked_;
  bool accept_revoked_ = true;
  std::set<std::string> failed_;
  std::vector<Rejection> rejections_;
};

}  // namespace palabre::sync

#endif  // PALABRE_SYNC_ENVELOPE_IMPORT_H_
