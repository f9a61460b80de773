// Entry import: other devices' entries into this vault's log.
//
// A coordinator's vault receives every device's entries (from the partner
// server or a bundle file) already opened by sync/: header fields, the
// record fields, the stored body and the DEK, or only the header and the
// ciphertext hash for an entry its author redacted before it left ("hollow").
// The importer trusts nothing it is handed: it re-seals the entry from the
// body and DEK and checks the ciphertext hash, the author's signature over
// the entry hash, and that the entry continues the author's chain as this
// vault holds it (seq = head + 1, prev hash = head's hash). An entry the
// vault already holds with the same hash is skipped, so importing twice adds
// nothing; a different entry at a used (device, seq) is a fork and refused.
//
// Imported entries are applied to the projections as they come, and a
// redaction erases the bodies of the record it covers, as it did on its
// author's device. Use one importer inside one transaction (RunImport).
#ifndef PALABRE_CORE_ENTRY_IMPORT_H_
#define PALABRE_CORE_ENTRY_IMPORT_H_

#include <functional>
#include <set>
#include <string>
#include <string_view>

#include "core/entry_log.h"
#include "core/projection.h"
#include "platform/status.h"

namespace palabre {

class Database;

enum class EntryImportResult {
  kAdded,      // new: stored and applied
  kDuplicate,  // the vault holds this very entry already
};

class EntryImporter {
 public:
  explicit EntryImporter(Database& db) : db_(db), projection_(db, "main") {}

  // Imports one entry of the device whose Ed25519 key is `public_key`
  // (its id must be that key's). A hollow entry has an empty record_id,
  // type and op, no body and no DEK. Errors, nothing stored:
  //   kPermissionDenied  the signature or ciphertext hash does not verify,
  //                      or the device id is not the key's
  //   kAlreadyExists     a fork: another entry at this (device, seq)
  //   kFailedPrecondition the entry does not continue the chain (a gap)
  //   kInvalidArgument   malformed fields
  StatusOr<EntryImportResult> Add(const Entry& entry, std::string_view public_key);

  // Brings the search index up to date and erases what imported
  // redactions cover. Call before the transaction commits.
  Status Finish();

 private:
  Database& db_;
  Projection projection_;
  std::set<std::string> redacted_;  // record ids
};

// Runs `body` with an importer inside one transaction and calls Finish
// before the commit. On error nothing is stored.
Status RunImport(Database& db,
                 const std::function<Status(EntryImporter&)>& body);

}  // namespace palabre

#endif  // PALABRE_CORE_ENTRY_IMPORT_H_
