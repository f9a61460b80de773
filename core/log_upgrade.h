// Upgrading a vault's log from entry format 1 to entry format 2.
//
// Format 1 signed a keyed hash of the plaintext body; format 2 signs the
// hash of the sealed payload (core/entry_seal.h), which a server can check
// without reading it. A format-1 log never left its vault (there was no
// sync before format 2), so the upgrade re-seals and re-signs the vault's
// own entries in chain order with its own device key: new DEKs, new
// ciphertext hashes, new entry hashes chaining to each other. A redacted
// entry (no body, no key) is sealed with an empty body under a DEK that is
// thrown away at once, as if it had been erased after sealing.
#ifndef PALABRE_CORE_LOG_UPGRADE_H_
#define PALABRE_CORE_LOG_UPGRADE_H_

#include "platform/status.h"

namespace palabre {

class Database;

// Re-seals and re-signs every entry of the log (columns already renamed to
// ciphertext_hash and dek, and `hash` dropped; the body_key values of
// format 1 are replaced).
// Run inside the migration's transaction. kFailedPrecondition if the log
// holds another device's entries (which this vault cannot sign) or the
// vault has no device key; kDataLoss if a stored body does not inflate.
Status ResealLogToFormat2(Database& db);

}  // namespace palabre

#endif  // PALABRE_CORE_LOG_UPGRADE_H_
