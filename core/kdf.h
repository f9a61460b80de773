// Passphrase key derivation levels (Argon2id through libsodium's
// crypto_pwhash). The level chosen at `init` is stored, with its exact
// parameters and salt, in the passphrase slot of the keys file.
#ifndef PALABRE_CORE_KDF_H_
#define PALABRE_CORE_KDF_H_

#include <cstdint>
#include <string_view>

#include "platform/status.h"

namespace palabre {

enum class KdfLevel { kInteractive, kModerate, kSensitive };

// Argon2id cost parameters.
struct KdfParams {
  uint64_t opslimit = 0;
  uint64_t memlimit = 0;  // bytes
};

// libsodium's *_INTERACTIVE (2 passes, 64 MiB), *_MODERATE (3, 256 MiB) and
// *_SENSITIVE (4, 1 GiB) parameters.
KdfParams ParamsForLevel(KdfLevel level);

// "interactive", "moderate", "sensitive".
std::string_view KdfLevelName(KdfLevel level);

// Parses a level name; kInvalidArgument naming the accepted values otherwise.
StatusOr<KdfLevel> ParseKdfLevel(std::string_view name);

}  // namespace palabre

#endif  // PALABRE_CORE_KDF_H_
