// Keys for the sync tests, made with libsodium directly (not with the code
// under test): Ed25519 key pairs as palabre's DeviceKey, and detached
// signatures, so that tests can play an organisation, a device or an
// intruder.
#ifndef PALABRE_TESTS_SYNC_KEYS_UTIL_H_
#define PALABRE_TESTS_SYNC_KEYS_UTIL_H_

#include <string>

#include "core/device_key.h"

namespace palabre::testing {

// A new Ed25519 key pair; device_id is DeviceIdFor(public key).
DeviceKey NewSigningKey();

// Ed25519 detached signature of `message` with `key`.
std::string SignDetached(const DeviceKey& key, const std::string& message);

}  // namespace palabre::testing

#endif  // PALABRE_TESTS_SYNC_KEYS_UTIL_H_
