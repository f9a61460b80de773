// Helpers for the core tests: vaults made with the fast KDF level (file
// helpers are in tests/common/files_util.h).
#ifndef PALABRE_TESTS_CORE_TEST_UTIL_H_
#define PALABRE_TESTS_CORE_TEST_UTIL_H_

#include <memory>
#include <string>
#include <vector>

#include "core/vault.h"
#include "tests/common/files_util.h"

namespace palabre::testing {

// Creates a vault in `dir` with kPassphrase at the interactive KDF level;
// returns the recovery code.
std::string MakeVault(const std::string& dir);
// Opens `dir` with kPassphrase; REQUIRE-fails on error.
std::unique_ptr<Vault> OpenVault(const std::string& dir);

}  // namespace palabre::testing

#endif  // PALABRE_TESTS_CORE_TEST_UTIL_H_
