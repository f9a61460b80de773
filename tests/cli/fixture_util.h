// Fixtures for the end-to-end CLI tests: scratch directories, raw file
// access (snapshots, byte flips), and vaults made through the real binary
// with the fast KDF level.
#ifndef PALABRE_TESTS_CLI_FIXTURE_UTIL_H_
#define PALABRE_TESTS_CLI_FIXTURE_UTIL_H_

#include <map>
#include <string>
#include <vector>

#include "tests/cli/run_util.h"

namespace palabre::testing {

inline constexpr char kPassphrase[] = "a long enough passphrase";
inline constexpr char kOtherPassphrase[] = "another passphrase, also long";

// A fresh directory under $TMPDIR (or /tmp), removed with its contents when
// the object dies (permissions are restored first so removal works).
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  // path() + "/" + name
  std::string Sub(const std::string& name) const;

 private:
  std::string path_;
};

// Whole-file read and write; the test fails on error.
std::string ReadAll(const std::string& path);
void WriteAll(const std::string& path, const std::string& bytes);
// XORs the byte at `offset` of the file with 0x5a.
void FlipByte(const std::string& path, long offset);
// Contents of every entry of `dir` by name: a regular file's bytes, or
// "<dir>" / "<other>". Empty map if `dir` does not exist.
std::map<std::string, std::string> Snapshot(const std::string& dir);

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
