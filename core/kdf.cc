// KDF levels and their Argon2id parameters (see kdf.h).
#include "core/kdf.h"

#include <sodium.h>

#include <string>

namespace palabre {

KdfParams ParamsForLevel(KdfLevel level) {
  switch (level) {
    case KdfLevel::kInteractive:
      return {crypto_pwhash_OPSLIMIT_INTERACTIVE,
              crypto_pwhash_MEMLIMIT_INTERACTIVE};
    case KdfLevel::kModerate:
      return {crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE};
    case KdfLevel::kSensitive:
      return {crypto_pwhash_OPSLIMIT_SENSITIVE,
              crypto_pwhash_MEMLIMIT_SENSITIVE};
  }
  return {crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE};
}

std::string_view KdfLevelName(KdfLevel level) {
  switch (level) {
    case KdfLevel::kInteractive:
      return "interactive";
    case KdfLevel::kModerate:
      return "moderate";
    case KdfLevel::kSensitive:
      return "sensitive";
  }
  return "moderate";
}

StatusOr<KdfLevel> ParseKdfLevel(std::string_view name) {
  for (KdfLevel level :
       {KdfLevel::kInteractive, KdfLevel::kModerate, KdfLevel::kSensitive}) {
    if (name == KdfLevelName(level)) return level;
  }
  return InvalidArgumentError(
      "unknown KDF level '" + std::string(name) +
      "' (expected interactive, moderate or sensitive)");
}

}  // namespace palabre
