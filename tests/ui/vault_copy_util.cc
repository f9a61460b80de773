// A copy of one template vault per test (tests/ui/vault_copy_util.h).
#include "tests/ui/vault_copy_util.h"

#include "tests/core/test_util.h"

namespace palabre::testing {

VaultCopy::VaultCopy() {
  static TempDir templ;
  static const std::string made = [] {
    MakeVault(templ.Sub("vault"));
    return templ.Sub("vault");
  }();
  CopyFiles(made, path());
}

}  // namespace palabre::testing
