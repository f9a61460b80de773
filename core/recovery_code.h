// Recovery codes: the second way into a vault when its passphrase is lost.
//
// A code carries 160 random bits written as 32 characters of Crockford's
// base32 in groups of four ("7K3M-Q9XD-..."): no vowels that spell words, no
// I/L/O that read as 1/0, easy to write on paper and to read back.
#ifndef PALABRE_CORE_RECOVERY_CODE_H_
#define PALABRE_CORE_RECOVERY_CODE_H_

#include <string_view>

#include "core/secure_buffer.h"
#include "platform/status.h"

namespace palabre {

// A fresh random code in its display form (39 characters, with hyphens).
SecureBuffer GenerateRecoveryCode();

// The canonical form of a code typed by a person: hyphens and spaces dropped,
// lower case raised, O read as 0 and I/L as 1. kInvalidArgument (without
// echoing the code) if what remains is not 32 base32 characters.
StatusOr<SecureBuffer> NormalizeRecoveryCode(std::string_view typed);

}  // namespace palabre

#endif  // PALABRE_CORE_RECOVERY_CODE_H_
