// For sync/ only: the pin of an OpenSSL certificate (sync/tls_pin.h).
#ifndef PALABRE_SYNC_TLS_PIN_INTERNAL_H_
#define PALABRE_SYNC_TLS_PIN_INTERNAL_H_

#include <openssl/x509.h>

#include <string>

namespace palabre::sync {

// SHA-256 of the certificate's SubjectPublicKeyInfo (DER); "" on failure.
std::string TlsPinOfCert(X509* cert);

}  // namespace palabre::sync

#endif  // PALABRE_SYNC_TLS_PIN_INTERNAL_H_
