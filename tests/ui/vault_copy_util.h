// A vault for the web app's tests: a copy of one vault (kPassphrase,
// interactive KDF) made once per run, in a directory removed with the
// object. Vault::Create costs two key derivations, a copy none.
#ifndef PALABRE_TESTS_UI_VAULT_COPY_UTIL_H_
#define PALABRE_TESTS_UI_VAULT_COPY_UTIL_H_

#include <string>

#include "tests/common/files_util.h"

namespace palabre::testing {

class VaultCopy {
 public:
  VaultCopy();
  VaultCopy(const VaultCopy&) = delete;
  VaultCopy& operator=(const VaultCopy&) = delete;

  // The vault's directory.
  std::string path() const { return dir_.Sub("vault"); }

 private:
  TempDir dir_;
};

}  // namespace palabre::testing

#endif  // PALABRE_TESTS_UI_VAULT_COPY_UTIL_H_
