// The device key: the Ed25519 key pair with which this vault signs every
// entry of its log.
//
// It is created with the vault (and on the first open of a vault made before
// records existed) and stored only inside the encrypted database. The secret
// key never leaves the vault: not in exports, not in backups; a restored
// device gets a new key. The device id is the BLAKE2b-128 hash of the public
// key in hex, so an id names exactly one key.
#ifndef PALABRE_CORE_DEVICE_KEY_H_
#define PALABRE_CORE_DEVICE_KEY_H_

#include <string>
#include <string_view>

#include "core/secure_buffer.h"
#include "platform/status.h"

namespace palabre {

class Database;

inline constexpr std::size_t kPublicKeyBytes = 32;
inline constexpr std::size_t kSecretKeyBytes = 64;
inline constexpr std::size_t kSignatureBytes = 64;

struct DeviceKey {
  std::string device_id;    // 32 hex characters
  std::string public_key;   // kPublicKeyBytes raw bytes
  SecureBuffer secret_key;  // kSecretKeyBytes, locked memory
};

// The device id for a public key.
std::string DeviceIdFor(std::string_view public_key);

// Creates this vault's device key if it has none (inside its own
// transaction). OK if one exists already.
Status EnsureDeviceKey(Database& db);

// Loads this vault's own key (the one with a secret key).
// kFailedPrecondition if there is none; kDataLoss if it is malformed.
StatusOr<DeviceKey> LoadDeviceKey(Database& db);

// The public key of `device_id`, from this vault's device table.
// kNotFound if the device is unknown.
StatusOr<std::string> LoadPublicKey(Database& db, std::string_view device_id);

// Ed25519 over `message` with `key` (64-byte secret key).
std::string Sign(const DeviceKey& key, std::string_view message);
// True if `signature` is `public_key`'s over `message`.
bool VerifySignature(std::string_view public_key, std::string_view message,
                     std::string_view signature);

// Lower-case hex of raw bytes, and back ("" if not even-length hex).
std::string ToHex(std::string_view bytes);
std::string FromHex(std::string_view hex);

}  // namespace palabre

#endif  // PALABRE_CORE_DEVICE_KEY_H_
