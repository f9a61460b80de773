// libsodium wrappers (see crypto.h).
#include "core/crypto.h"

#include <sodium.h>

#include <cstring>
#include <mutex>

namespace palabre::crypto {

static_assert(kKeyBytes == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
static_assert(kNonceBytes == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(kTagBytes == crypto_aead_xchacha20poly1305_ietf_ABYTES);
static_assert(kSaltBytes == crypto_pwhash_SALTBYTES);
static_assert(kKeyBytes == crypto_kdf_KEYBYTES);

Status Initialize() {
  static const int result = sodium_init();  // thread-safe static init
  if (result < 0) return InternalError("libsodium failed to initialise");
  return Status::Ok();
}

void RandomBytes(uint8_t* out, std::size_t n) { randombytes_buf(out, n); }

void SealInPlace(const uint8_t* key, const uint8_t* nonce, const uint8_t* ad,
                 std::size_t ad_len, uint8_t* data, std::size_t len,
                 uint8_t* tag) {
  unsigned long long tag_len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt_detached(
      data, tag, &tag_len, data, len, ad, ad_len, nullptr, nonce, key);
}

bool OpenInPlace(const uint8_t* key, const uint8_t* nonce, const uint8_t* ad,
                 std::size_t ad_len, uint8_t* data, std::size_t len,
                 const uint8_t* tag) {
  if (crypto_aead_xchacha20poly1305_ietf_decrypt_detached(
          data, nullptr, data, len, tag, ad, ad_len, nonce, key) != 0) {
    sodium_memzero(data, len);
    return false;
  }
  return true;
}

Status DeriveKeyFromSecret(std::string_view secret, const uint8_t* salt,
                           const KdfParams& params, uint8_t* out) {
  if (params.opslimit < crypto_pwhash_OPSLIMIT_MIN ||
      params.opslimit > crypto_pwhash_OPSLIMIT_MAX ||
      params.memlimit < crypto_pwhash_MEMLIMIT_MIN ||
      params.memlimit > crypto_pwhash_MEMLIMIT_MAX) {
    return InvalidArgumentError("key derivation parameters out of range");
  }
  if (crypto_pwhash(out, kKeyBytes, secret.data(), secret.size(), salt,
                    params.opslimit, static_cast<std::size_t>(params.memlimit),
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return ResourceExhaustedError(
        "not enough memory for key derivation (Argon2id needs " +
        std::to_string(params.memlimit >> 20) + " MiB)");
  }
  return Status::Ok();
}

void DeriveSubkey(const uint8_t* master, uint64_t id, const char* context,
                  uint8_t* out) {
  crypto_kdf_derive_from_key(out, kKeyBytes, id, context, master);
}

void Hash(std::string_view data, uint8_t* out) {
  crypto_generichash(out, kHashBytes,
                     reinterpret_cast<const unsigned char*>(data.data()),
                     data.size(), nullptr, 0);
}

void Wipe(void* p, std::size_t n) { sodium_memzero(p, n); }

bool Equal(const uint8_t* a, const uint8_t* b, std::size_t n) {
  return sodium_memcmp(a, b, n) == 0;
}

}  // namespace palabre::crypto
