// Bundles: the envelopes of a vault in one file, for when there is no
// network (`palabre sync --to-file FILE` on a facilitator's laptop, carried
// on a USB stick or a phone's file share; `palabre sync --from-file FILE`
// on a coordinator's vault, or on any enrolled device that relays it to
// the server).
//
// A bundle holds the same envelopes as a push: ciphertext, signatures and
// data keys wrapped for the organisation, nothing readable without the
// organisation's key. It holds every entry of the vault (each device's
// whole chain), so that whoever imports it can check every chain from its
// start; importing a bundle twice adds nothing.
//
// Format (docs/protocol.md, "Bundle"): "PLBN", version 0x01, the
// organisation id (16 bytes), count (u32), then per envelope its length
// (u32) and bytes.
#ifndef PALABRE_SYNC_BUNDLE_H_
#define PALABRE_SYNC_BUNDLE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "platform/status.h"
#include "sync/envelope_import.h"

namespace palabre {
class Database;
}

namespace palabre::sync {

// The largest bundle read (its envelopes are read whole).
inline constexpr std::size_t kMaxBundleBytes = 512u << 20;

struct Bundle {
  std::string org_id;  // 32 hex
  std::vector<std::string> envelopes;
};

std::string EncodeBundle(const Bundle& bundle);
// Hostile input: kInvalidArgument unless one well-formed bundle.
StatusOr<Bundle> DecodeBundle(std::string_view bytes);

// Every entry of the vault as envelopes for the organisation (hollow where
// a body was erased), by device and seq. kNotFound if the vault belongs to
// no organisation.
StatusOr<Bundle> MakeBundle(Database& db);

struct BundleImport {
  int64_t added = 0;       // entries the vault did not hold
  int64_t duplicates = 0;  // held already (or this vault's own)
  std::vector<Rejection> rejected;
};

// Imports a bundle into a coordinator's vault, verified as a pull is, in
// one transaction. kPermissionDenied for another organisation's bundle;
// kFailedPrecondition if the vault cannot open envelopes (not a
// coordinator's).
StatusOr<BundleImport> ImportBundle(Database& db, const Bundle& bundle);

}  // namespace palabre::sync

#endif  // PALABRE_SYNC_BUNDLE_H_
