// TLS key pins: a device trusts the partner server's TLS key itself, not a
// certificate authority (a field organisation's server often has a
// self-signed certificate, and a CA can be made to issue one for anyone).
//
// A pin is the SHA-256 of the server certificate's SubjectPublicKeyInfo
// (DER), 32 bytes; shown as 64 hex characters. The coordinator's vault
// pins the key at its first contact, and every invitation carries the pin,
// so a facilitator's device trusts exactly that key from its first request.
#ifndef PALABRE_SYNC_TLS_PIN_H_
#define PALABRE_SYNC_TLS_PIN_H_

#include <string>

#include "platform/status.h"

namespace palabre::sync {

// The pin of the first certificate in PEM file `path`. kInvalidArgument if
// it holds no readable certificate.
StatusOr<std::string> TlsPinOfCertFile(const std::string& path);

}  // namespace palabre::sync

#endif  // PALABRE_SYNC_TLS_PIN_H_
