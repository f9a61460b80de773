// Thin wrappers over the libsodium primitives palabre uses, so that the rest
// of core names *what* it does (seal a page, derive a key) rather than which
// libsodium call does it, and so that every call site checks results.
//
//   AEAD      XChaCha20-Poly1305 (IETF), 24-byte random nonces, 16-byte tags
//   KDF       Argon2id (crypto_pwhash) for passphrases and recovery codes
//   subkeys   crypto_kdf_derive_from_key (BLAKE2b) from the master key
//   hash      BLAKE2b-256 (crypto_generichash)
#ifndef PALABRE_CORE_CRYPTO_H_
#define PALABRE_CORE_CRYPTO_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/kdf.h"
#include "platform/status.h"

namespace palabre::crypto {

inline constexpr std::size_t kKeyBytes = 32;
inline constexpr std::size_t kNonceBytes = 24;
inline constexpr std::size_t kTagBytes = 16;
inline constexpr std::size_t kSaltBytes = 16;
inline constexpr std::size_t kHashBytes = 32;

// Initialises libsodium once per process (thread-safe, idempotent).
// kInternal if libsodium cannot initialise (no usable randomness source).
Status Initialize();

// Fills `out` with `n` bytes from the OS CSPRNG.
void RandomBytes(uint8_t* out, std::size_t n);

// Encrypts `data[0, len)` in place under `key` and `nonce`, authenticating
// `ad` too; writes the tag to `tag`.
void SealInPlace(const uint8_t* key, const uint8_t* nonce, const uint8_t* ad,
                 std::size_t ad_len, uint8_t* data, std::size_t len,
                 uint8_t* tag);

// Decrypts `data[0, len)` in place. Returns false, leaving `data` zeroed, if
// the tag does not authenticate the ciphertext, nonce and `ad`.
[[nodiscard]] bool OpenInPlace(const uint8_t* key, const uint8_t* nonce,
                               const uint8_t* ad, std::size_t ad_len,
                               uint8_t* data, std::size_t len,
                               const uint8_t* tag);

// Derives a kKeyBytes key from `secret` and `salt` with Argon2id at `params`
// into `out`. kResourceExhausted if the memory cannot be had,
// kInvalidArgument if the parameters are outside libsodium's bounds.
Status DeriveKeyFromSecret(std::string_view secret, const uint8_t* salt,
                           const KdfParams& params, uint8_t* out);

// Derives subkey number `id` in context `context` (exactly 8 characters)
// from `master` (kKeyBytes) into `out` (kKeyBytes).
void DeriveSubkey(const uint8_t* master, uint64_t id, const char* context,
                  uint8_t* out);

// BLAKE2b-256 of `data` into `out` (kHashBytes).
void Hash(std::string_view data, uint8_t* out);

// Zeroes `n` bytes at `p` in a way the compiler cannot optimise away.
void Wipe(void* p, std::size_t n);

// Constant-time comparison of `n` bytes.
bool Equal(const uint8_t* a, const uint8_t* b, std::size_t n);

}  // namespace palabre::crypto

#endif  // PALABRE_CORE_CRYPTO_H_
