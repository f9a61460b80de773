// Fixtures for the end-to-end CLI tests: vaults made through the real
// binary with the fast KDF level, and checks on failed runs (file helpers
// are in tests/common/files_util.h).
#ifndef PALABRE_TESTS_CLI_FIXTURE_UTIL_H_
#define PALABRE_TESTS_CLI_FIXTURE_UTIL_H_

#include <map>
#include <string>
#include <vector>

#include "tests/cli/run_util.h"
#include "tests/common/files_util.h"

namespace palabre::testing {

// Arguments "--vault DIR" followed by `rest`.
std::vector<std::string> VaultArgs(const std::string& dir,
                                   std::vector<std::string> rest);

// Runs `palabre --vault DIR init --kdf interactive --json` with
// `passphrase`; the test fails unless it succeeds. Returns the recovery code.
std::string InitVault(const std::string& dir,
                      const std::string& passphrase = kPassphrase);

// Runs `palabre --vault DIR status` with `passphrase`.
RunResult RunStatus(const std::string& dir,
                    const std::string& passphrase = kPassphrase);

// Checks the invariants of a failed run: exit `code`, no signal, exactly one
// line on stderr starting with "palabre: ".
void ExpectFailure(const RunResult& result, int code);

}  // namespace palabre::testing

#endif  // PALABRE_TESTS_CLI_FIXTURE_UTIL_H_
