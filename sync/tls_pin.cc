// TLS key pins with OpenSSL (sync/tls_pin.h).
#include "sync/tls_pin.h"

#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <cstdio>

#include "sync/tls_pin_internal.h"

namespace palabre::sync {

std::string TlsPinOfCert(X509* cert) {
  if (cert == nullptr) return "";
  EVP_PKEY* key = X509_get0_pubkey(cert);
  if (key == nullptr) return "";
  unsigned char* der = nullptr;
  const int n = i2d_PUBKEY(key, &der);
  if (n <= 0) return "";
  std::string pin(SHA256_DIGEST_LENGTH, '\0');
  SHA256(der, static_cast<std::size_t>(n),
         reinterpret_cast<unsigned char*>(pin.data()));
  OPENSSL_free(der);
  return pin;
}

StatusOr<std::string> TlsPinOfCertFile(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return InvalidArgumentError("--tls-cert: cannot read " + path);
  }
  X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  const std::string pin = TlsPinOfCert(cert);
  X509_free(cert);
  if (pin.empty()) {
    return InvalidArgumentError("--tls-cert: no certificate (PEM) in " + path);
  }
  return pin;
}

}  // namespace palabre::sync
