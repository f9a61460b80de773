// Helpers shared by the core tests: scratch directories, raw file access for
// tamper tests, and a vault made with the fast KDF level.
#ifndef PALABRE_TESTS_CORE_TEST_UTIL_H_
#define PALABRE_TESTS_CORE_TEST_UTIL_H_

#include <memory>
#include <string>
#include <vector>

#include "core/vault.h"

namespace palabre::testing {

inline constexpr char kPassphrase[] = "a long enough passphrase";

// A fresh directory under $TMPDIR (or /tmp), removed with its contents when
// the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  // path() + "/" + name
  std::string Sub(const std::string& name) const;

 private:
  std::string path_;
};

// Whole-file read and write; REQUIRE-fail the test on error.
std::string ReadAll(const std::string& path);
void WriteAll(const std::string& path, const std::string& bytes);
// XORs the byte at `offset` of the file with 0x01.
void FlipByte(const std::string& path, long offset);
// Copies every regular file of `from` into `to` (flat).
void CopyDir(const std::string& from, const std::string& to);
// Contents of every regular file of `dir`, by name.
std::vector<std::pair<std::string, std::string>> Snapshot(const std::string& dir);

// Creates a vault in `dir` with kPassphrase at the interactive KDF level;
// returns the recovery code.
std::string MakeVault(const std::string& dir);
// Opens `dir` with kPassphrase; REQUIRE-fails on error.
std::unique_ptr<Vault> OpenVault(const std::string& dir);

}  // namespace palabre::testing

#endif  // PALABRE_TESTS_CORE_TEST_UTIL_H_
