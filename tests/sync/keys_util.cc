// Keys for the sync tests (keys_util.h).
#include "tests/sync/keys_util.h"

#include <sodium.h>

namespace palabre::testing {

DeviceKey NewSigningKey() {
  std::string pk(crypto_sign_PUBLICKEYBYTES, '\0');
  std::string sk(crypto_sign_SECRETKEYBYTES, '\0');
  crypto_sign_keypair(reinterpret_cast<unsigned char*>(pk.data()),
                      reinterpret_cast<unsigned char*>(sk.data()));
  DeviceKey key;
  key.device_id = DeviceIdFor(pk);
  key.public_key = pk;
  key.secret_key = SecureBuffer::CopyOf(sk);
  sodium_memzero(sk.data(), sk.size());
  return key;
}

std::string SignDetached(const DeviceKey& key, const std::string& message) {
  std::string sig(crypto_sign_BYTES, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()),
                       message.size(), key.secret_key.data());
  return sig;
}

}  // namespace palabre::testing
